package mmapkit.mapping.experiments;

import mmapkit.mapping.MapMode;
import mmapkit.mapping.MappedFile;
import mmapkit.mapping.Pages;
import mmapkit.mapping.process.ChildJvm;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.OptionalInt;

/**
 * Experiment: truncate a mapped file, then touch a page that is now past its end. The kernel
 * sends SIGBUS; the JVM turns it into {@link InternalError} for a memory segment access. Done in
 * a child JVM ({@link ChildJvm}: same java, same class path), bounded by a timeout and killed at the end.
 */
public final class SigbusAfterTruncate {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private SigbusAfterTruncate() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length == 1 && args[0].equals("child")) {
            child();
            return;
        }
        System.out.println("parent: starting a child JVM (timeout " + TIMEOUT.toSeconds() + " s)");
        // the child's output goes to a file, so that a child that hangs cannot block the parent's read
        try (ChildJvm child = ChildJvm.start(SigbusAfterTruncate.class, TIMEOUT, "child")) {
            OptionalInt status = child.awaitExit();
            child.outputLines().forEach(line -> System.out.println("  child| " + line));
            System.out.println(status.isPresent()
                    ? "parent: the child exited with status " + status.getAsInt()
                    : "parent: the child did not finish in " + TIMEOUT.toSeconds() + " s and is killed");
        }
    }

    private static void child() throws IOException {
        long page = Pages.size();
        Path file = Files.createTempFile("sigbus-", ".bin");
        try {
            Files.write(file, new byte[(int) (2 * page)]);
            // tag::truncate-then-touch[]
            try (MappedFile mapping = MappedFile.map(file, MapMode.SHARED, 0, 2 * page)) {
                MemorySegment segment = mapping.segment();
                segment.set(ValueLayout.JAVA_BYTE, page, (byte) 1); // page 2 is fine while the file is 2 pages
                System.out.println("mapped 2 pages, stored a byte in page 2");
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    channel.truncate(page);
                }
                System.out.println("truncated the file to 1 page (" + Files.size(file) + " bytes), still mapped");
                System.out.println("page 1 still reads: " + segment.get(ValueLayout.JAVA_BYTE, 0));
                try {
                    segment.get(ValueLayout.JAVA_BYTE, page); // page 2 is now past the end of the file
                    System.out.println("page 2 read without a fault (unexpected)");
                } catch (InternalError e) {
                    System.out.println("touching page 2: SIGBUS, seen in Java as");
                    System.out.println("  " + e);
                }
            }
            // end::truncate-then-touch[]
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
