package mmapkit.course.submission;

import mmapkit.course.harness.GradingChild;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One process that touches a submission (the compiler, a grading JVM): started in the sandbox and a
 * control group of its own, its output drained with a cap, and stopped with everything it started
 * when grading is done with it.
 */
final class GradingProcess {

    private static final int STDERR_LINES_SHOWN = 15;

    private GradingProcess() {
    }


    /** What one grading process left behind. */
    record Run(int exitStatus, boolean killed, String stderrTail, boolean outOfMemory, String oomDetail, long outputBytes) {
    }

    /** Follows a running process (reads its channel) until it should end. */
    interface Follower {
        void follow(Process process);
    }

    /**
     * Starts a command in the sandbox and its own control group, drains its output with a cap,
     * lets {@code follower} read its channel, and makes sure it and everything it started are gone
     * when this returns.
     */
    static Run run(SubmissionGrader.Settings settings, List<String> command, List<Path> readOnly, List<Path> writable, Path workDir,
                   long timeoutMillis, Follower follower) throws IOException {
        try (Limits.Group group = settings.sandbox().limits().newGroup()) {
            List<String> line = settings.sandbox().wrap(command, readOnly, writable, workDir, group);
            ProcessBuilder builder = new ProcessBuilder(line).directory(workDir.toFile());
            builder.environment().clear();
            builder.environment().put("PATH", "/usr/local/bin:/usr/bin:/bin");
            builder.environment().put("LANG", "C.UTF-8");
            builder.environment().put("HOME", workDir.resolve("home").toString());
            Process process = builder.start();
            try {
                process.getOutputStream().close();
                BoundedOutput out = BoundedOutput.drain(process.getInputStream(), "grading-stdout");
                BoundedOutput err = BoundedOutput.drain(process.getErrorStream(), "grading-stderr");
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(timeoutMillis, 0));
                boolean killed;
                if (follower != null) {
                    follower.follow(process);
                    killed = !process.waitFor(5, TimeUnit.SECONDS); // it reported 'done' and halts, or it must be stopped now
                } else {
                    killed = !process.waitFor(Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())),
                            TimeUnit.MILLISECONDS);
                }
                destroy(process);
                out.awaitEnd(2000);
                err.awaitEnd(2000);
                List<String> errors = err.lines();
                String oom = java.util.stream.Stream.concat(out.lines().stream(), errors.stream())
                        .filter(text -> text.startsWith("Terminating due to java.lang.OutOfMemoryError"))
                        .map(text -> "java.lang.OutOfMemoryError"
                                + text.substring(text.indexOf("OutOfMemoryError") + "OutOfMemoryError".length())
                                + ", with a heap of " + settings.maxHeap())
                        .findFirst()
                        .orElse(group.memoryExhausted()
                                ? "the memory limit of its control group (" + (Limits.memoryBytes() >> 20)
                                        + " MiB, native memory included) was reached"
                                : null);
                return new Run(killed ? -1 : process.exitValue(), killed, tail(errors), oom != null, oom, out.total() + err.total());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while a grading process ran in " + workDir, e);
            } finally {
                destroy(process);
            }
        }
    }

    private static void destroy(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The last lines the process wrote to its standard error since the last test started, if any. */
    private static String tail(List<String> lines) {
        int from = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(GradingChild.STDERR_MARKER)) {
                from = i + 1;
            }
        }
        List<String> since = lines.subList(from, lines.size()).stream()
                .filter(line -> !line.startsWith("Terminating due to java.lang.OutOfMemoryError"))
                .map(line -> line.length() > 300 ? line.substring(0, 300) + " ..." : line).toList();
        if (since.isEmpty()) {
            return "";
        }
        List<String> last = since.subList(Math.max(0, since.size() - STDERR_LINES_SHOWN), since.size());
        return "; its last output:\n" + String.join("\n", last);
    }
}
