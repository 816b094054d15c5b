package mmapkit.course.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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
    void aTimeScaleOutsideItsRangeOrNoNumberIsNamed() throws IOException {
        Files.createDirectories(kit.resolve("lessons/01-mapping"));
        assertThat(run("--kit", kit.toString(), "check", "01", "--time-scale", "0.5")).isEqualTo(2);
        assertThat(err.toString()).contains("--time-scale 0.5 must be from 1 to 100: budgets only grow");
        assertThat(run("--kit", kit.toString(), "grade", "--time-scale", "fast")).isEqualTo(2);
        assertThat(err.toString()).contains("--time-scale 'fast' is not a number: give a factor from 1 to 100");
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

    @Test
    void anUnknownModuleShowsTheUsageOfTheCommandOnly() throws IOException {
        Files.createDirectories(kit.resolve("lessons/01-mapping"));
        assertThat(run("--kit", kit.toString(), "check", "99")).isEqualTo(2);
        assertThat(err.toString()).startsWith("course: module '99' does not exist").contains("Usage: course check")
                .doesNotContain("Commands:", "Examples:");
    }

    @Test
    void everyLineOfHelpIsWholeAndNoCommandsSummaryIsCut() {
        assertThat(run("help")).isZero();
        // each command's summary is one sentence: the list shows it whole
        assertThat(out.toString()).contains("  export    Write the repository a class receives (for instructors).\n");
        assertThat(out.toString().lines()).allSatisfy(line -> assertThat(line.length()).as(line).isLessThanOrEqualTo(80));
        assertThat(out.toString().lines()).noneMatch(line -> line.startsWith("(") || line.endsWith(" a"));
    }

    @Test
    void everyCommandTakesHelpEvenWithRequiredOptions() {
        for (String command : new String[] {"status", "check", "grade", "book", "run", "generate", "export"}) {
            out.getBuffer().setLength(0);
            assertThat(run(command, "--help")).as(command + " --help").isZero();
            assertThat(out.toString()).as(command + " --help").startsWith("Usage: course " + command);
        }
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void gradeHelpHasNoHardLineBreaksInsideItsParagraphs() {
        assertThat(run("grade", "--help")).isZero();
        String description = out.toString().substring(out.toString().indexOf("Grade the exercises"), out.toString().indexOf("  -"));
        // picocli wraps a paragraph at 80 columns; a hard break leaves a short line before the last one of a paragraph
        List<String> lines = description.lines().filter(line -> !line.isBlank()).toList();
        assertThat(lines.getFirst()).isEqualTo("Grade the exercises (or the reference solutions) of this kit and print a report.");
        assertThat(String.join(" ", lines)).contains("only its exercises/NN-name/src/main/java is taken",
                "write a gradebook (gradebook.csv");
        for (int i = 1; i < lines.size() - 1; i++) {
            if (!lines.get(i + 1).startsWith("With ")) {
                assertThat(lines.get(i).length()).as("a line inside a paragraph: " + lines.get(i)).isGreaterThan(60);
            }
        }
    }

    @Test
    void checkingOneTaskHeadsTheReportWithTheTask() {
        String report = "Module 01-mapping                             10 /  10 points   (exercises)\n  01.1 ...\n";
        assertThat(CheckCommand.taskHeading(report, new mmapkit.course.grading.KitModule(kit, "01-mapping"), "01.1"))
                .isEqualTo("Task 01.1 of 01-mapping                       10 /  10 points   (exercises)\n  01.1 ...\n");
    }
}
