package mmapkit.course.submission;

import mmapkit.course.files.FileTrees;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * How each process that touches a submission (the compiler and every grading JVM) is kept apart
 * from everything else on the machine.
 *
 * <p>With <a href="https://github.com/containers/bubblewrap">bubblewrap</a> ({@code bwrap}, a
 * Debian, Ubuntu and Fedora package) the process runs:
 * <ul>
 *   <li>in its own PID namespace: when the grading JVM ends, every process it started ends with it,
 *       double-forked or not;</li>
 *   <li>with no network, its own IPC, UTS and cgroup namespaces, as the unprivileged user 65534
 *       with no capabilities, unable to make user namespaces of its own (so unable to unmount
 *       anything);</li>
 *   <li>seeing only the system's programs and libraries, the JDK and the folders the grader binds
 *       in, read-only unless the grader says otherwise; a private {@code /tmp} and {@code /dev/shm}.
 *       It never sees the kit's own folder, other learners' folders, the output folder or the
 *       hidden tests' sources.</li>
 * </ul>
 * Without bubblewrap (not installed, or user namespaces are not allowed here, or
 * {@code MMAP_COURSE_SANDBOX=off}) the processes run as the instructor's user, and every report
 * says so ({@link #isolated()} is false: the result is UNSANDBOXED).
 */
public final class Sandbox {

    /** What isolates the processes. */
    public enum Kind {
        /** bubblewrap: namespaces, read-only binds, no network, no capabilities. */
        BUBBLEWRAP,
        /** nothing: the processes run as the instructor's user. */
        NONE
    }

    private static volatile Sandbox detected;

    private final Kind kind;
    private final String reason;
    private final Limits limits;

    private Sandbox(Kind kind, String reason, Limits limits) {
        this.kind = kind;
        this.reason = reason;
        this.limits = limits;
    }

    /** A sandbox that isolates nothing, with the reason why (for tests, and for {@code MMAP_COURSE_SANDBOX=off}). */
    public static Sandbox none(String reason) {
        return new Sandbox(Kind.NONE, reason, Limits.detect());
    }

    public Kind kind() {
        return kind;
    }

    public Limits limits() {
        return limits;
    }

    /** False when submissions run unsandboxed: their results say UNSANDBOXED. */
    public boolean isolated() {
        return kind == Kind.BUBBLEWRAP;
    }

    /** In plain words, for reports. */
    public String description() {
        String isolation = switch (kind) {
            case BUBBLEWRAP -> "bubblewrap: each grading process in its own PID, network, IPC and user namespace as an"
                    + " unprivileged user with no capabilities, seeing only the JDK, the system's libraries and its own"
                    + " read-only inputs";
            case NONE -> "UNSANDBOXED: " + reason + "; the graded code ran as the instructor's user and could read or change"
                    + " anything that user can";
        };
        return isolation + "; limits: " + limits.description();
    }

    /**
     * The command line that runs {@code command} in this sandbox.
     *
     * @param readOnly  folders and files the process may read (bound at the same path)
     * @param writable  folders it may write (bound at the same path)
     * @param workDir   its working folder (one of {@code writable})
     */
    List<String> wrap(List<String> command, List<Path> readOnly, List<Path> writable, Path workDir, Limits.Group group) {
        List<String> line = new ArrayList<>(group.prefix());
        if (kind == Kind.NONE) {
            line.addAll(limits.rlimitPrefix());
            line.addAll(command);
            return line;
        }
        line.addAll(List.of("bwrap", "--die-with-parent", "--new-session", "--unshare-all", "--unshare-user", "--disable-userns",
                "--uid", "65534", "--gid", "65534", "--cap-drop", "ALL", "--hostname", "grading", "--clearenv",
                "--setenv", "PATH", "/usr/local/bin:/usr/bin:/bin", "--setenv", "LANG", "C.UTF-8",
                "--setenv", "HOME", workDir.resolve("home").toString()));
        for (String folder : List.of("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")) {
            Path path = Path.of(folder);
            if (Files.isSymbolicLink(path)) {
                try {
                    line.addAll(List.of("--symlink", Files.readSymbolicLink(path).toString(), folder));
                } catch (IOException e) {
                    // leave it out: a broken link
                }
            } else if (Files.isDirectory(path)) {
                line.addAll(List.of("--ro-bind", folder, folder));
            }
        }
        line.addAll(List.of("--ro-bind", "/etc", "/etc", "--ro-bind", "/sys", "/sys", "--proc", "/proc", "--dev", "/dev",
                "--tmpfs", "/dev/shm", "--tmpfs", "/tmp", "--tmpfs", "/run"));
        Set<Path> bound = new LinkedHashSet<>();
        bound.add(javaHome());
        bound.addAll(readOnly);
        for (Path path : bound) {
            line.addAll(List.of("--ro-bind", path.toString(), path.toString()));
        }
        for (Path path : writable) {
            line.addAll(List.of("--bind", path.toString(), path.toString()));
        }
        line.addAll(List.of("--chdir", workDir.toString()));
        line.addAll(limits.rlimitPrefix());
        line.addAll(command);
        return line;
    }

    /** The JDK this grader runs on (the grading JVMs use the same), as a real path. */
    static Path javaHome() {
        try {
            return Path.of(System.getProperty("java.home")).toRealPath();
        } catch (IOException e) {
            return Path.of(System.getProperty("java.home")).toAbsolutePath().normalize();
        }
    }

    /** The best sandbox this machine offers; tried once, by running {@code true} in it. */
    public static Sandbox detect() {
        Sandbox known = detected;
        if (known == null) {
            known = probe();
            detected = known;
        }
        return known;
    }

    private static Sandbox probe() {
        Limits limits = Limits.detect();
        if ("off".equals(System.getenv().getOrDefault("MMAP_COURSE_SANDBOX", "").toLowerCase(Locale.ROOT))) {
            return new Sandbox(Kind.NONE, "MMAP_COURSE_SANDBOX=off", limits);
        }
        Sandbox candidate = new Sandbox(Kind.BUBBLEWRAP, null, limits);
        Path folder = null;
        try {
            folder = Files.createTempDirectory("mmap-course-sandbox-");
            Path probe = folder.resolve("probe");
            List<String> command = candidate.wrap(List.of("sh", "-c", "echo x > \"$0\" 2>/dev/null; test ! -e \"$0\"",
                    probe.toString()), List.of(folder), List.of(), folder, Limits.Group.NONE);
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Sandbox(Kind.NONE, "bubblewrap did not start within 20 s", limits);
            }
            if (process.exitValue() != 0 || Files.exists(probe)) {
                return new Sandbox(Kind.NONE, "bubblewrap (bwrap) is installed but cannot make namespaces here (exit status "
                        + process.exitValue() + "; are unprivileged user namespaces turned off?)", limits);
            }
            return candidate;
        } catch (IOException e) {
            return new Sandbox(Kind.NONE, "bubblewrap (bwrap) is not installed (Debian/Ubuntu: apt install bubblewrap;"
                    + " Fedora: dnf install bubblewrap)", limits);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Sandbox(Kind.NONE, "interrupted while trying bubblewrap", limits);
        } finally {
            if (folder != null) {
                try {
                    FileTrees.delete(folder);
                } catch (IOException ignored) {
                    // a temporary folder
                }
            }
        }
    }
}
