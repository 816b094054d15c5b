package mmapkit.faults.experiments;

import static mmapkit.mapping.natives.MemoryMapCalls.MAP_PRIVATE;
import static mmapkit.mapping.natives.MemoryMapCalls.PROT_READ;
import static mmapkit.mapping.natives.MemoryMapCalls.PROT_WRITE;

import mmapkit.faults.MemoryCgroup;
import mmapkit.mapping.Pages;
import mmapkit.mapping.RawMapping;
import mmapkit.mapping.process.ChildJvm;
import mmapkit.mapping.proc.OomScore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
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
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

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
        // tag::oom-in-a-group[]
        try (limited) {
            MemoryCgroup group = limited.group();
            System.out.println("made a child group, limit " + size(group.limit()) + ", no swap; oom_kill "
                    + group.oomKills());
            try (ChildJvm child = ChildJvm.builder(OutOfMemoryInACgroup.class).timeout(TIMEOUT)
                    .jvmOptions(List.of("-Xmx32m")).args("child", group.directory().toString()).start()) {
                limited.add(child.pid()); // only the child: this JVM stays where it is
                OptionalInt status = child.awaitExit(); // empty: still running at the timeout, then killed
                child.outputLines().forEach(line -> System.out.println("  child| " + line));
                if (status.isEmpty()) {
                    System.out.println("the child did not end in " + TIMEOUT.toSeconds() + " s: killed");
                } else {
                    int code = status.getAsInt();
                    System.out.println("the child ended with status " + code + (code > 128
                            ? " = 128 + " + (code - 128) + (code - 128 == 9 ? " (SIGKILL)" : "") : ""));
                }
            }
            System.out.println("the group's oom_kill count: " + group.oomKills());
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
