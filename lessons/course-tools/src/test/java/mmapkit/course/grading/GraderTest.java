package mmapkit.course.grading;

import mmapkit.course.model.ModuleResult;
import mmapkit.course.model.TaskResult;
import mmapkit.course.model.TestResult;
import mmapkit.course.model.Target;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import mmapkit.course.model.ModuleResult.Problem;
import mmapkit.course.report.GradeReport;
import mmapkit.course.report.JsonReport;
import mmapkit.course.report.MarkdownReport;
import mmapkit.course.report.TextReport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

class GraderTest {

    @TempDir
    Path root;

    DemoKit kit;
    Grader grader;

    @BeforeEach
    void setUp() {
        kit = new DemoKit(root);
        grader = new Grader(root, root.resolve(".course/build"), Duration.ofSeconds(5));
    }

    @Test
    void theSolutionEarnsEveryPoint() {
        ModuleResult result = grader.grade(kit.module(), Target.SOLUTIONS);
        assertThat(result.problem()).isNull();
        assertThat(result.earned()).isEqualTo(25);
        assertThat(result.possible()).isEqualTo(25);
        assertThat(result.tests()).hasSize(4).allMatch(TestResult::passed);
        assertThat(result.tasks().getFirst().tests()).extracting(TestResult::name)
                .containsExactlyInAnyOrder("addsSmallNumbers()", "WithNegatives > addsANegativeNumber()");
    }

    @Test
    void aTaskEarnsItsPointsOnlyWhenAllItsTestsPass() {
        kit.exercise("""
                package mmapkit.demo;

                public final class Adder {
                    public static long add(long a, long b) {
                        return a + b;
                    }

                    public static long twice(long a) {
                        return a == 0 ? 0 : a + 1;
                    }
                }
                """);
        ModuleResult result = grader.grade(kit.module(), Target.EXERCISES);
        TaskResult twice = result.tasks().get(1);
        assertThat(twice.status()).isEqualTo(TaskResult.Status.FAILED);
        assertThat(twice.earned()).isZero();
        assertThat(twice.failedTests()).isEqualTo(1);
        assertThat(twice.firstFailure().message()).contains("[twice 21]").contains("42");
        assertThat(twice.firstFailure().location()).as("where the failed assertion is, for the learner to open")
                .isEqualTo("lessons/01-demo/src/test/java/mmapkit/demo/TwiceTest.java:12");
        assertThat(twice.hint()).isEqualTo("lessons/01-demo/hints/01.2.adoc");
        assertThat(result.earned()).isEqualTo(10);
        assertThat(result.nextTask().id()).isEqualTo("01.2");
    }

    @Test
    void anExceptionFromTheLearnersCodeIsShownWithWhereItWasThrown() {
        ModuleResult result = grader.grade(kit.module(), Target.EXERCISES);
        assertThat(result.tasks().get(1).firstFailure().message())
                .startsWith("java.lang.UnsupportedOperationException: TODO 01.2: double it")
                .contains("at graded-code//mmapkit.demo.Adder.twice(Adder.java:");
    }

    @Test
    void aCompileErrorGivesNoPointsAndTheCompilersMessage() {
        kit.exercise("""
                package mmapkit.demo;

                public final class Adder {
                    public static long add(long a, long b) {
                        return a + b
                    }
                }
                """);
        ModuleResult result = grader.grade(kit.module(), Target.EXERCISES);
        assertThat(result.problem().kind()).isEqualTo(Problem.Kind.COMPILE_ERROR);
        assertThat(result.problem().message())
                .contains("exercises/01-demo/src/main/java/mmapkit/demo/Adder.java:5: error: ';' expected")
                .contains("1 error");
        assertThat(result.earned()).isZero();
        assertThat(result.tasks()).extracting(TaskResult::id).containsExactly("01.1", "01.2");
        assertThat(result.tasks()).allMatch(task -> task.status() == TaskResult.Status.NOT_RUN);
        assertThat(result.possible()).isEqualTo(25);
    }

    @Test
    void testsThatDoNotCompileAgainstTheCodeAreNamedAsSuch() {
        kit.exercise("""
                package mmapkit.demo;

                public final class Adder {
                    public static long add(long a, long b) {
                        return a + b;
                    }
                }
                """);
        ModuleResult result = grader.grade(kit.module(), Target.EXERCISES);
        assertThat(result.problem().kind()).isEqualTo(Problem.Kind.TESTS_DO_NOT_COMPILE);
        assertThat(result.problem().message()).contains("did a public class or method signature change?")
                .contains("TwiceTest.java:").contains("cannot find symbol");
        assertThat(result.earned()).isZero();
    }

    @Test
    void aRunInWhichNoTestExecutedIsNoSuccess() {
        kit.test("TwiceTest", """
                package mmapkit.demo;

                @mmapkit.course.Task(id = "01.2", points = 15, title = "Double a number")
                class TwiceTest {
                }
                """).test("AddTest", """
                package mmapkit.demo;

                @mmapkit.course.Task(id = "01.1", points = 10, title = "Add two numbers")
                class AddTest {
                }
                """);
        ModuleResult result = grader.grade(kit.module(), Target.SOLUTIONS);
        assertThat(result.problem().kind()).isEqualTo(Problem.Kind.NO_TEST_RAN);
        assertThat(result.earned()).isZero();
    }

    @Test
    void aTestThatNeverEndsTimesOutAndTheOthersStillRun() {
        kit.exercise("""
                package mmapkit.demo;

                public final class Adder {
                    public static long add(long a, long b) {
                        return a + b;
                    }

                    public static long twice(long a) {
                        // ignores interrupts, like a learner's endless loop; ends by itself after 3 s
                        long end = System.nanoTime() + 3_000_000_000L;
                        long spin = 0;
                        while (a != 0 && System.nanoTime() < end) {
                            spin++;
                        }
                        return spin;
                    }
                }
                """);
        Grader quick = new Grader(root, root.resolve(".course/build"), Duration.ofMillis(500));
        ModuleResult result = quick.grade(kit.module(), Target.EXERCISES);
        TaskResult twice = result.tasks().get(1);
        assertThat(twice.tests()).hasSize(2);
        assertThat(twice.firstFailure().message()).startsWith("timed out: doubles() timed out after 500 milliseconds");
        assertThat(result.tasks().getFirst().done()).isTrue();
    }

    @Test
    void aClassWhoseSetUpFailsFailsItsTask() {
        kit.test("TwiceTest", """
                package mmapkit.demo;

                @mmapkit.course.Task(id = "01.2", points = 15, title = "Double a number")
                class TwiceTest {
                    @org.junit.jupiter.api.BeforeAll
                    static void prepare() {
                        throw new IllegalStateException("no scratch folder");
                    }

                    @org.junit.jupiter.api.Test
                    void doubles() {
                    }
                }
                """);
        ModuleResult result = grader.grade(kit.module(), Target.SOLUTIONS);
        assertThat(result.tasks().get(1).status()).isEqualTo(TaskResult.Status.FAILED);
        assertThat(result.tasks().get(1).firstFailure().message()).contains("no scratch folder");
        assertThat(result.earned()).isEqualTo(10);
    }

    @Test
    void oneTaskOnly() {
        ModuleResult result = grader.grade(kit.module(), "exercises", kit.module().toolkitSources(Target.EXERCISES), Optional.of("01.1"));
        assertThat(result.problem()).isNull();
        assertThat(result.tasks().getFirst().done()).isTrue();
        assertThat(result.tasks().get(1).status()).isEqualTo(TaskResult.Status.NOT_RUN);
        assertThatThrownBy(() -> grader.grade(kit.module(), "exercises", kit.module().toolkitSources(Target.EXERCISES),
                Optional.of("01.9")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("task '01.9' is not a task of module 01-demo: its tasks are [01.1, 01.2]");
    }

    @Test
    void gradingTwiceGivesTheSameReports() {
        GradeReport first = new GradeReport("exercises", List.of(grader.grade(kit.module(), Target.EXERCISES)));
        GradeReport second = new GradeReport("exercises", List.of(grader.grade(kit.module(), Target.EXERCISES)));
        assertThat(JsonReport.render(second)).isEqualTo(JsonReport.render(first));
        assertThat(MarkdownReport.render(second)).isEqualTo(MarkdownReport.render(first));
        assertThat(JsonReport.render(first))
                .contains("\"formatVersion\" : 1", "\"earned\" : 10", "\"possible\" : 25", "\"status\" : \"FAILED\"",
                        "\"firstFailure\" : \"TwiceTest > doubles", "java.lang.UnsupportedOperationException: TODO 01.2");
        assertThat(TextReport.render(first, false))
                .contains("01.1   Add two numbers")
                .contains("10 /  10  done (2 tests)")
                .contains(" 0 /  15  2 of 2 tests failed");
    }
}
