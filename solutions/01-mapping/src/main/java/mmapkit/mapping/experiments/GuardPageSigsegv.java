package mmapkit.mapping.experiments;

import static mmapkit.mapping.natives.MemoryMapCalls.MAP_PRIVATE;
import static mmapkit.mapping.natives.MemoryMapCalls.PROT_READ;
import static mmapkit.mapping.natives.MemoryMapCalls.PROT_WRITE;

import mmapkit.mapping.Pages;
import mmapkit.mapping.RawMapping;
import mmapkit.mapping.process.ChildJvm;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Experiment: a buffer with a guard page above it, and a store that runs off the buffer's end.
 * Through the toolkit's segment the bounds check stops it; through a raw address, as C code would
 * store, it hits the guard page and the kernel sends SIGSEGV (not SIGBUS, which a page past the
 * end of a file gives). The JVM turns no SIGSEGV of a memory access into an exception: it writes
 * its fatal error report and ends. So the store runs in a child JVM ({@link ChildJvm}: same java, same
 * class path), bounded by a timeout and killed at the end, with its error report in a temporary folder and
 * core dumps off; the parent prints the child's lines, its exit status and the signal the report
 * names.
 */
public final class GuardPageSigsegv {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern GUARD_LINE = Pattern.compile("guard page at 0x([0-9a-f]+)");
    private static final Pattern SIGINFO = Pattern.compile("siginfo: si_signo: \\d+ \\((\\w+)\\), si_code: \\d+ \\((\\w+)\\),"
            + " si_addr: 0x([0-9a-f]+)");

    private GuardPageSigsegv() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length == 1 && args[0].equals("child")) {
            child();
            return;
        }
        Path folder = Files.createTempDirectory("guard-page-");
        List<String> jvmOptions = List.of("-XX:ErrorFile=" + folder.resolve("hs_err_pid%p.log"),
                "-XX:-CreateCoredumpOnCrash");
        System.out.println("parent: starting a child JVM (timeout " + TIMEOUT.toSeconds() + " s)");
        // the child's output goes to a file, so that a child that hangs cannot block the parent's read
        try (ChildJvm child = ChildJvm.start(GuardPageSigsegv.class, TIMEOUT, jvmOptions, "child")) {
            OptionalInt status = child.awaitExit();
            List<String> lines = child.outputLines();
            // the child's own lines; the JVM's crash banner (lines starting with #) is summed up below
            lines.stream().filter(line -> !line.startsWith("#") && !line.isBlank() && !line.startsWith("["))
                    .forEach(line -> System.out.println("  child| " + line));
            if (status.isEmpty()) {
                System.out.println("parent: the child did not finish in " + TIMEOUT.toSeconds() + " s and is killed");
                return;
            }
            System.out.println("parent: the child exited with status " + status.getAsInt());
            lines.stream().filter(line -> line.startsWith("#") && line.contains("(0x")).findFirst()
                    .ifPresent(line -> System.out.println("parent: the child's JVM printed a fatal error banner: "
                            + line.substring(1).strip().replaceFirst(" at pc=.*", "")));
            report(folder, lines);
        } finally {
            try (Stream<Path> files = Files.walk(folder)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    /** What the JVM's fatal error report says about the signal, next to the guard page's address. */
    private static void report(Path folder, List<String> childLines) throws IOException {
        Optional<Path> errorFile;
        try (Stream<Path> files = Files.list(folder)) {
            errorFile = files.filter(file -> file.getFileName().toString().startsWith("hs_err_pid")).findFirst();
        }
        if (errorFile.isEmpty()) {
            System.out.println("parent: the child wrote no fatal error report");
            return;
        }
        String guard = childLines.stream().map(GUARD_LINE::matcher).filter(Matcher::find).map(m -> m.group(1))
                .findFirst().orElse("?");
        for (String line : Files.readAllLines(errorFile.get())) {
            Matcher siginfo = SIGINFO.matcher(line);
            if (siginfo.find()) {
                System.out.println("parent: the child's fatal error report: " + siginfo.group(1) + ", "
                        + siginfo.group(2) + " at 0x" + siginfo.group(3));
                System.out.println("parent: the faulting address is the guard page's first byte: "
                        + siginfo.group(3).replaceFirst("^0+", "").equals(guard));
                return;
            }
        }
        System.out.println("parent: the fatal error report names no signal");
    }

    private static void child() {
        long page = Pages.size();
        // tag::run-into-the-guard[]
        RawMapping buffer = RawMapping.anonymous(2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE);
        buffer.resizeInPlace(page);                // frees the page above the buffer
        RawMapping guard = buffer.guardPageAbove(); // and puts a PROT_NONE page there
        System.out.printf("buffer at 0x%x, %d bytes; guard page at 0x%x%n",
                buffer.address(), page, guard.address());

        MemorySegment checked = buffer.segment();
        try {
            for (long i = 0; i <= page; i++) {
                checked.set(ValueLayout.JAVA_BYTE, i, (byte) 1);
            }
        } catch (IndexOutOfBoundsException e) {
            System.out.println("through the segment: " + e.getClass().getSimpleName() + " at byte " + page);
        }

        @SuppressWarnings("restricted") // what C code does: an address and no bounds
        MemorySegment unchecked = MemorySegment.ofAddress(buffer.address()).reinterpret(2 * page);
        System.out.println("through a raw address: storing byte " + page + ", the guard page's first byte");
        System.out.flush();
        unchecked.set(ValueLayout.JAVA_BYTE, page, (byte) 1);
        System.out.println("the store worked (unexpected)");
        // end::run-into-the-guard[]
        guard.close();
        buffer.close();
    }
}
