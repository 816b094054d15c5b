package mmapkit.sync.process;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A child JVM that runs a {@code main} class of the code at hand, bounded in time and killed when
 * closed: what the kit's kill tests, crash experiments and IPC tests start.
 *
 * <pre>{@code
 * try (ChildJvm child = ChildJvm.start(PatternWriter.class, Duration.ofSeconds(30), file.toString(), "16")) {
 *     child.awaitLine(line -> line.startsWith("written"), Duration.ofSeconds(20));
 *     child.kill();                     // SIGKILL: no shutdown hook, no finally block runs
 * }                                     // close() kills it in any case and deletes its output
 * }</pre>
 *
 * <p>The child runs the same {@code java} as this JVM, with the class path this JVM loaded the
 * main class from (so under a grader it runs the code being graded, not another copy), with native
 * access enabled and a small heap. Its standard output and error go to a file, so a child that
 * prints much or hangs can never block the parent. The timeout is a deadline for the whole child:
 * every wait ends by it, and {@link #close} kills the child whatever happened.
 */
public final class ChildJvm implements AutoCloseable {

    private final Process process;
    private final Path output;
    private final long deadlineNanos;
    private final String description;

    private ChildJvm(Process process, Path output, long deadlineNanos, String description) {
        this.process = process;
        this.output = output;
        this.deadlineNanos = deadlineNanos;
        this.description = description;
    }

    /**
     * Starts {@code java -cp <class path> mainClass args...}.
     *
     * @param timeout how long the child may live at most; waits end by then and {@link #close} kills it
     * @throws IllegalArgumentException for a timeout that is not positive
     * @throws UncheckedIOException     when the child cannot be started
     */
    public static ChildJvm start(Class<?> mainClass, Duration timeout, String... args) {
        return start(mainClass, timeout, List.of(), args);
    }

    /**
     * As {@link #start(Class, Duration, String...)}, with more options for the child's JVM after the
     * kit's own ({@code --enable-native-access=ALL-UNNAMED -Xmx256m -XX:+UseSerialGC}), such as
     * {@code --add-exports} for a library that needs it.
     */
    public static ChildJvm start(Class<?> mainClass, Duration timeout, List<String> jvmOptions, String... args) {
        Objects.requireNonNull(mainClass, "mainClass");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(jvmOptions, "jvmOptions");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout " + timeout + " must be positive");
        }
        // tag::child-command[]
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java,
                "--enable-native-access=ALL-UNNAMED", "-Xmx256m", "-XX:+UseSerialGC"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", classPathOf(mainClass), mainClass.getName()));
        command.addAll(List.of(args));
        // end::child-command[]
        try {
            Path output = Files.createTempFile("child-jvm-", ".out");
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            return new ChildJvm(process, output, System.nanoTime() + timeout.toNanos(),
                    mainClass.getSimpleName() + " " + String.join(" ", args));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a child JVM for " + mainClass.getName(), e);
        }
    }

    /**
     * The class path for a child that runs {@code mainClass}: the locations of the class loaders that
     * loaded it (outermost last), then this JVM's own class path.
     */
    static String classPathOf(Class<?> mainClass) {
        Set<String> entries = new LinkedHashSet<>();
        for (ClassLoader loader = mainClass.getClassLoader(); loader != null; loader = loader.getParent()) {
            if (loader instanceof URLClassLoader urls) {
                for (URL url : urls.getURLs()) {
                    try {
                        entries.add(Path.of(url.toURI()).toString());
                    } catch (URISyntaxException | IllegalArgumentException e) {
                        // not a file location: the child cannot use it anyway
                    }
                }
            }
        }
        for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            if (!entry.isEmpty()) {
                entries.add(entry);
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    /** The child's process id. */
    public long pid() {
        return process.pid();
    }

    /** Whether the child still runs. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** Everything the child printed so far, line by line. */
    public List<String> outputLines() {
        try {
            return Files.readAllLines(output);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the output of " + description, e);
        }
    }

    /** The output so far as one text, for messages. */
    public String output() {
        return String.join(System.lineSeparator(), outputLines());
    }

    /**
     * Waits until the child prints a line that {@code wanted} accepts, polling its output.
     *
     * @return that line
     * @throws IllegalStateException when the child exits first, or neither {@code wait} nor the child's
     *                               timeout leaves time enough; the message shows what it printed
     */
    public String awaitLine(Predicate<String> wanted, Duration wait) throws InterruptedException {
        long until = Math.min(deadlineNanos, System.nanoTime() + wait.toNanos());
        while (true) {
            Optional<String> line = outputLines().stream().filter(wanted).findFirst();
            if (line.isPresent()) {
                return line.get();
            }
            if (!process.isAlive()) {
                throw new IllegalStateException(description + " exited with status " + process.exitValue()
                        + " before printing the line waited for; it printed:\n" + output());
            }
            if (System.nanoTime() > until) {
                throw new IllegalStateException(description + " did not print the line waited for in time; it printed:\n"
                        + output());
            }
            Thread.sleep(5);
        }
    }

    /**
     * Waits for the child to exit by itself, at most until its timeout.
     *
     * @return its exit status
     * @throws IllegalStateException when it is still running at the timeout (it is killed then)
     */
    public int waitFor() throws InterruptedException {
        long left = deadlineNanos - System.nanoTime();
        if (left > 0 && process.waitFor(left, TimeUnit.NANOSECONDS)) {
            return process.exitValue();
        }
        kill();
        throw new IllegalStateException(description + " did not finish before its timeout and was killed; it printed:\n"
                + output());
    }

    /**
     * Kills the child with SIGKILL (no shutdown hook, no {@code finally} block runs in it) and waits
     * until it is gone. Killing a child that has exited does nothing.
     */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException(description + " (pid " + process.pid() + ") survived SIGKILL for 10 s");
        }
    }

    /** Kills the child if it still runs and deletes its output file. */
    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Files.deleteIfExists(output);
        } catch (IOException e) {
            // a temporary file left behind is not worth failing a test for
        }
    }

    @Override
    public String toString() {
        return "ChildJvm[" + description + ", pid " + process.pid() + (process.isAlive() ? ", running" : ", exited") + "]";
    }
}
