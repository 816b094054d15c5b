package mmapkit.course.submission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import mmapkit.course.grading.DemoKit;
import mmapkit.course.grading.Grader;
import mmapkit.course.model.ModuleResult;
import mmapkit.course.model.TaskResult;
import mmapkit.course.model.Target;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code ./course check} runs the learner's code in a grading JVM: nothing it does can end the check
 * without a report.
 */
class OwnCodeCheckTest {

    @TempDir
    Path root;

    DemoKit kit;
    Grader grader;

    @BeforeEach
    void setUp() {
        kit = new DemoKit(root);
        grader = new Grader(root, root.resolve(".course/build"), Duration.ofSeconds(5));
    }

    private ModuleResult check(Target target, Optional<String> task, Duration testTimeout) {
        return OwnCodeCheck.check(grader, kit.module(), target.folder(), kit.module().toolkitSources(target), task,
                testTimeout, Duration.ofMinutes(2));
    }

    @Test
    void theSolutionEarnsWhatTheInProcessGraderGives() {
        ModuleResult result = check(Target.SOLUTIONS, Optional.empty(), Duration.ofSeconds(30));
        assertThat(result.problem()).isNull();
        assertThat(result.earned()).isEqualTo(25);
        assertThat(result.tests()).hasSize(4).allMatch(test -> test.passed());
    }

    @Test
    void theStubIsNotStartedWithTheStubsMessageAndItsHint() {
        ModuleResult result = check(Target.EXERCISES, Optional.empty(), Duration.ofSeconds(30));
        TaskResult twice = result.tasks().get(1);
        assertThat(twice.earned()).isZero();
        assertThat(twice.firstFailure().message()).contains("TODO 01.2: double it");
        assertThat(twice.hint()).isEqualTo("lessons/01-demo/hints/01.2.adoc");
        assertThat(result.tasks().getFirst().done()).isTrue();
    }

    @Test
    void aSystemExitInTheLearnersCodeFailsItsTestAndTheCheckGoesOn() {
        kit.exercise("""
                package mmapkit.demo;

                public final class Adder {
                    public static long add(long a, long b) {
                        return a + b;
                    }

                    public static long twice(long a) {
                        if (a == 21) {
                            System.exit(3);
                        }
                        return 2 * a;
                    }
                }
                """);
        ModuleResult result = check(Target.EXERCISES, Optional.empty(), Duration.ofSeconds(30));
        TaskResult twice = result.tasks().get(1);
        assertThat(twice.tests()).as("both tests of 01.2 have an outcome: the one after the exit ran in a fresh JVM")
                .hasSize(2);
        assertThat(twice.failedTests()).isEqualTo(1);
        assertThat(twice.firstFailure().message()).as("the test in which the JVM ended says so, with its exit status")
                .contains("status 3");
        assertThat(result.tasks().getFirst().done()).as("01.1 is graded as usual").isTrue();
    }

    @Test
    void anEndlessLoopThatIgnoresInterruptsTimesOutAndTheOtherTasksStillRun() {
        kit.exercise("""
                package mmapkit.demo;

                public final class Adder {
                    public static long add(long a, long b) {
                        return a + b;
                    }

                    public static long twice(long a) {
                        long spin = 0;
                        while (a != 0) { // never ends, ignores interrupts
                            spin++;
                        }
                        return spin;
                    }
                }
                """);
        long started = System.nanoTime();
        ModuleResult result = check(Target.EXERCISES, Optional.empty(), Duration.ofSeconds(1));
        TaskResult twice = result.tasks().get(1);
        assertThat(twice.firstFailure().message()).startsWith("timed out");
        assertThat(result.tasks().getFirst().done()).isTrue();
        assertThat((System.nanoTime() - started) / 1_000_000_000)
                .as("seconds the check took: the loop's JVM was stopped")
                .isLessThan(60);
    }

    @Test
    void aTaskThatIsNoneIsRefusedWithTheModulesTasksWhetherOrNotTheCodeCompiles() {
        assertThatThrownBy(() -> check(Target.SOLUTIONS, Optional.of("01.7"), Duration.ofSeconds(30)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'01.7'")
                .hasMessageContaining("[01.1, 01.2]");
        kit.exercise("package mmapkit.demo; public final class Adder { oops }");
        assertThatThrownBy(() -> check(Target.EXERCISES, Optional.of("01.7"), Duration.ofSeconds(30)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[01.1, 01.2]");
        ModuleResult broken = check(Target.EXERCISES, Optional.empty(), Duration.ofSeconds(30));
        assertThat(broken.problem().kind()).isEqualTo(ModuleResult.Problem.Kind.COMPILE_ERROR);
        assertThat(broken.tasks()).as("the tasks are listed from the test sources").hasSize(2);
    }

    @Test
    void oneTaskRunsOnlyItsTests() {
        ModuleResult result = check(Target.SOLUTIONS, Optional.of("01.2"), Duration.ofSeconds(30));
        assertThat(result.tasks().get(1).tests()).hasSize(2);
        assertThat(result.tasks().getFirst().tests()).as("01.1 was not asked for").isEmpty();
    }
}
