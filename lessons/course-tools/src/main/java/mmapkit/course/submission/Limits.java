package mmapkit.course.submission;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * What bounds a grading process besides its heap: all of its memory (native included), the number
 * of processes and threads, file sizes and CPU time.
 *
 * <p>Memory and processes are bounded by a control group of its own where the grader may make one
 * (cgroup v2, or the v1 {@code memory} and {@code pids} hierarchies, writable when the grader runs
 * as root or was given a delegated group); every process of the grading JVM, double-forked or not,
 * is in it from its first instruction. Elsewhere the best the kernel offers an unprivileged user
 * are resource limits ({@code prlimit}): processes of the user, CPU seconds, file size and core
 * files, but no bound on native memory. Reports say which applied ({@link #description()}).
 */
public final class Limits {

    /**
     * All the memory of one grading process and its descendants, native memory and page cache
     * included; the system property {@code mmapkit.course.memoryLimitBytes} changes it.
     */
    public static final long MEMORY_BYTES = 6L << 30;
    /** Processes and threads of one grading process. */
    public static final int MAX_TASKS = 1024;
    /** CPU seconds of one grading process. */
    public static final int CPU_SECONDS = 1200;
    /** The largest file a grading process may write (the kit's tests map sparse files of a few GiB). */
    public static final long FILE_BYTES = 16L << 30;

    private enum Kind { CGROUP_V2, CGROUP_V1, RLIMITS }

    private final Kind kind;
    private final Path memoryRoot;
    private final Path pidsRoot;

    private Limits(Kind kind, Path memoryRoot, Path pidsRoot) {
        this.kind = kind;
        this.memoryRoot = memoryRoot;
        this.pidsRoot = pidsRoot;
    }

    /** The memory limit of a grading process's control group. */
    static long memoryBytes() {
        return Long.getLong("mmapkit.course.memoryLimitBytes", MEMORY_BYTES);
    }

    /** Whether memory (native included) and processes are bounded, not only CPU time and file sizes. */
    public boolean boundsMemory() {
        return kind != Kind.RLIMITS;
    }

    /** Finds the best limits this machine lets the grader set. */
    static Limits detect() {
        Path v2 = Path.of("/sys/fs/cgroup");
        if (Files.exists(v2.resolve("cgroup.controllers")) && usable(v2, "memory.max")
                && controllers(v2).contains("memory") && controllers(v2).contains("pids")) {
            return new Limits(Kind.CGROUP_V2, v2, v2);
        }
        Path memory = Path.of("/sys/fs/cgroup/memory");
        Path pids = Path.of("/sys/fs/cgroup/pids");
        if (usable(memory, "memory.limit_in_bytes") && usable(pids, "pids.max")) {
            return new Limits(Kind.CGROUP_V1, memory, pids);
        }
        return new Limits(Kind.RLIMITS, null, null);
    }

    private static String controllers(Path root) {
        try {
            return Files.readString(root.resolve("cgroup.subtree_control"));
        } catch (IOException e) {
            return "";
        }
    }

    /** True when a group made under {@code root} gets the {@code control} file and can be removed again. */
    private static boolean usable(Path root, String control) {
        if (!Files.isWritable(root)) {
            return false;
        }
        Path probe = root.resolve("mmap-course-probe-" + UUID.randomUUID());
        try {
            Files.createDirectory(probe);
            return Files.exists(probe.resolve(control));
        } catch (IOException | SecurityException e) {
            return false;
        } finally {
            try {
                Files.deleteIfExists(probe);
            } catch (IOException ignored) {
                // an empty group the kernel removes with its parent
            }
        }
    }

    /** In plain words, for reports. */
    public String description() {
        return switch (kind) {
            case CGROUP_V2, CGROUP_V1 -> "a control group per grading process (" + (kind == Kind.CGROUP_V2 ? "cgroup v2" : "cgroup v1")
                    + "): " + (memoryBytes() >> 20) + " MiB of memory including native memory and page cache, " + MAX_TASKS
                    + " processes and threads; " + CPU_SECONDS + " CPU seconds and files up to " + (FILE_BYTES >> 30)
                    + " GiB (resource limits)";
            case RLIMITS -> !PRLIMIT ? "none: no control group could be made here and prlimit (util-linux) is missing"
                    : "resource limits only (no control group could be made here): " + CPU_SECONDS + " CPU seconds, files up to "
                    + (FILE_BYTES >> 30) + " GiB, no core files; native memory and the number of processes are NOT bounded";
        };
    }

    /** The {@code prlimit} command (util-linux) that sets the resource limits before the process starts; none where it is missing. */
    List<String> rlimitPrefix() {
        return PRLIMIT ? List.of("prlimit", "--cpu=" + CPU_SECONDS, "--fsize=" + FILE_BYTES, "--core=0", "--") : List.of();
    }

    private static final boolean PRLIMIT = java.util.stream.Stream.of(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":"))
            .anyMatch(folder -> Files.isExecutable(Path.of(folder, "prlimit")));

    /** A control group for one grading process; {@link Group#NONE} where there are none. */
    Group newGroup() throws IOException {
        if (kind == Kind.RLIMITS) {
            return Group.NONE;
        }
        String name = "mmap-course-" + UUID.randomUUID();
        List<Path> folders = new ArrayList<>();
        Path memory = Files.createDirectory(memoryRoot.resolve(name));
        folders.add(memory);
        if (kind == Kind.CGROUP_V2) {
            Files.writeString(memory.resolve("memory.max"), Long.toString(memoryBytes()));
            Files.writeString(memory.resolve("memory.swap.max"), "0");
            Files.writeString(memory.resolve("pids.max"), Integer.toString(MAX_TASKS));
        } else {
            Files.writeString(memory.resolve("memory.limit_in_bytes"), Long.toString(memoryBytes()));
            Path pids = Files.createDirectory(pidsRoot.resolve(name));
            folders.add(pids);
            Files.writeString(pids.resolve("pids.max"), Integer.toString(MAX_TASKS));
        }
        return new Group(folders);
    }

    /**
     * One control group (in one or two hierarchies). The process enters it by a shell that writes
     * its own PID into each group and then becomes the sandbox, so nothing runs outside it.
     */
    record Group(List<Path> folders) implements AutoCloseable {
        static final Group NONE = new Group(List.of());

        List<String> prefix() {
            if (folders.isEmpty()) {
                return List.of();
            }
            StringBuilder script = new StringBuilder();
            for (int i = 0; i < folders.size(); i++) {
                script.append("echo $$ > \"$").append(i + 1).append("/cgroup.procs\" && ");
            }
            script.append("shift ").append(folders.size()).append(" && exec \"$@\"");
            List<String> prefix = new ArrayList<>(List.of("sh", "-c", script.toString(), "sh"));
            folders.forEach(folder -> prefix.add(folder.toString()));
            return prefix;
        }

        /** Whether the group's memory limit was hit (the kernel killed a process of it, or refused memory). */
        boolean memoryExhausted() {
            for (Path folder : folders) {
                for (String file : List.of("memory.events", "memory.oom_control")) {
                    try {
                        String text = Files.readString(folder.resolve(file));
                        if (text.lines().anyMatch(line -> line.matches("oom_kill [1-9]\\d*"))) {
                            return true;
                        }
                    } catch (IOException ignored) {
                        // not this hierarchy's file
                    }
                }
            }
            return false;
        }

        /** Removes the group; call after every process in it ended. */
        @Override
        public void close() {
            for (Path folder : folders) {
                for (int attempt = 0; attempt < 50; attempt++) {
                    try {
                        Files.deleteIfExists(folder);
                        break;
                    } catch (IOException busy) {
                        try {
                            Thread.sleep(20); // the last process is still being reaped
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                }
            }
        }
    }
}
