package mmapkit.course.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

class CourseCliTest {

    @TempDir
    Path kit;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return CourseCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void anUnknownCommandGetsOneLineAndTheUsage() {
        assertThat(run("--kit", kit.toString(), "grdae")).isEqualTo(2);
        assertThat(err.toString()).startsWith("course: 'grdae' is not a command of the course\n").contains("Usage: course");
    }

    @Test
    void aBadOptionValueIsNamed() {
        assertThat(run("grade", "--format", "pdf")).isEqualTo(2);
        assertThat(err.toString().lines().findFirst().orElseThrow()).startsWith("course: Invalid value for option '--format'")
                .contains("pdf");
    }

    @Test
    void anUnknownModuleNamesTheModulesThereAre() throws IOException {
        Files.createDirectories(kit.resolve("lessons/01-mapping"));
        assertThat(run("--kit", kit.toString(), "check", "07")).isEqualTo(2);
        assertThat(err.toString()).startsWith("course: module '07' does not exist: the modules are [01-mapping]");
    }

    @Test
    void aSubmissionThatDoesNotExistIsNamed() throws IOException {
        Files.createDirectories(kit.resolve("lessons/01-mapping"));
        Path nowhere = kit.resolve("nowhere");
        assertThat(run("--kit", kit.toString(), "grade", "--submission", nowhere.toString())).isEqualTo(2);
        assertThat(err.toString()).startsWith("course: the submission " + nowhere + " does not exist");
        assertThat(run("--kit", kit.toString(), "grade", "--submission", kit.toString(), "--module-timeout", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("--module-timeout 0 must be a positive number of seconds");
    }

    @Test
    void aFolderThatIsNoKitIsRefused() {
        assertThat(run("--kit", kit.resolve("nowhere").toString(), "status")).isEqualTo(2);
        assertThat(err.toString()).contains("is not the root of the kit: it has no lessons/ folder");
    }

    @Test
    void helpListsTheCommands() {
        assertThat(run("help")).isZero();
        assertThat(out.toString()).contains("status", "check", "grade", "book", "generate");
    }
}
