package mmapkit.course.cli;

import static org.assertj.core.api.Assertions.assertThat;

import mmapkit.course.stubs.StubGenerator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** {@code ./course generate} never destroys a learner's work: it refuses, or keeps a copy it names. */
class GenerateCommandTest {

    private static final String SOLUTION = """
            package mmapkit.demo;

            public final class Adder {
                public static int twice(int a) {
                    // SOLUTION-BEGIN 01.1
                    return 2 * a;
                    // SOLUTION-STUB
                    // throw new UnsupportedOperationException("TODO 01.1: twice a");
                    // SOLUTION-END
                }
            }
            """;
    private static final String SOLVED = """
            package mmapkit.demo;

            public final class Adder {
                public static int twice(int a) {
                    return a + a; // my own answer
                }
            }
            """;
    private static final String ADDER = "exercises/01-demo/src/main/java/mmapkit/demo/Adder.java";
    private static final String MINE = "exercises/01-demo/src/main/java/mmapkit/demo/MyExperiment.java";

    @TempDir
    Path kit;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        String[] all = Stream.concat(Stream.of("--kit", kit.toString()), Stream.of(args)).toArray(String[]::new);
        return CourseCli.run(all, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @BeforeEach
    void aKitWhoseExercisesWereGenerated() throws IOException {
        Files.createDirectories(kit.resolve("lessons/01-demo"));
        write("solutions/01-demo/pom.xml", "<project><artifactId>solutions-01-demo</artifactId></project>\n");
        write("solutions/01-demo/src/main/java/mmapkit/demo/Adder.java", SOLUTION);
        assertThat(run("generate", "01")).isZero();
        assertThat(read(ADDER)).contains("throw new UnsupportedOperationException(\"TODO 01.1: twice a\");");
        assertThat(kit.resolve("exercises/01-demo/" + StubGenerator.MANIFEST)).isRegularFile();
    }

    @Test
    void aLearnersChangedAndAddedFilesAreListedAndNothingIsWritten() throws IOException {
        write(ADDER, SOLVED);
        write(MINE, "package mmapkit.demo;\n\nclass MyExperiment {\n}\n");

        assertThat(run("generate", "01")).isEqualTo(1);

        assertThat(err.toString())
                .contains("nothing written: generating would overwrite or delete 2 file(s) of your own work in exercises/")
                .contains(ADDER + ": changed since the generator wrote it")
                .contains(MINE + ": your own file (the generator did not write it)")
                .contains("Your files are as they were.");
        assertThat(read(ADDER)).isEqualTo(SOLVED);
        assertThat(read(MINE)).contains("class MyExperiment");
        assertThat(kit.resolve(".course/backup")).doesNotExist();
    }

    @Test
    void theSameRefusalForEveryModuleAtOnce() throws IOException {
        write(ADDER, SOLVED);
        assertThat(run("generate")).isEqualTo(1);
        assertThat(read(ADDER)).isEqualTo(SOLVED);
    }

    @Test
    void withForceEveryReplacedFileIsCopiedToTheBackupItNames() throws IOException {
        write(ADDER, SOLVED);
        write(MINE, "package mmapkit.demo;\n\nclass MyExperiment {\n}\n");

        assertThat(run("generate", "01", "--force")).isZero();

        Matcher named = Pattern.compile("kept a copy of every file replaced or deleted in (\\.course/backup/[^/]+)/")
                .matcher(out.toString());
        assertThat(named.find()).as("the output names the backup folder: " + out).isTrue();
        Path backup = kit.resolve(named.group(1));
        assertThat(Files.readString(backup.resolve(ADDER))).isEqualTo(SOLVED);
        assertThat(Files.readString(backup.resolve(MINE))).contains("class MyExperiment");
        assertThat(read(ADDER)).contains("TODO 01.1: twice a");
        assertThat(kit.resolve(MINE)).doesNotExist();
    }

    @Test
    void aSolutionChangedByAMaintainerIsWrittenWithoutForce() throws IOException {
        write("solutions/01-demo/src/main/java/mmapkit/demo/Adder.java", SOLUTION.replace("twice a", "two times a"));
        assertThat(run("generate", "01")).isZero();
        assertThat(read(ADDER)).contains("TODO 01.1: two times a");
        assertThat(kit.resolve(".course/backup")).doesNotExist();
    }

    @Test
    void checkListsALearnersFileAndTheManifestIsUntouchedByIt() throws IOException {
        write(ADDER, SOLVED);
        assertThat(run("generate", "--check")).isEqualTo(1);
        assertThat(out.toString()).contains(ADDER + ": differs from the generated stub");
        assertThat(StubGenerator.checkManifest(kit.resolve("solutions/01-demo"), kit.resolve("exercises/01-demo"))).isEmpty();
        assertThat(StubGenerator.learnerChanges(kit.resolve("exercises/01-demo"))).singleElement().asString()
                .isEqualTo("src/main/java/mmapkit/demo/Adder.java: changed");
    }

    private void write(String path, String content) throws IOException {
        Path file = kit.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    private String read(String path) throws IOException {
        return Files.readString(kit.resolve(path));
    }
}
