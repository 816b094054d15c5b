package mmapkit.course.submission;

import mmapkit.course.grading.DemoKit;
import mmapkit.course.model.ModuleResult;
import mmapkit.course.model.TaskResult;
import mmapkit.course.model.TestResult;
import mmapkit.course.model.Target;
import mmapkit.course.grading.Grader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import mmapkit.course.model.ModuleResult.Problem;
import mmapkit.course.report.GradeReport;
import mmapkit.course.report.JsonReport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Grading a learner's submission: only its exercise sources count, each module in a JVM of its own. */
@Timeout(60)
class SubmissionGraderTest {

    private static final String CORRECT = """
            package mmapkit.demo;

            public final class Adder {
                public static long add(long a, long b) {
                    return a + b;
                }

                public static long twice(long a) {
                    return 2 * a;
                }
            }
            """;

    @TempDir
    Path temp;

    DemoKit kit;
    Path submission;
    SubmissionGrader grader;

    @BeforeEach
    void setUp() {
        kit = new DemoKit(temp.resolve("kit"));
        submission = temp.resolve("submission");
        grader = new SubmissionGrader(kit.root, Duration.ofSeconds(40), Duration.ofSeconds(5), "256m");
    }

    private void submit(String path, String content) throws IOException {
        Path file = submission.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    private ModuleResult grade(Path what) {
        List<ModuleResult> results = grader.grade(what, List.of(kit.module()));
        assertThat(results).hasSize(1);
        return results.getFirst();
    }

    @Test
    void aCorrectExerciseEarnsEveryPointAndTheSameReportTwice() throws IOException {
        submit("exercises/01-demo/src/main/java/mmapkit/demo/Adder.java", CORRECT);
        submit(".git/HEAD", "ref: refs/heads/main\n");
        ModuleResult result = grade(submission);
        assertThat(result.problem()).isNull();
        assertThat(result.target()).isEqualTo("submission");
        assertThat(result.earned()).isEqualTo(25);
        assertThat(result.tests()).hasSize(4).allMatch(TestResult::passed);
        assertThat(JsonReport.render(new GradeReport("submission", List.of(grade(submission)))))
                .isEqualTo(JsonReport.render(new GradeReport("submission", List.of(result))));
    }

    @Test
    void aGitWorkingCopyIsGradedAtItsLastCommitAndItsFiltersRunOnlyInTheSandbox() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Sandbox.detect().isolated(), Sandbox.detect().description());
        submit("exercises/01-demo/src/main/java/mmapkit/demo/Adder.java", CORRECT);
        submit(".gitattributes", "*.java filter=evil\n");
        git("init", "-q");
        git("add", "-A");
        git("-c", "user.name=learner", "-c", "user.email=learner@example.edu", "commit", "-q", "-m", "done");
        // after the commit: a broken working copy, and a filter that would run a command on checkout
        submit("exercises/01-demo/src/main/java/mmapkit/demo/Adder.java", "class Broken {");
        Path marker = temp.resolve("filter-ran");
        git("config", "filter.evil.smudge", "cat; touch " + marker);
        ModuleResult result = grade(submission);
        assertThat(result.earned()).as("the last commit is graded, not the working copy").isEqualTo(25);
        assertThat(marker).as("a filter of the submission's own configuration never runs outside the sandbox").doesNotExist();
    }

    private void git(String... arguments) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("git", "-C", submission.toString()));
        command.addAll(List.of(arguments));
        Process git = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(git.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(git.exitValue()).as("git " + String.join(" ", arguments) + ": " + new String(git.getInputStream().readAllBytes()))
                .isZero();
    }

    @Test
    void testsAndOtherFilesOfTheSubmissionAreIgnored() throws IOException {
        Map<String, String> kitBefore = contents(kit.root);
        // the stub: 01.2 fails on the kit's tests, whatever the submission's copy of them says
        submit("exercises/01-demo/src/main/java/mmapkit/demo/Adder.java",
                Files.readString(kit.root.resolve("exercises/01-demo/src/main/java/mmapkit/demo/Adder.java")));
        submit("lessons/01-demo/src/test/java/mmapkit/demo/TwiceTest.java", """
                package mmapkit.demo;

                @mmapkit.course.Task(id = "01.2", points = 15, title = "Double a number")
                class TwiceTest {
                    @org.junit.jupiter.api.Test
                    void doubles() {
                    }
                }
                """);
        submit("solutions/01-demo/src/main/java/mmapkit/demo/Adder.java", "this is not Java");
        submit("exercises/01-demo/src/test/java/mmapkit/demo/TwiceTest.java", "not compiled either");
        ModuleResult result = grade(submission);
        assertThat(result.problem()).isNull();
        assertThat(result.earned()).isEqualTo(10);
        assertThat(result.tasks().get(1).status()).isEqualTo(TaskResult.Status.FAILED);
        assertThat(result.tasks().get(1).firstFailure().message()).contains("TODO 01.2: double it");
        assertThat(result.tasks().get(1).firstFailure().location())
                .startsWith("lessons/01-demo/src/test/java/mmapkit/demo/TwiceTest.java:");
        assertThat(result.tasks().get(1).hint()).isEqualTo("lessons/01-demo/hints/01.2.adoc");
        assertThat(contents(kit.root)).as("the kit's files").isEqualTo(kitBefore);
    }

    @Test
    void aZipIsGradedLikeAFolder() throws IOException {
        Path zip = temp.resolve("learner.zip");
        zip(zip, Map.of("learner-main/exercises/01-demo/src/main/java/mmapkit/demo/Adder.java", CORRECT,
                "learner-main/README.md", "mine\n"));
        ModuleResult result = grade(zip);
        assertThat(result.problem()).isNull();
        assertThat(result.earned()).isEqualTo(25);
    }

    @Test
    void aZipEntryOutsideItsFolderIsRefused() throws IOException {
        Path zip = temp.resolve("evil.zip");
        zip(zip, Map.of("exercises/01-demo/src/main/java/mmapkit/demo/Adder.java", CORRECT,
                "exercises/../../escaped.txt", "gotcha\n"));
        assertThatThrownBy(() -> grade(zip)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("holds the entry 'exercises/../../escaped.txt', which points outside the folder it unpacks to");
        assertThat(temp.resolve("escaped.txt")).doesNotExist();

        Path absolute = temp.resolve("absolute.zip");
        zip(absolute, Map.of("/tmp/escaped.txt", "gotcha\n"));
        assertThatThrownBy(() -> SubmissionSources.take(absolute, temp.resolve("out"), Sandbox.none("not needed")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'/tmp/escaped.txt'");
    }

    @Test
    void aMissingModuleFolderEarnsNothingAndSaysSo() throws IOException {
        submit("README.md", "nothing done yet\n");
        ModuleResult result = grade(submission);
        assertThat(result.problem().kind()).isEqualTo(Problem.Kind.NOT_SUBMITTED);
        assertThat(result.problem().message()).isEqualTo("the submission has no exercises/01-demo/src/main/java");
        assertThat(result.earned()).isZero();
        assertThat(result.possible()).isEqualTo(25);
        assertThat(result.tasks()).allMatch(task -> task.status() == TaskResult.Status.NOT_RUN);
    }

    @Test
    void systemExitIsFlaggedAndEarnsNothing() throws IOException {
        submit("exercises/01-demo/src/main/java/mmapkit/demo/Adder.java",
                CORRECT.replace("return 2 * a;", "System.exit(3);\n        return 0;"));
        ModuleResult result = grade(submission);
        assertThat(result.problem().kind()).isEqualTo(Problem.Kind.FLAGGED);
        assertThat(result.problem().message()).contains("mmapkit.demo.Adder.twice (line ").contains("ends the JVM (System.exit)");
        assertThat(result.earned()).isZero();
    }

    @Test
    void systemExitAcceptedAfterReviewFailsTheTestsItHappensInAndTheRestAreGraded() throws IOException {
        submit("exercises/01-demo/src/main/java/mmapkit/demo/Adder.java",
                CORRECT.replace("return 2 * a;", "System.exit(3);\n        return 0;"));
        SubmissionGrader reviewed = new SubmissionGrader(kit.root, Duration.ofSeconds(40), Duration.ofSeconds(5), "256m", null,
                Sandbox.detect(), true);
        ModuleResult result = reviewed.grade(submission, List.of(kit.module())).getFirst();
        assertThat(result.problem()).isNull();
        assertThat(result.earned()).isEqualTo(10);
        assertThat(result.tasks().get(0).done()).isTrue();
        TaskResult twice = result.tasks().get(1);
        assertThat(twice.tests()).hasSize(2).allMatch(TestResult::failed);
        assertThat(twice.firstFailure().message())
                .startsWith("the test ended the grading JVM: it ended with status 3 (System.exit, Runtime.halt or a crash)");
    }

    @Test
    void aTestThatOutlivesTheModuleTimeoutFailsAndTheOthersAreGraded() throws IOException {
        submit("exercises/01-demo/src/main/java/mmapkit/demo/Adder.java", CORRECT.replace("return 2 * a;",
                "while (a != Long.MIN_VALUE) {\n            Thread.onSpinWait();\n        }\n        return 0;"));
        // a per-test timeout longer than the module's: only the module timeout can stop the loop. 20 s: the module's
        // compiler and a grading JVM must start and reach the looping test within it on a busy 2-core machine.
        SubmissionGrader quick = new SubmissionGrader(kit.root, Duration.ofSeconds(20), Duration.ofSeconds(60), "256m");
        ModuleResult result = quick.grade(submission, List.of(kit.module())).getFirst();
        assertThat(result.problem()).isNull();
        assertThat(result.earned()).isEqualTo(10);
        assertThat(result.tasks().get(1).tests()).hasSize(2).allMatch(TestResult::failed)
                .anySatisfy(test -> assertThat(test.message())
                        .startsWith("timed out: this test was still running when the module timeout (20 s) passed"));
    }

    @Test
    void aTestClassThatEndsTheJvmInItsInitialiserFailsItsTestsAndTheRestAreGraded() throws IOException {
        submit("exercises/01-demo/src/main/java/mmapkit/demo/Adder.java", CORRECT);
        // a graded test class that ends the JVM as JUnit discovers it: there is no test to blame
        kit.test("ExitTest", """
                package mmapkit.demo;

                @mmapkit.course.Task(id = "01.3", points = 5, title = "Exit")
                class ExitTest {
                    static {
                        Runtime.getRuntime().halt(7);
                    }

                    @org.junit.jupiter.api.Test
                    void never() {
                    }
                }
                """);
        ModuleResult result = grade(submission);
        assertThat(result.problem()).isNull();
        assertThat(result.earned()).isEqualTo(25);
        assertThat(result.possible()).isEqualTo(30);
        assertThat(result.tasks().getLast().firstFailure().message()).startsWith("the test ended the grading JVM: it ended with status 7");
    }

    @Test
    void aJsonReportReadsBackAsItWasWritten() {
        Grader inProcess = new Grader(kit.root, kit.root.resolve(".course/build"), Duration.ofSeconds(5));
        GradeReport report = new GradeReport("exercises", List.of(inProcess.grade(kit.module(), Target.EXERCISES)));
        String json = JsonReport.render(report);
        assertThat(JsonReport.render(JsonReport.parse(json))).isEqualTo(json);
        assertThat(JsonReport.parse(json).earned()).isEqualTo(10);
    }

    private static void zip(Path zip, Map<String, String> entries) throws IOException {
        try (OutputStream out = Files.newOutputStream(zip); ZipOutputStream zipped = new ZipOutputStream(out)) {
            for (Map.Entry<String, String> entry : new TreeMap<>(entries).entrySet()) {
                zipped.putNextEntry(new ZipEntry(entry.getKey()));
                zipped.write(entry.getValue().getBytes(StandardCharsets.UTF_8));
                zipped.closeEntry();
            }
        }
    }

    /** The kit's files and their text, its compile cache ({@code .course/}, which the grader may fill) left out. */
    private static Map<String, String> contents(Path root) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.filter(Files::isRegularFile).filter(path -> !root.relativize(path).startsWith(".course")).toList()) {
                files.put(root.relativize(path).toString(), Files.readString(path));
            }
        }
        return files;
    }
}
