package mmapkit.course.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** {@code ./course run}: what each experiment shows and needs, and a clear refusal when a task it needs is a stub. */
class RunCommandTest {

    private static final String ADDER = """
            package mmapkit.demo;

            public final class Adder {
                public static int twice(int a) {
                    // SOLUTION-BEGIN 01.1
                    return Helper.sum(a, a);
                    // SOLUTION-STUB
                    // throw new UnsupportedOperationException("TODO 01.1: twice a (see hint 01.1)");
                    // SOLUTION-END
                }
            }
            """;
    private static final String HELPER = """
            package mmapkit.demo;

            final class Helper {
                @SuppressWarnings("unused") // an annotation's parentheses are not the method's
                static int sum(int a, int b) {
                    // SOLUTION-BEGIN 01.2
                    return a + b;
                    // SOLUTION-STUB
                    // throw new UnsupportedOperationException("TODO 01.2: add (see hint 01.2)");
                    // SOLUTION-END
                }
            }
            """;
    private static final String DOUBLING = """
            package mmapkit.demo.experiments;

            import mmapkit.demo.Adder;

            /**
             * Experiment: {@code twice} doubles; see how. More text.
             */
            public final class Doubling {
                public static void main(String[] args) {
                    System.out.println("twice(3) = " + Adder.twice(3)); // prints "twice(3)"
                }
            }
            """;
    private static final String PLAIN = """
            package mmapkit.demo.experiments;

            /** Experiment: prints a constant, no task needed. */
            public final class Plain {
                public static void main(String[] args) {
                    System.out.println(42);
                }
            }
            """;

    @TempDir
    Path kit;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        String[] all = Stream.concat(Stream.of("--kit", kit.toString()), Stream.of(args)).toArray(String[]::new);
        return CourseCli.run(all, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @BeforeEach
    void aModuleWithTwoExperiments() throws IOException {
        Files.createDirectories(kit.resolve("lessons/01-demo"));
        write("solutions/01-demo/pom.xml", "<project><artifactId>solutions-01-demo</artifactId></project>\n");
        write("solutions/01-demo/src/main/java/mmapkit/demo/Adder.java", ADDER);
        write("solutions/01-demo/src/main/java/mmapkit/demo/Helper.java", HELPER);
        write("solutions/01-demo/src/main/java/mmapkit/demo/experiments/Doubling.java", DOUBLING);
        write("solutions/01-demo/src/main/java/mmapkit/demo/experiments/Plain.java", PLAIN);
        assertThat(run("generate", "01")).isZero();
        out.getBuffer().setLength(0);
    }

    @Test
    void theListSaysWhatEachShowsAndTheTasksItNeeds() {
        assertThat(run("run", "01")).isZero();
        assertThat(out.toString()).isEqualTo("""
                Experiments of module 01-demo (./course run 01 NAME), what each shows, and the tasks whose code it runs:
                  Doubling
                      twice doubles
                      needs tasks 01.1, 01.2 (not done yet: 01.1)
                  Plain
                      prints a constant, no task needed.
                      needs no task: it runs on code given with the exercise
                """);
    }

    @Test
    void anExperimentWhoseTaskIsAStubIsRefusedNamingTheTask() {
        assertThat(run("run", "01", "Doubling")).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("""
                course: Doubling runs the code of task 01.1, not done yet in exercises/01-demo (Adder.twice still \
                throws "TODO 01.1: twice a (see hint 01.1)"); on your code it would only show that stub.
                  do task 01.1 first (./course check 01 01.1 says how far it is), or run it on the reference code: \
                ./course run 01 Doubling --solutions
                """);
        assertThat(out.toString()).doesNotContain("running");
    }

    @Test
    void onceTheTaskIsDoneItsOwnCallsCountToo() throws IOException {
        write("exercises/01-demo/src/main/java/mmapkit/demo/Adder.java", ADDER.replaceAll("(?s)// SOLUTION-BEGIN 01.1\\n|"
                + "\\s*// SOLUTION-STUB.*?// SOLUTION-END", ""));
        assertThat(run("run", "01")).isZero();
        assertThat(out.toString()).contains("needs tasks 01.1, 01.2 (not done yet: 01.2)");
    }

    private void write(String path, String content) throws IOException {
        Path file = kit.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }
}
