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

/**
 * {@code ./course book --chapter NN}: what it refuses and what it says before any build starts
 * (the build itself is Maven's, measured by hand: see the course tools' README).
 */
class BookCommandTest {

    @TempDir
    Path kit;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        String[] withKit = new String[args.length + 2];
        withKit[0] = "--kit";
        withKit[1] = kit.toString();
        System.arraycopy(args, 0, withKit, 2, args.length);
        return CourseCli.run(withKit, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    /** A kit with module 01, a book, and no build yet. */
    @BeforeEach
    void aKitWithABook() throws IOException {
        Files.createDirectories(kit.resolve("lessons/01-mapping"));
        Files.createDirectories(kit.resolve(BookCommand.CHAPTERS));
        Files.writeString(kit.resolve("book/pom.xml"), "<project/>\n");
    }

    private void chapter(String file, String text) throws IOException {
        Files.writeString(kit.resolve(BookCommand.CHAPTERS).resolve(file), text);
    }

    @Test
    void aChapterOfNoModuleNamesTheValueAndTheRule() {
        assertThat(run("book", "--chapter", "99")).as("exit status of book --chapter 99").isEqualTo(2);
        assertThat(err.toString()).as("what book --chapter 99 says")
                .startsWith("course: --chapter '99' names no module: NN is a module's number (01) or folder (01-mapping);"
                        + " module '99' does not exist: the modules are [01-mapping]")
                .contains("Usage: course book");
    }

    @Test
    void aChapterThatIsNoNumberIsRefusedTheSameWay() {
        assertThat(run("book", "--chapter", "mapping")).as("exit status of book --chapter mapping").isEqualTo(2);
        assertThat(err.toString()).as("what book --chapter mapping says").startsWith("course: --chapter 'mapping' names no module");
    }

    @Test
    void aModuleWithoutAChapterIsNamedWithTheFileItLacks() {
        assertThat(run("book", "--chapter", "1")).as("exit status of book --chapter 1 when no chapter file exists").isEqualTo(2);
        assertThat(err.toString()).as("what book --chapter 1 says")
                .startsWith("course: --chapter '1': module 01-mapping has no chapter:"
                        + " book/src/docs/asciidoc/chapters/01-mapping.adoc does not exist");
    }

    @Test
    void pdfAloneIsRefused() {
        assertThat(run("book", "--pdf")).as("exit status of book --pdf").isEqualTo(2);
        assertThat(err.toString()).as("what book --pdf says").startsWith("course: --pdf goes with --chapter NN");
    }

    @Test
    void outputsNoBuildHasCapturedAreListedWithHowToCaptureThem() throws IOException {
        chapter("01-mapping.adoc", """
                == Mapping files
                include::{experiment-output}/Captured.txt[]
                include::{experiment-output}/NotYetCaptured.txt[]
                image::{generated-images}/chart.svg[A chart,opts=inline]

                include::01-mapping-more.adoc[leveloffset=+1]
                """);
        chapter("01-mapping-more.adoc", "include::{experiment-output}/FromTheIncludedFile.txt[]\n");
        Files.createDirectories(kit.resolve(BookCommand.EXPERIMENT_OUTPUT));
        Files.writeString(kit.resolve(BookCommand.EXPERIMENT_OUTPUT).resolve("Captured.txt"), "42\n");

        assertThat(run("book", "--chapter", "01")).as("exit status of book --chapter 01 with outputs missing").isEqualTo(1);

        assertThat(out.toString()).as("what book --chapter 01 says when outputs are missing")
                .contains("Chapter 01-mapping shows outputs that no full build has captured yet (in book/target/experiment-output):"
                        + " NotYetCaptured.txt, chart.svg, FromTheIncludedFile.txt.")
                .contains("Capture them with the full build, ./course book")
                .contains("./course book --chapter 01 reuses them afterwards")
                .doesNotContainPattern("[ (]Captured\\.txt");
    }

    @Test
    void helpNamesTheChapterOptions() {
        assertThat(run("book", "--help")).as("exit status of book --help").isZero();
        assertThat(out.toString()).as("book --help").contains("--chapter=NN", "--pdf", "build only the chapter of module NN");
    }
}
