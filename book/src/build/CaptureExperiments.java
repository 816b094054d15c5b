import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the experiments whose output the book shows and captures what they print.
 *
 * <p>Each experiment is a {@code main} class of a module's reference code. It runs in its own JVM,
 * the same {@code java} as this program (the JDK the build selected through its toolchain, never
 * the JVM Maven runs on), with this program's class path and the options of
 * {@code -Dexperiments.java.options} (native access enabled by default), and
 * {@code -Dexperiments.output=<output folder>} for data files it may write. Its standard
 * output goes to {@code <output folder>/<SimpleClassName>.txt}, which a chapter includes; its
 * standard error goes to the build's console. An experiment that exits with a non-zero status,
 * prints to standard error, prints nothing, or runs longer than the timeout fails the book's build.
 *
 * <p>Run by the book's build in source-file mode:
 * {@code java -cp <class path> [-Dexperiments.java.options=...] CaptureExperiments.java <output folder> <class>...}
 */
public final class CaptureExperiments {

    private static final long TIMEOUT_SECONDS = 120;
    /** JVM options of every experiment: the build passes the kit's ({@code kit.native.access}). */
    private static final String JAVA_OPTIONS =
            System.getProperty("experiments.java.options", "--enable-native-access=ALL-UNNAMED");

    /**
     * The system property that tells each experiment the output folder, so it can write data files
     * there too (such as {@code MappingVersusRead.csv}, which the build turns into a chart).
     */
    static final String OUTPUT_PROPERTY = "experiments.output";

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length < 2) {
            throw new IllegalArgumentException("usage: java -cp <class path> CaptureExperiments.java <output folder> <class>...");
        }
        Path output = Path.of(args[0]);
        Files.createDirectories(output);
        String java = ProcessHandle.current().info().command()
                .orElseThrow(() -> new IllegalStateException("cannot tell which java runs this program"));
        String classPath = System.getProperty("java.class.path");
        System.out.println("experiments run on java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")");
        List<String> failures = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            String experiment = args[i];
            String name = experiment.substring(experiment.lastIndexOf('.') + 1);
            Path stdout = output.resolve(name + ".txt");
            Path stderr = Files.createTempFile(output, name, ".stderr");
            long start = System.nanoTime();
            List<String> command = new ArrayList<>(List.of(java));
            command.addAll(List.of(JAVA_OPTIONS.strip().split("\\s+")));
            // where an experiment may write data files for the book (a CSV that a chart is drawn from)
            command.add("-D" + OUTPUT_PROPERTY + "=" + output.toAbsolutePath());
            command.addAll(List.of("-cp", classPath, experiment));
            Process process = new ProcessBuilder(command)
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile())
                    .start();
            String problem = null;
            try {
                if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    problem = "did not finish in " + TIMEOUT_SECONDS + " s and was killed";
                } else if (process.exitValue() != 0) {
                    problem = "exited with status " + process.exitValue();
                }
            } finally {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            String errors = Files.readString(stderr);
            Files.delete(stderr);
            if (!errors.isBlank()) {
                System.err.println("standard error of " + experiment + ":");
                System.err.print(errors.endsWith("\n") ? errors : errors + "\n");
                if (problem == null) {
                    problem = "printed to standard error (the book shows standard output only)";
                }
            }
            if (problem == null && Files.size(stdout) == 0) {
                problem = "printed nothing";
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            if (problem == null) {
                System.out.printf("  %-60s %6d ms  -> %s%n", experiment, millis, stdout.getFileName());
            } else {
                failures.add(experiment + " " + problem + " (its output so far is in " + stdout + ")");
            }
        }
        if (!failures.isEmpty()) {
            failures.forEach(failure -> System.err.println("experiment " + failure));
            throw new IllegalStateException(failures.size() + " experiment(s) failed; the book shows only real, successful runs");
        }
    }
}
