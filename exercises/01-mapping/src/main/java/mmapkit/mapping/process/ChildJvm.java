package mmapkit.mapping.process;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A child JVM that runs a {@code main} class of the code at hand, bounded in time and killed when
 * closed: what the kit's signal experiments, kill tests, crash experiments, IPC tests and benchmarks
 * start, from module 01 on (the one launcher of the kit: later modules use this one).
 *
 * {@snippet :
 * try (ChildJvm child = ChildJvm.start(PatternWriter.class, Duration.ofSeconds(30), file.toString(), "16")) {
 *     child.awaitLine(line -> line.startsWith("written"), Duration.ofSeconds(20));
 *     child.kill();                     // SIGKILL: no shutdown hook, no finally block runs
 * }                                     // close() kills it in any case and deletes its output
 * }
 *
 * <p>The child runs the same {@code java} as this JVM, with the class path this JVM loaded the
 * main class from (so under a grader it runs the code being graded, not another copy), with native
 * access enabled and a small heap ({@link #KIT_OPTIONS}). By default its standard output and error
 * go to one file, so a child that prints much or hangs can never block the parent, and its standard
 * input is empty ({@code /dev/null}). The timeout is a deadline for the whole child: every wait ends
 * by it, and {@link #close} kills the child, and whatever the child started, whatever happened.
 *
 * <p>For more than that, such as a benchmark's JVMs, {@link #builder} sets the options one by one:
 *
 * {@snippet :
 * try (ChildJvm peer = ChildJvm.builder(Peer.class).timeout(Duration.ofSeconds(60))
 *         .jvmOptions(List.of("--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED"))
 *         .pipes()                      // stdin() and stdout() are pipes to the child
 *         .separateErrors()             // standard error apart: awaitSuccess() fails if it printed any
 *         .args("echo", "pipe").start()) {
 *     ... talk to it through peer.stdin() and peer.stdout() ...
 *     peer.awaitSuccess();              // exit status 0, nothing on standard error, within the timeout
 * }
 * }
 */
public final class ChildJvm implements AutoCloseable {

    /** The options of every child JVM, before its own: native access for the FFM API, a small heap, the serial collector. */
    public static final List<String> KIT_OPTIONS = List.of("--enable-native-access=ALL-UNNAMED", "-Xmx256m",
            "-XX:+UseSerialGC");

    private final Process process;
    /** Standard output (and error, unless kept apart) in a file; null with pipes. */
    private final Path output;
    /** Standard error kept apart in a file of its own; null when it goes with standard output. */
    private final Path errors;
    private final long deadlineNanos;
    private final String description;

    private ChildJvm(Process process, Path output, Path errors, long deadlineNanos, String description) {
        this.process = process;
        this.output = output;
        this.errors = errors;
        this.deadlineNanos = deadlineNanos;
        this.description = description;
    }

    /**
     * Starts {@code java KIT_OPTIONS -cp <class path> mainClass args...}, its standard output and
     * error in one file.
     *
     * @param timeout how long the child may live at most; waits end by then and {@link #close} kills it
     * @throws IllegalArgumentException for a timeout that is not positive
     * @throws UncheckedIOException     when the child cannot be started
     */
    public static ChildJvm start(Class<?> mainClass, Duration timeout, String... args) {
        return builder(mainClass).timeout(timeout).args(args).start();
    }

    /**
     * As {@link #start(Class, Duration, String...)}, with more options for the child's JVM after the
     * kit's own ({@link #KIT_OPTIONS}), such as {@code --add-exports} for a library that needs it.
     */
    public static ChildJvm start(Class<?> mainClass, Duration timeout, List<String> jvmOptions, String... args) {
        return builder(mainClass).timeout(timeout).jvmOptions(jvmOptions).args(args).start();
    }

    /** A child JVM for {@code mainClass}, to set up option by option; {@link Builder#timeout} is required. */
    public static Builder builder(Class<?> mainClass) {
        return new Builder(Objects.requireNonNull(mainClass, "mainClass"));
    }

    /** How to start a child JVM: {@link ChildJvm#builder}, the setters, then {@link #start()}. */
    public static final class Builder {

        private final Class<?> mainClass;
        private Duration timeout;
        private List<String> jvmOptions = List.of();
        private List<String> args = List.of();
        private boolean pipes;
        private boolean separateErrors;

        private Builder(Class<?> mainClass) {
            this.mainClass = mainClass;
        }

        /** How long the child may live at most (required): every wait ends by then, and {@link #close} kills it. */
        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** Options for the child's JVM after {@link #KIT_OPTIONS}, such as {@code --add-exports} or {@code -Xms64m}. */
        public Builder jvmOptions(List<String> jvmOptions) {
            this.jvmOptions = List.copyOf(Objects.requireNonNull(jvmOptions, "jvmOptions"));
            return this;
        }

        /** The arguments of the child's {@code main}. */
        public Builder args(String... args) {
            return args(List.of(Objects.requireNonNull(args, "args")));
        }

        /** The arguments of the child's {@code main}. */
        public Builder args(List<String> args) {
            this.args = List.copyOf(Objects.requireNonNull(args, "args"));
            return this;
        }

        /**
         * The child's standard input and output are pipes to this process ({@link #stdin()},
         * {@link #stdout()}), for a child that talks through them, instead of {@code /dev/null} and a
         * file; its standard error then goes to a file of its own, as with {@link #separateErrors()},
         * so that nothing it prints there gets into the pipe. The parent must keep reading a child
         * that writes much, or the child blocks when the pipe is full.
         */
        public Builder pipes() {
            this.pipes = true;
            return this;
        }

        /**
         * The child's standard error goes to a file of its own instead of joining its standard output:
         * {@link #errors()} reads it, and {@link #awaitSuccess()} fails when the child printed anything
         * there (an exception, a JVM warning).
         */
        public Builder separateErrors() {
            this.separateErrors = true;
            return this;
        }

        /**
         * Starts the child.
         *
         * @throws IllegalArgumentException for a timeout that is not positive
         * @throws IllegalStateException    when no timeout was set
         * @throws UncheckedIOException     when the child cannot be started
         */
        public ChildJvm start() {
            if (timeout == null) {
                throw new IllegalStateException("a child JVM needs a timeout: call timeout(...) before start()");
            }
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout " + timeout + " must be positive");
            }
            // tag::child-command[]
            String java = ProcessHandle.current().info().command().orElse("java");
            List<String> command = new ArrayList<>(List.of(java));
            command.addAll(KIT_OPTIONS);        // --enable-native-access=ALL-UNNAMED -Xmx256m -XX:+UseSerialGC
            command.addAll(jvmOptions);
            command.addAll(List.of("-cp", classPathOf(mainClass), mainClass.getName()));
            command.addAll(args);
            // end::child-command[]
            String description = mainClass.getSimpleName() + " " + String.join(" ", args);
            Path output = null;
            Path errors = null;
            try {
                ProcessBuilder builder = new ProcessBuilder(command);
                if (!pipes) {
                    output = Files.createTempFile("child-jvm-", ".out");
                    builder.redirectOutput(output.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
                }
                if (pipes || separateErrors) {
                    errors = Files.createTempFile("child-jvm-", ".err");
                    builder.redirectError(errors.toFile());
                } else {
                    builder.redirectErrorStream(true);
                }
                Process process = builder.start();
                return new ChildJvm(process, output, errors, System.nanoTime() + timeout.toNanos(), description);
            } catch (IOException e) {
                deleteQuietly(output);
                deleteQuietly(errors);
                throw new UncheckedIOException("cannot start a child JVM for " + mainClass.getName(), e);
            } catch (RuntimeException e) {
                deleteQuietly(output);
                deleteQuietly(errors);
                throw e;
            }
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

    /**
     * Everything the child printed so far, line by line (with its standard error, unless that is
     * kept apart).
     *
     * @throws IllegalStateException for a child started with {@link Builder#pipes()}: read {@link #stdout()}
     */
    public List<String> outputLines() {
        if (output == null) {
            throw new IllegalStateException(description + " writes its standard output into a pipe: read it with stdout()");
        }
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
     * What the child printed so far to its standard error, kept apart ({@link Builder#separateErrors()}
     * or {@link Builder#pipes()}).
     *
     * @throws IllegalStateException when its standard error goes with its standard output: see {@link #output()}
     */
    public String errors() {
        if (errors == null) {
            throw new IllegalStateException(description + " prints its standard error with its standard output: see output()");
        }
        try {
            return Files.readString(errors);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the standard error of " + description, e);
        }
    }

    /** The child's standard input, a pipe ({@link Builder#pipes()} only). */
    public OutputStream stdin() {
        requirePipes();
        return process.getOutputStream();
    }

    /** The child's standard output, a pipe ({@link Builder#pipes()} only). */
    public InputStream stdout() {
        requirePipes();
        return process.getInputStream();
    }

    private void requirePipes() {
        if (output != null) {
            throw new IllegalStateException(description + " was not started with pipes(): its standard output goes to a file");
        }
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
                        + " before printing the line waited for; it printed:\n" + printed());
            }
            if (System.nanoTime() > until) {
                throw new IllegalStateException(description + " did not print the line waited for in time; it printed:\n"
                        + printed());
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
        OptionalInt status = awaitExit();
        if (status.isPresent()) {
            return status.getAsInt();
        }
        throw new IllegalStateException(description + " did not finish before its timeout and was killed; it printed:\n"
                + printed());
    }

    /**
     * Waits for the child to exit by itself, at most until its timeout, for a caller to whom a child
     * that never ends is an answer rather than an error (an experiment that shows a hang).
     *
     * @return its exit status, or nothing when it was still running at its timeout: it is killed then
     */
    public OptionalInt awaitExit() throws InterruptedException {
        long left = deadlineNanos - System.nanoTime();
        if (left > 0 && process.waitFor(left, TimeUnit.NANOSECONDS)) {
            return OptionalInt.of(process.exitValue());
        }
        kill();
        return OptionalInt.empty();
    }

    /**
     * Waits for the child to exit by itself, at most until its timeout, and checks that it succeeded:
     * exit status 0 and, when its standard error is kept apart, nothing printed there (no exception,
     * no JVM warning: a benchmark whose JVM warns may not measure what it seems to).
     *
     * @throws IllegalStateException otherwise, with what it printed; a child still running at its
     *                               timeout is killed first
     */
    public void awaitSuccess() throws InterruptedException {
        int status = waitFor();
        if (status != 0 || (errors != null && !errors().isBlank())) {
            String printed = printed();
            throw new IllegalStateException(description + " exited with status " + status
                    + (printed.isBlank() ? " and printed nothing" : "; it printed:\n" + printed));
        }
    }

    /** What the child printed, for messages: its output (unless a pipe), then its standard error if kept apart. */
    private String printed() {
        String out = output == null ? "" : String.join(System.lineSeparator(), outputLines());
        String err = errors == null ? "" : errors().strip();
        if (err.isEmpty()) {
            return out;
        }
        return (out.isBlank() ? "" : out + System.lineSeparator()) + "on standard error:" + System.lineSeparator() + err;
    }

    /**
     * Kills the child with SIGKILL (no shutdown hook, no {@code finally} block runs in it), and every
     * process it started, and waits until it is gone. Killing a child that has exited does nothing.
     */
    public void kill() throws InterruptedException {
        destroyAll();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException(description + " (pid " + process.pid() + ") survived SIGKILL for 10 s");
        }
    }

    /** Kills the child and whatever it started, if still running, and deletes its output files. */
    @Override
    public void close() {
        destroyAll();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deleteQuietly(output);
        deleteQuietly(errors);
    }

    /** SIGKILL to the child's descendants (while the child lives they are still its descendants), then to the child. */
    private void destroyAll() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // a temporary file left behind is not worth failing a test for
            }
        }
    }

    @Override
    public String toString() {
        return "ChildJvm[" + description + ", pid " + process.pid() + (process.isAlive() ? ", running" : ", exited") + "]";
    }
}
