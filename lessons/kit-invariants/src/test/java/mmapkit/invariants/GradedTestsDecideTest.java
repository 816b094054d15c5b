package mmapkit.invariants;

import static mmapkit.invariants.FixtureKit.MODULE_01;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import mmapkit.course.grading.Grader;
import mmapkit.course.grading.KitModule;
import mmapkit.course.model.ModuleResult;
import mmapkit.course.model.Target;
import mmapkit.course.model.TaskResult;
import mmapkit.course.model.TestResult;
import mmapkit.course.stubs.StubGenerator;
import org.junit.jupiter.api.DynamicContainer;
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
 * {@code exercises/} is generated from the current solutions (its manifest is what the generator
 * makes now); a learner's work in it is a note, never a failure. Nothing here grades
 * {@code exercises/} itself: the stubs graded are generated afresh into {@code target/fresh-stubs}.
 *
 * <p>The tests run through the same grader as {@code ./course grade}, so this also proves that
 * grading the solutions gives full points and grading the stubs gives none.
 */
class GradedTestsDecideTest {

    private static final Duration TEST_TIMEOUT = Duration.ofSeconds(120);

    /**
     * Per module: exercises/ is generated; then, per task, a verdict on the solution and one on
     * the stubs (the module is graded once for each, when its container runs).
     */
    @TestFactory
    Stream<DynamicContainer> everyGradedTestOfTheKitDecides() {
        KitLayout kit = KitLayout.ofBuild();
        Path cache = kit.root().resolve("lessons/kit-invariants/target/grading-cache");
        Grader grader = new Grader(kit.root(), cache, TEST_TIMEOUT);
        return kit.modules().stream().map(module -> {
            KitModule kitModule = new KitModule(kit.root(), module.folder());
            return dynamicContainer(module.folder(), Stream.of(
                    dynamicTest("exercises/ is generated from the current solutions/",
                            () -> {
                                learnersWork(kit, module).ifPresent(System.out::println);
                                Problems.assertNone("exercises/" + module, generatedProblems(kit, module));
                            }),
                    dynamicContainer("every graded test passes on solutions/", Stream.of(kitModule).flatMap(graded -> {
                        ModuleResult solutions = grader.grade(graded, Target.SOLUTIONS);
                        return Stream.concat(
                                Stream.of(dynamicTest("the module can be graded", () -> Problems.assertNone(
                                        "solutions/" + module, moduleProblems(solutions)))),
                                solutions.tasks().stream().map(task -> dynamicTest(task.id() + " " + task.title(),
                                        () -> Problems.assertNone("task " + task.id() + " on solutions/" + module,
                                                solutionProblems(task)))));
                    })),
                    dynamicContainer("every graded test fails on the fresh stubs", Stream.of(kitModule).flatMap(graded -> {
                        ModuleResult stubs = gradeFreshStubs(grader, graded,
                                kit.root().resolve("lessons/kit-invariants/target/fresh-stubs"));
                        return Stream.concat(
                                Stream.of(dynamicTest("the stubs compile and can be graded", () -> Problems.assertNone(
                                        "the stubs of " + module, stubModuleProblems(stubs)))),
                                stubs.tasks().stream().map(task -> dynamicTest(task.id() + " " + task.title(),
                                        () -> Problems.assertNone("task " + task.id() + " on the stubs of " + module,
                                                stubProblems(task)))));
                    }))));
        });
    }

    /**
     * Where {@code exercises/NN} is not generated from the solutions as they are now: its manifest
     * ({@code exercises/NN/.generated-stubs}, what the generator wrote) differs from what the
     * generator makes today, because a solution changed and the exercise was not generated again.
     * A learner's edits of the exercise files are no problem here (see {@link #learnersWork}).
     */
    static List<String> generatedProblems(KitLayout kit, CourseModule module) {
        return StubGenerator.checkManifest(kit.toolkit(KitLayout.Side.SOLUTIONS, module), kit.toolkit(KitLayout.Side.EXERCISES, module))
                .stream()
                .map(difference -> "exercises/" + module + "/" + difference + ": run ./course generate " + module.number()
                        + " and commit exercises/" + module + " (it never overwrites a learner's work without --force)")
                .toList();
    }

    /**
     * A short note when {@code exercises/NN} holds work that the generator did not write (a
     * learner's solutions and experiments): never a failure. The checks of {@code exercises/}
     * then look at the exercise as the generator makes it ({@link KitLayout#toolkitClasses}).
     */
    static Optional<String> learnersWork(KitLayout kit, CourseModule module) {
        List<StubGenerator.Difference> changes = StubGenerator.learnerChanges(kit.toolkit(KitLayout.Side.EXERCISES, module));
        if (changes.isEmpty()) {
            return Optional.empty();
        }
        List<String> shown = changes.stream().limit(5).map(change -> change.path() + " (" + change.problem() + ")").toList();
        return Optional.of("NOTE exercises/" + module + " holds your own work, which the kit's checks leave alone: "
                + String.join(", ", shown) + (changes.size() > shown.size() ? " and " + (changes.size() - shown.size())
                + " more" : "") + ". (Maintainers: `./course generate --check` lists every difference.)");
    }

    /** Why a module could not be graded at all. */
    static List<String> moduleProblems(ModuleResult result) {
        return result.problem() == null ? List.of() : List.of(result.problem().kind() + ": " + result.problem().message());
    }

    /** Every test of a task that does not pass on the reference solution. */
    static List<String> solutionProblems(TaskResult task) {
        List<String> problems = new ArrayList<>();
        if (task.tests().isEmpty()) {
            problems.add("task " + task.id() + " ran no test on the reference solution");
        }
        for (TestResult test : task.tests()) {
            boolean skippedWithReason = test.status() == TestResult.Status.SKIPPED && test.message() != null
                    && !test.message().isBlank();
            if (!test.passed() && !skippedWithReason) {
                // a feature this kernel lacks may skip a test, with its reason; nothing else may
                problems.add("task " + task.id() + ": " + test.testClass() + " > " + test.name() + " "
                        + (test.failed() ? "fails" : "is skipped without a reason") + " on the reference solution:"
                        + " fix the solution or the test\n" + test.message());
            }
        }
        if (!task.tests().isEmpty() && task.tests().stream().allMatch(test -> test.status() == TestResult.Status.SKIPPED)) {
            problems.add("task " + task.id() + ": every test was skipped on the reference solution, so it cannot earn"
                    + " its points on this machine: give it tests that run everywhere, next to the skipped ones");
        }
        return problems;
    }

    /** What keeps the reference solution from full points, over all tasks. */
    static List<String> solutionProblems(ModuleResult solutions) {
        List<String> problems = new ArrayList<>(moduleProblems(solutions));
        if (problems.isEmpty()) {
            solutions.tasks().forEach(task -> problems.addAll(solutionProblems(task)));
        }
        return problems;
    }

    /** Grades stubs freshly generated from the solution into {@code scratch}. */
    static ModuleResult gradeFreshStubs(Grader grader, KitModule module, Path scratch) {
        Path stubs = scratch.resolve(module.folder());
        try {
            deleteTree(stubs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        StubGenerator.write(module.root().resolve("solutions").resolve(module.folder()), stubs);
        return grader.grade(module, "fresh-stubs", stubs.resolve("src/main/java"), Optional.empty());
    }

    static List<String> stubModuleProblems(ModuleResult stubs) {
        if (stubs.problem() != null) {
            return List.of("the stubs cannot be graded (" + stubs.problem().kind() + "): the generated starter code must"
                    + " compile and run the graded tests\n" + stubs.problem().message());
        }
        return stubs.earned() == 0 ? List.of() : List.of("the untouched stubs earn " + stubs.earned() + " points; they must earn 0");
    }

    /** Every test of a task that the untouched stub does not fail. */
    static List<String> stubProblems(TaskResult task) {
        List<String> problems = new ArrayList<>();
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
        return problems;
    }

    /** Every graded test the freshly generated stubs do not fail, over all tasks. */
    static List<String> stubProblems(Grader grader, KitModule module, Path scratch) {
        ModuleResult result = gradeFreshStubs(grader, module, scratch);
        List<String> problems = new ArrayList<>();
        if (result.problem() != null) {
            return stubModuleProblems(result);
        }
        result.tasks().forEach(task -> problems.addAll(stubProblems(task)));
        problems.addAll(stubModuleProblems(result));
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
        void aSolutionChangedWithoutGeneratingTheExerciseAgain() {
            FixtureKit fixture = FixtureKit.cleanModule01(root).solution(MODULE_01, """
                    package mmapkit.mapping;

                    public final class Extra {
                    }
                    """);
            KitLayout kit = fixture.build();
            assertThat(generatedProblems(kit, new CourseModule(MODULE_01))).singleElement().asString()
                    .isEqualTo("exercises/01-mapping/src/main/java/mmapkit/mapping/Extra.java: is generated from the"
                            + " solution now, but the exercise was generated without it: run ./course generate 01 and"
                            + " commit exercises/01-mapping (it never overwrites a learner's work without --force)");
        }

        @Test
        void aLearnersWorkInExercisesAsANoteNotAProblem() {
            FixtureKit fixture = FixtureKit.cleanModule01(root)
                    .exercise(MODULE_01, """
                            package mmapkit.mapping;

                            /** Page arithmetic. */
                            public final class Pages {
                                private Pages() {
                                }

                                public static long alignDown(long offset, long pageSize) {
                                    return offset / pageSize * pageSize;
                                }
                            }
                            """)
                    .exercise(MODULE_01, """
                            package mmapkit.mapping;

                            public final class MyExperiment {
                                public static void main(String[] args) {
                                    System.exit(0);
                                }
                            }
                            """);
            KitLayout kit = fixture.build();
            CourseModule module = new CourseModule(MODULE_01);
            assertThat(generatedProblems(kit, module)).isEmpty();
            assertThat(learnersWork(kit, module)).hasValueSatisfying(note -> assertThat(note)
                    .startsWith("NOTE exercises/01-mapping holds your own work, which the kit's checks leave alone:")
                    .contains("src/main/java/mmapkit/mapping/MyExperiment.java (added)",
                            "src/main/java/mmapkit/mapping/Pages.java (changed)"));
            // the API and architecture checks look at the generated exercise, not at the learner's extra class
            assertThat(SamePublicApiTest.differences(kit, module)).isEmpty();
            assertThat(ArchitectureRulesTest.classProblems(kit, module)).isEmpty();
        }
    }
}
