package mmapkit.faults.experiments;

import static mmapkit.mapping.natives.MemoryMapCalls.MAP_PRIVATE;
import static mmapkit.mapping.natives.MemoryMapCalls.PROT_READ;
import static mmapkit.mapping.natives.MemoryMapCalls.PROT_WRITE;

import mmapkit.faults.MemoryCgroup;
import mmapkit.mapping.Pages;
import mmapkit.mapping.RawMapping;
import mmapkit.mapping.proc.OomScore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Experiment: the OOM killer, watched safely. It prints this JVM's {@code oom_score} and
 * {@code oom_score_adj}; then, where this process may make a memory cgroup (root, or a delegated
 * subtree), it makes a child group limited to 128 MiB with no swap, starts a small child JVM, moves
 * it there, and the child touches anonymous memory page by page up to 512 MiB. The group cannot
 * reclaim anonymous memory without swap, so the kernel's OOM killer kills the child with SIGKILL, the
 * group's {@code oom_kill} count goes up by one, and the rest of the machine notices nothing. The
 * child has a timeout and is killed at the end in any case, and the group is removed. Where no group
 * can be made, it says why and skips that part.
 */
public final class OutOfMemoryInACgroup {

    private static final long MIB = 1L << 20;
    private static final long LIMIT = 128 * MIB;
    private static final long TOUCHED_AT_MOST = 512 * MIB;
    private static final long TIMEOUT_SECONDS = 60;

    private OutOfMemoryInACgroup() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length == 2 && args[0].equals("child")) {
            child(Path.of(args[1]));
            return;
        }
        if (args.length != 0) {
            throw new IllegalArgumentException("arguments " + List.of(args) + ": expected none");
        }
        // tag::oom-score[]
        OomScore self = OomScore.current();
        System.out.println("this JVM: oom_score " + self.score() + ", oom_score_adj " + self.adjustment());
        // end::oom-score[]
        MemoryCgroup.Discovery found = MemoryCgroup.current();
        if (found.group().isEmpty()) {
            System.out.println("skipped the OOM kill in a cgroup: " + found.reason());
            return;
        }
        MemoryCgroup mine = found.group().get();
        System.out.println("memory cgroup: " + found.reason().replace(", and ", ",\n  and "));
        try {
            System.out.println("  its limit: " + size(mine.limit()) + ", charged now: " + size(mine.usage()));
        } catch (UncheckedIOException e) {
            System.out.println("  " + e.getMessage()); // the root group of v2 has neither file
        }
        String name = "mmapkit-oom-" + ProcessHandle.current().pid();
        MemoryCgroup.LimitedGroup limited;
        try {
            limited = mine.createChild(name, LIMIT);
        } catch (UncheckedIOException e) {
            System.out.println("skipped the OOM kill in a cgroup: " + e.getMessage());
            return;
        }
        Path output = Files.createTempFile("oom-child-", ".txt");
        Process child = null;
        // tag::oom-in-a-group[]
        try (limited) {
            MemoryCgroup group = limited.group();
            System.out.println("made a child group, limit " + size(group.limit()) + ", no swap; oom_kill "
                    + group.oomKills());
            String java = ProcessHandle.current().info().command().orElse("java");
            child = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-Xmx32m", "-XX:+UseSerialGC",
                    "-cp", System.getProperty("java.class.path"), OutOfMemoryInACgroup.class.getName(), "child",
                    group.directory().toString())
                    .redirectErrorStream(true).redirectOutput(output.toFile()).start();
            limited.add(child.pid()); // only the child: this JVM stays where it is
            boolean ended = child.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            Files.readAllLines(output).forEach(line -> System.out.println("  child| " + line));
            if (!ended) {
                System.out.println("the child did not end in " + TIMEOUT_SECONDS + " s: killed");
            } else {
                int status = child.exitValue();
                System.out.println("the child ended with status " + status + (status > 128
                        ? " = 128 + " + (status - 128) + (status - 128 == 9 ? " (SIGKILL)" : "") : ""));
            }
            System.out.println("the group's oom_kill count: " + group.oomKills());
        } finally {
            if (child != null) {
                child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            Files.deleteIfExists(output);
        }
        // end::oom-in-a-group[]
        System.out.println("removed the group; this JVM's oom_score now: " + OomScore.current().score());
    }

    /** Waits until it is in the group, then touches anonymous memory one page at a time. */
    private static void child(Path group) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!MemoryCgroup.current().group().map(MemoryCgroup::directory).orElseThrow().equals(group)) {
            if (System.nanoTime() > deadline) {
                System.out.println("not moved into " + group + " within 10 s: ending");
                return;
            }
            Thread.sleep(5);
        }
        System.out.println("in the group; touching up to " + TOUCHED_AT_MOST / MIB + " MiB, one page at a time");
        long page = Pages.size();
        // tag::touch-until-killed[]
        try (RawMapping memory = RawMapping.anonymous(TOUCHED_AT_MOST, PROT_READ | PROT_WRITE, MAP_PRIVATE)) {
            MemorySegment bytes = memory.segment();
            for (long offset = 0; offset < TOUCHED_AT_MOST; offset += page) {
                bytes.set(ValueLayout.JAVA_BYTE, offset, (byte) 1); // a first store: a page charged to the group
                if ((offset + page) % (32 * MIB) == 0) {
                    System.out.println("touched " + (offset + page) / MIB + " MiB");
                }
            }
        }
        // end::touch-until-killed[]
        System.out.println("touched all " + TOUCHED_AT_MOST / MIB + " MiB and was not killed");
    }

    private static String size(long bytes) {
        return bytes == MemoryCgroup.UNLIMITED ? "none" : bytes / MIB + " MiB";
    }
}
