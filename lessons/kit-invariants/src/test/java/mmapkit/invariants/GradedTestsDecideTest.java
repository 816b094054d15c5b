package mmapkit.invariants;

import static mmapkit.invariants.FixtureKit.MODULE_01;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import mmapkit.course.grading.Grader;
import mmapkit.course.grading.KitModule;
import mmapkit.course.grading.ModuleResult;
import mmapkit.course.grading.Target;
import mmapkit.course.grading.TaskResult;
import mmapkit.course.grading.TestResult;
import mmapkit.course.stubs.StubGenerator;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The graded tests decide: every one passes on the reference solution, and every one fails on
 * the starter code the stub generator makes. A test the stub passes asserts nothing about the
 * exercise; a test the solution fails grades learners against a wrong answer. Also:
 * {@code exercises/} is exactly what the generator makes.
 *
 * <p>The tests run through the same grader as {@code ./course grade}, so this also proves that
 * grading the solutions gives full points and grading the stubs gives none.
 */
class GradedTestsDecideTest {

    private static final Duration TEST_TIMEOUT = Duration.ofSeconds(120);

    @TestFactory
    Stream<DynamicTest> everyGradedTestOfTheKitDecides() {
        KitLayout kit = KitLayout.ofBuild();
        Path cache = kit.root().resolve("lessons/kit-invariants/target/grading-cache");
        Grader grader = new Grader(kit.root(), cache, TEST_TIMEOUT);
        return kit.modules().stream().flatMap(module -> {
            KitModule kitModule = new KitModule(kit.root(), module.folder());
            return Stream.of(
                    dynamicTest(module + ": exercises/ is what the stub generator makes",
                            () -> Problems.assertNone("exercises/" + module, generatedProblems(kit, module))),
                    dynamicTest(module + ": every graded test passes on solutions/",
                            () -> Problems.assertNone("solutions/" + module, solutionProblems(grader.grade(kitModule, Target.SOLUTIONS)))),
                    dynamicTest(module + ": every graded test fails on the generated stubs",
                            () -> Problems.assertNone("the stubs of " + module, stubProblems(grader, kitModule,
                                    kit.root().resolve("lessons/kit-invariants/target/fresh-stubs")))));
        });
    }

    static List<String> generatedProblems(KitLayout kit, CourseModule module) {
        return StubGenerator.check(kit.toolkit(KitLayout.Side.SOLUTIONS, module), kit.toolkit(KitLayout.Side.EXERCISES, module))
                .stream()
                .map(difference -> "exercises/" + module + "/" + difference + ": exercises/ is generated, never edited;"
                        + " run ./course generate " + module.number() + " and commit the result")
                .toList();
    }

    /** What keeps the reference solution from full points. */
    static List<String> solutionProblems(ModuleResult solutions) {
        List<String> problems = new ArrayList<>();
        if (solutions.problem() != null) {
            problems.add(solutions.problem().kind() + ": " + solutions.problem().message());
            return problems;
        }
        for (TaskResult task : solutions.tasks()) {
            for (TestResult test : task.tests()) {
                if (test.failed()) {
                    problems.add("task " + task.id() + ": " + test.testClass() + " > " + test.name()
                            + " fails on the reference solution: fix the solution or the test\n" + test.message());
                }
            }
            if (task.tests().isEmpty()) {
                problems.add("task " + task.id() + " ran no test on the reference solution");
            }
        }
        return problems;
    }

    /** Every graded test the freshly generated stubs do not fail. */
    static List<String> stubProblems(Grader grader, KitModule module, Path scratch) {
        Path stubs = scratch.resolve(module.folder());
        try {
            deleteTree(stubs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        StubGenerator.write(module.root().resolve("solutions").resolve(module.folder()), stubs);
        ModuleResult result = grader.grade(module, "fresh-stubs", stubs.resolve("src/main/java"), Optional.empty());
        List<String> problems = new ArrayList<>();
        if (result.problem() != null) {
            problems.add("the stubs cannot be graded (" + result.problem().kind() + "): the generated starter code must"
                    + " compile and run the graded tests\n" + result.problem().message());
            return problems;
        }
        for (TaskResult task : result.tasks()) {
            if (task.tests().isEmpty()) {
                problems.add("task " + task.id() + " ran no test on the stubs");
            }
            for (TestResult test : task.tests()) {
                if (test.passed()) {
                    problems.add("task " + task.id() + ": " + test.testClass() + " > " + test.name() + " passes on the"
                            + " untouched stub, so it asserts nothing the exercise asks for: make it check what the"
                            + " learner writes (or move the code it needs into the task's SOLUTION region)");
                }
            }
        }
        if (result.earned() != 0) {
            problems.add("the untouched stubs earn " + result.earned() + " points; they must earn 0");
        }
        return problems;
    }

    private static void deleteTree(Path folder) throws IOException {
        if (Files.exists(folder)) {
            try (Stream<Path> walk = Files.walk(folder)) {
                for (Path path : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }

    /** The checks above, on fixture kits. */
    @Nested
    class TheChecksReport {

        @TempDir
        Path root;

        private Grader grader() {
            return new Grader(root, root.resolve(".cache"), Duration.ofSeconds(20));
        }

        @Test
        void aTestThatTheStubPasses() {
            FixtureKit.cleanModule01(root); // its AlignDownTest asserts nothing, so the stub passes it
            List<String> problems = stubProblems(grader(), new KitModule(root, MODULE_01), root.resolve("scratch"));
            assertThat(problems).hasSize(3);
            assertThat(problems.getFirst()).startsWith("task 01.1: AlignDownTest > ")
                    .contains("passes on the untouched stub, so it asserts nothing the exercise asks for");
            assertThat(problems.getLast()).isEqualTo("the untouched stubs earn 10 points; they must earn 0");
        }

        @Test
        void aTestThatFailsOnTheSolution() {
            FixtureKit.cleanModule01(root).gradedTest(MODULE_01, """
                    package mmapkit.mapping;

                    import static org.assertj.core.api.Assertions.assertThat;

                    @mmapkit.course.Task(id = "01.1", points = 10, title = "Round down to a page")
                    class AlignDownTest {
                        @org.junit.jupiter.api.Test
                        void roundsDown() {
                            assertThat(Pages.alignDown(4097, 4096)).as("4097 rounded down to a page").isEqualTo(4097);
                        }
                    }
                    """);
            ModuleResult solutions = grader().grade(new KitModule(root, MODULE_01), Target.SOLUTIONS);
            assertThat(solutionProblems(solutions)).singleElement().asString()
                    .startsWith("task 01.1: AlignDownTest > roundsDown() fails on the reference solution")
                    .contains("4097 rounded down to a page");
        }

        @Test
        void exercisesEditedByHand() {
            FixtureKit fixture = FixtureKit.cleanModule01(root).exercise(MODULE_01, """
                    package mmapkit.mapping;

                    public final class Extra {
                    }
                    """);
            KitLayout kit = fixture.build();
            assertThat(generatedProblems(kit, new CourseModule(MODULE_01))).singleElement().asString()
                    .startsWith("exercises/01-mapping/src/main/java/mmapkit/mapping/Extra.java: is not generated from the solution")
                    .endsWith("run ./course generate 01 and commit the result");
        }
    }
}
