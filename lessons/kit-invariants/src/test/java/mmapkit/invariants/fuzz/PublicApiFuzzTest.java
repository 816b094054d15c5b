package mmapkit.invariants.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * "Never a crash": bad and boundary input to any public method of the toolkit ends in a Java
 * exception, leaves the files it was given as they were, and leaks no descriptor or mapping.
 * {@link PublicApiFuzz} makes the calls in a child JVM, so that a crash (SIGSEGV, a corrupt native
 * heap) ends the child and not this build; this test reads what the child said, its exit status and
 * any {@code hs_err} file it left.
 *
 * <p>Bounded and reproducible: a fixed seed (and one drawn at random, printed), at most
 * {@code mmapkit.fuzz.calls} calls and {@code mmapkit.fuzz.millis} milliseconds each. A failure
 * names the seed and the call; {@code -Dmmapkit.fuzz.seed=S -Dmmapkit.fuzz.only=I} repeats that one
 * call, for instance
 * {@code ./mvnw -pl lessons/kit-invariants test -Dtest=PublicApiFuzzTest -Dmmapkit.fuzz.seed=S -Dmmapkit.fuzz.only=I}.
 */
class PublicApiFuzzTest {

    /** The seed every build runs. */
    static final long FIXED_SEED = 20_261_207L;

    @TempDir
    Path scratch;

    @Test
    void theFixedSeedCrashesNothingChangesNoFailedCallsFilesAndLeaksNothing() throws Exception {
        long seed = Long.getLong("mmapkit.fuzz.seed", FIXED_SEED);
        fuzz(seed, Integer.getInteger("mmapkit.fuzz.calls", 4000), Long.getLong("mmapkit.fuzz.millis", 50_000));
    }

    @Test
    void aRandomSeedDoesNeither() throws Exception {
        if (System.getProperty("mmapkit.fuzz.seed") != null) {
            return; // repeating one seed: the other test runs it
        }
        long seed = new Random().nextLong() >>> 16;
        fuzz(seed, Integer.getInteger("mmapkit.fuzz.calls", 4000) / 4, Long.getLong("mmapkit.fuzz.millis", 50_000) / 4);
    }

    private void fuzz(long seed, int calls, long millis) throws Exception {
        Path calls0 = Files.createDirectories(scratch.resolve("seed-" + seed));
        String only = System.getProperty("mmapkit.fuzz.only");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xmx256m", "-XX:-CreateCoredumpOnCrash",
                "-XX:ErrorFile=" + calls0.resolve("hs_err_pid%p.log"),
                "-cp", System.getProperty("java.class.path"), PublicApiFuzz.class.getName(),
                String.valueOf(seed), String.valueOf(calls), String.valueOf(millis), calls0.toString()));
        if (only != null) {
            command.addAll(List.of("--only", only));
        }
        long start = System.nanoTime();
        Process child = new ProcessBuilder(command).directory(calls0.toFile())
                .redirectError(calls0.resolve("stderr.txt").toFile()).start();
        Deque<String> lastLines = new ArrayDeque<>();
        List<String> findings = new ArrayList<>();
        String[] lastCall = {"(none)"};
        String[] done = {null};
        Thread reader = Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    if (line.startsWith("CALL ")) {
                        lastCall[0] = line.substring("CALL ".length());
                    } else if (line.startsWith("VIOLATION ") || line.startsWith("HANG ")) {
                        findings.add(line);
                    } else if (line.startsWith("DONE ")) {
                        done[0] = line;
                    }
                    lastLines.addLast(line);
                    if (lastLines.size() > 5) {
                        lastLines.removeFirst();
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        boolean ended = child.waitFor(millis + 60_000, TimeUnit.MILLISECONDS);
        if (!ended) {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        reader.join(10_000);
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        List<Path> errorFiles;
        try (Stream<Path> files = Files.list(calls0)) {
            errorFiles = files.filter(file -> file.getFileName().toString().startsWith("hs_err")).toList();
        }
        String rerun = " (repeat it with -Dmmapkit.fuzz.seed=" + seed + " -Dmmapkit.fuzz.only=<call number>)";
        System.out.println("public API fuzz, seed " + seed + ": " + (done[0] == null ? "no DONE line" : done[0])
                + " in " + elapsedMillis + " ms");

        assertThat(ended).as("seed %d: the child JVM did not end within %d ms; its last call was %s%s", seed,
                millis + 60_000, lastCall[0], rerun).isTrue();
        assertThat(errorFiles).as("seed %d: the JVM crashed (hs_err file) in call %s%s%n%s", seed, lastCall[0], rerun,
                errorFiles.isEmpty() ? "" : problematicFrame(errorFiles.getFirst())).isEmpty();
        assertThat(findings).as("seed %d: calls that hung, changed a file although they failed, or leaked%s", seed, rerun)
                .isEmpty();
        assertThat(child.exitValue()).as("seed %d: the child JVM ended with exit status %d (above 128: killed by"
                        + " signal %d) in call %s%s; its last lines: %s; stderr: %s", seed, child.exitValue(),
                child.exitValue() - 128, lastCall[0], rerun, lastLines, tail(calls0.resolve("stderr.txt")))
                .isZero();
        assertThat(done[0]).as("seed %d: the child ended without its DONE line", seed).isNotNull();
    }

    /** The lines of an hs_err file that say where the JVM crashed. */
    private static String problematicFrame(Path errorFile) {
        try {
            return String.join("\n", Files.readAllLines(errorFile).stream()
                    .filter(line -> line.startsWith("# ") || line.startsWith("j ") || line.startsWith("J "))
                    .limit(25).toList());
        } catch (IOException e) {
            return "(cannot read " + errorFile + ": " + e + ")";
        }
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
        } catch (IOException e) {
            return "(none)";
        }
    }
}
