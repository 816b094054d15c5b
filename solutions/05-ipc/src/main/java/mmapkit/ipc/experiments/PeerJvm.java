package mmapkit.ipc.experiments;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A JVM of the IPC benchmark (a measuring side or an echoing peer), started with the same
 * {@code java}, the same class path and the same options whatever the transport, bounded in time
 * and killed, with every process it started, when closed.
 *
 * <p>Module 04's {@code mmapkit.sync.process.ChildJvm} runs the kit's test children; this launcher
 * does what only the benchmark needs: the pipe transport talks through the child's standard input
 * and output, so they must be real pipes, and a benchmark run must fail when any JVM prints to
 * standard error (a JIT or library warning there would mean the comparison is not what it seems), so
 * standard error goes to a file of its own that {@link #awaitSuccess()} checks. Every JVM of the
 * benchmark gets the same options, so that none is favoured; Agrona 2 needs
 * {@code --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED} (it uses
 * {@code jdk.internal.misc.Unsafe}, and fails with an {@code IllegalAccessError} without it).
 */
final class PeerJvm implements AutoCloseable {

    /** The options of every JVM of the benchmark, whatever it runs: a fair comparison needs the same ones. */
    static final List<String> OPTIONS = List.of("--enable-native-access=ALL-UNNAMED",
            "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED", "-Xms64m", "-Xmx256m", "-XX:+UseSerialGC");

    private final Process process;
    private final Path errors;
    private final Path output;
    private final long deadline;
    private final String description;

    private PeerJvm(Process process, Path output, Path errors, long deadline, String description) {
        this.process = process;
        this.output = output;
        this.errors = errors;
        this.deadline = deadline;
        this.description = description;
    }

    /**
     * Starts {@code java OPTIONS -cp <class path> mainClass args}.
     *
     * @param pipes true: the child's standard input and output are pipes to this process
     *              ({@link #process()}); false: its standard output goes to a file ({@link #outputLines()})
     */
    static PeerJvm start(Class<?> mainClass, Duration timeout, boolean pipes, List<String> args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(OPTIONS);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
        command.addAll(args);
        Path errors = Files.createTempFile("ipc-peer-", ".err");
        Path output = pipes ? null : Files.createTempFile("ipc-peer-", ".out");
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(errors.toFile());
        if (!pipes) {
            builder.redirectOutput(output.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        }
        try {
            Process process = builder.start();
            return new PeerJvm(process, output, errors, System.nanoTime() + timeout.toNanos(),
                    mainClass.getSimpleName() + " " + String.join(" ", args));
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(errors);
            if (output != null) {
                Files.deleteIfExists(output);
            }
            throw e;
        }
    }

    Process process() {
        return process;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Waits (until the timeout) for the child to exit, and checks that it exited with 0 and
     * printed nothing to standard error (no exception, no JVM warning).
     *
     * @throws IllegalStateException otherwise, with what it printed; a child still running at its
     *                               timeout is killed
     */
    void awaitSuccess() throws InterruptedException, IOException {
        long left = deadline - System.nanoTime();
        if (left <= 0 || !process.waitFor(left, TimeUnit.NANOSECONDS)) {
            close();
            throw new IllegalStateException(description + " did not finish before its timeout and was killed;"
                    + " standard error:\n" + Files.readString(errors));
        }
        String printed = Files.readString(errors);
        if (process.exitValue() != 0 || !printed.isBlank()) {
            throw new IllegalStateException(description + " exited with status " + process.exitValue()
                    + (printed.isBlank() ? "" : " and printed to standard error:\n" + printed.strip()));
        }
    }

    /** What the child printed to standard output (started without pipes), line by line. */
    List<String> outputLines() throws IOException {
        return Files.readAllLines(output);
    }

    /** Kills the child and whatever it started (if still running) and deletes its files. */
    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Files.deleteIfExists(errors);
            if (output != null) {
                Files.deleteIfExists(output);
            }
        } catch (IOException e) {
            // a temporary file left behind is not worth failing the experiment for
        }
    }
}
