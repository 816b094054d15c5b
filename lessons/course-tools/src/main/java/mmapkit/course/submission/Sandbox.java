package mmapkit.course.submission;

import mmapkit.course.grading.SourceCompiler;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * How a grading JVM is kept from writing to the instructor's kit. Where this machine lets an
 * unprivileged user make a user and mount namespace ({@code unshare -r -m}), the grading JVM runs
 * in one in which the kit's folder is mounted read-only: a write to it fails with
 * {@code EROFS}. Where it does not (some distributions turn user namespaces off, and containers
 * often do), there is no sandbox, and the kit's fingerprint before and after each submission is
 * the only guard ({@link KitFingerprint}). Either way the fingerprint is checked.
 *
 * <p>The environment variable {@code MMAP_COURSE_SANDBOX=off} turns the sandbox off.
 */
public enum Sandbox {

    /** The kit is mounted read-only in the grading JVM's own mount namespace. */
    READ_ONLY_KIT("the kit is read-only for the grading JVMs (a mount namespace of their own)"),
    /** No sandbox: the kit's fingerprint is compared before and after. */
    NONE("none: this machine does not allow unprivileged mount namespaces (unshare -r -m), or MMAP_COURSE_SANDBOX=off;"
            + " the kit's files are compared before and after each submission");

    private static final String SCRIPT = "mount --bind \"$0\" \"$0\" && mount -o remount,bind,ro \"$0\" \"$0\" && exec \"$@\"";
    private static volatile Sandbox detected;

    private final String description;

    Sandbox(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    /** What goes before the grading JVM's command line to run it in this sandbox. */
    List<String> prefix(Path kitRoot) {
        return this == NONE ? List.of()
                : List.of("unshare", "--user", "--map-root-user", "--mount", "sh", "-c", SCRIPT, kitRoot.toString());
    }

    /** The best sandbox this machine offers; tried once, by making a folder read-only and writing to it. */
    public static Sandbox detect() {
        Sandbox known = detected;
        if (known == null) {
            known = probe();
            detected = known;
        }
        return known;
    }

    private static Sandbox probe() {
        if ("off".equals(System.getenv().getOrDefault("MMAP_COURSE_SANDBOX", "").toLowerCase(Locale.ROOT))) {
            return NONE;
        }
        Path folder = null;
        try {
            folder = Files.createTempDirectory("mmap-course-sandbox-");
            Path probe = folder.resolve("probe");
            List<String> command = new java.util.ArrayList<>(READ_ONLY_KIT.prefix(folder));
            command.addAll(List.of("sh", "-c", "echo x > \"$0\"", probe.toString()));
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return NONE;
            }
            // the write must fail inside (read-only) and the namespace itself must have worked
            List<String> check = new java.util.ArrayList<>(READ_ONLY_KIT.prefix(folder));
            check.add("true");
            Process works = new ProcessBuilder(check).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            boolean ended = works.waitFor(10, TimeUnit.SECONDS);
            return process.exitValue() != 0 && !Files.exists(probe) && ended && works.exitValue() == 0 ? READ_ONLY_KIT : NONE;
        } catch (IOException e) {
            return NONE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return NONE;
        } finally {
            if (folder != null) {
                try {
                    SourceCompiler.deleteTree(folder);
                } catch (IOException ignored) {
                    // a temporary folder
                }
            }
        }
    }
}
