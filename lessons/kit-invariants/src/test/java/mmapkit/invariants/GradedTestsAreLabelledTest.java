package mmapkit.invariants;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noMethods;
import static mmapkit.invariants.FixtureKit.MODULE_01;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaAnnotation;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import mmapkit.course.Task;
import mmapkit.course.stubs.StubGenerator;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Every graded test belongs to one task that the learner can find everywhere: its {@link Task}
 * gives the id, points and title; the id names a hint ({@code lessons/NN-name/hints/NN.T.adoc})
 * and the solution regions ({@code // SOLUTION-BEGIN NN.T}) that the learner writes. No graded
 * test is disabled: a disabled test grades nothing.
 */
class GradedTestsAreLabelledTest {

    /** A task id: the module number, a dot, the task number ({@code 01.3}). */
    static final Pattern TASK_ID = Pattern.compile("(\\d{2})\\.([1-9]\\d*)");

    private static final List<Class<? extends Annotation>> TEST_ANNOTATIONS =
            List.of(Test.class, ParameterizedTest.class, RepeatedTest.class, TestFactory.class, TestTemplate.class);

    private static final DescribedPredicate<JavaAnnotation<?>> DISABLING = describe("@Disabled or @Disabled...",
            annotation -> annotation.getRawType().getName().matches("org\\.junit\\.jupiter\\.api\\.(condition\\.)?Disabled\\w*"));

    static final ArchRule NOTHING_DISABLED = CompositeArchRule
            .of(noClasses().should().beMetaAnnotatedWith(DISABLING))
            .and(noMethods().should().beMetaAnnotatedWith(DISABLING))
            .as("no graded test class or method should be @Disabled or @Disabled...")
            .because("a disabled test grades nothing and hides a broken exercise: fix the test, or delete it"
                    + " and move its points to the task's other tests");

    @TestFactory
    Stream<DynamicTest> everyGradedTestOfTheKitIsLabelled() {
        KitLayout kit = KitLayout.ofBuild();
        return kit.modules().stream().map(module -> dynamicTest(module.folder(),
                () -> Problems.assertNone("lessons/" + module, problems(kit, module))));
    }

    static List<String> problems(KitLayout kit, CourseModule module) {
        JavaClasses classes = kit.importClasses(kit.gradedTestClasses(module));
        List<String> problems = new ArrayList<>(labelProblems(classes, module));
        EvaluationResult disabled = NOTHING_DISABLED.evaluate(classes);
        if (disabled.hasViolation()) {
            problems.add(disabled.getFailureReport().toString());
        }
        Set<String> taskIds = GradedTask.in(classes).stream().map(GradedTask::id).collect(Collectors.toCollection(TreeSet::new));
        problems.addAll(hintProblems(kit, module, taskIds));
        problems.addAll(solutionRegionProblems(kit, module, taskIds));
        for (Path source : kit.javaFiles(kit.lessons(module).resolve("src/test/java"))) {
            problems.addAll(lateDescriptions(kit.relative(source), read(source)));
        }
        return problems;
    }

    private static final Pattern CHECKS_AT_ONCE = Pattern.compile("\\b(assertThatThrownBy|isThrownBy)\\(");
    private static final Pattern DESCRIPTION = Pattern.compile("\\s*\\.(as|describedAs)\\(");

    /**
     * Descriptions AssertJ never shows: {@code assertThatThrownBy(...)} and {@code isThrownBy(...)}
     * check at once that something was thrown, so a {@code .as(...)} after them is lost exactly when
     * the learner's code throws nothing (the learner reads "Expecting code to raise a throwable.").
     */
    static List<String> lateDescriptions(String file, String source) {
        List<String> problems = new ArrayList<>();
        Matcher call = CHECKS_AT_ONCE.matcher(source);
        while (call.find()) {
            int close = closingParenthesis(source, call.end() - 1);
            if (close > 0 && DESCRIPTION.matcher(source).region(close + 1, source.length()).lookingAt()) {
                int line = (int) source.substring(0, call.start()).chars().filter(c -> c == '\n').count() + 1;
                problems.add(file + ":" + line + ": " + call.group(1) + "(...) fails before its .as(...) is attached,"
                        + " so a learner whose code throws nothing never reads the description: write"
                        + " assertThat(catchThrowable(() -> ...)).as(\"...\").isInstanceOf(...) (see the Javadoc of @Task)");
            }
        }
        return problems;
    }

    /** The index of the parenthesis that closes the one at {@code open}, skipping literals; -1 when none. */
    private static int closingParenthesis(String source, int open) {
        int depth = 0;
        for (int i = open; i < source.length(); i++) {
            char c = source.charAt(i);
            if (source.startsWith("\"\"\"", i)) {
                int end = source.indexOf("\"\"\"", i + 3);
                if (end < 0) {
                    return -1;
                }
                i = end + 2;
            } else if (c == '"' || c == '\'') {
                i++;
                while (i < source.length() && source.charAt(i) != c) {
                    i += source.charAt(i) == '\\' ? 2 : 1;
                }
            } else if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return i;
            }
        }
        return -1;
    }

    /** Test classes without a task, tasks without tests, malformed and shared task ids. */
    private static List<String> labelProblems(JavaClasses classes, CourseModule module) {
        List<String> problems = new ArrayList<>();
        Set<String> labelledWithTests = new TreeSet<>();
        for (JavaClass testClass : classes.stream().filter(GradedTestsAreLabelledTest::isTestClass)
                .sorted(Comparator.comparing(JavaClass::getName)).toList()) {
            Optional<JavaClass> labelled = labelledOrEnclosing(testClass);
            if (labelled.isEmpty()) {
                problems.add(testClass.getName() + " has tests but no @Task: add @Task(id = \"" + module.number()
                        + ".T\", points = P, title = \"...\") to the class (a @Nested class may rely on its enclosing class's)");
            } else {
                labelledWithTests.add(labelled.get().getName());
            }
        }
        Map<String, List<String>> classesById = new TreeMap<>();
        for (GradedTask task : GradedTask.in(classes)) {
            classesById.computeIfAbsent(task.id(), id -> new ArrayList<>()).add(task.testClass());
            String where = task.testClass() + " has @Task(id = \"" + task.id() + "\")";
            Matcher id = TASK_ID.matcher(task.id());
            if (!id.matches() || !id.group(1).equals(module.number())) {
                problems.add(where + ": a task id of module " + module + " is " + module.number()
                        + ".T, the module number, a dot and the task number (such as " + module.number() + ".3)");
            }
            if (task.points() <= 0) {
                problems.add(where + " worth " + task.points() + " points: every task is worth at least 1 point");
            }
            if (task.title().isBlank()) {
                problems.add(where + " with a blank title: the title says in a few words what the learner builds");
            }
            if (!labelledWithTests.contains(task.testClass())) {
                problems.add(where + " but no test: a task without tests gives its points for nothing; add its tests");
            }
        }
        classesById.forEach((id, testClasses) -> {
            if (testClasses.size() > 1) {
                problems.add("task " + id + " is claimed by " + testClasses.size() + " classes " + testClasses
                        + ": one class holds all the tests of a task (a @Nested class can group them); merge them"
                        + " or give each its own task");
            }
        });
        return problems;
    }

    /** A concrete class that JUnit runs: it declares or inherits a test method. */
    static boolean isTestClass(JavaClass javaClass) {
        return !javaClass.isInterface() && !javaClass.getModifiers().contains(JavaModifier.ABSTRACT)
                && !javaClass.isAnonymousClass() && !javaClass.isLocalClass()
                && javaClass.getAllMethods().stream().anyMatch(method ->
                TEST_ANNOTATIONS.stream().anyMatch(method::isMetaAnnotatedWith));
    }

    private static Optional<JavaClass> labelledOrEnclosing(JavaClass testClass) {
        for (Optional<JavaClass> current = Optional.of(testClass); current.isPresent(); current = current.get().getEnclosingClass()) {
            if (current.get().isAnnotatedWith(Task.class)) {
                return current;
            }
        }
        return Optional.empty();
    }

    /** Every task has its hint, and every hint names a task. */
    private static List<String> hintProblems(KitLayout kit, CourseModule module, Set<String> taskIds) {
        List<String> problems = new ArrayList<>();
        for (String id : taskIds) {
            Path hint = kit.hint(module, id);
            if (!Files.isRegularFile(hint) || read(hint).isBlank()) {
                problems.add("task " + id + " has no hint: write " + kit.relative(hint)
                        + " (a few AsciiDoc paragraphs that point the way without giving the answer)");
            }
        }
        for (Path hint : files(kit.hints(module), ".adoc")) {
            String id = hint.getFileName().toString().replaceFirst("\\.adoc$", "");
            if (!taskIds.contains(id)) {
                problems.add(kit.relative(hint) + " names no task of module " + module + " " + taskIds
                        + ": rename it to the task it helps with, or delete it");
            }
        }
        return problems;
    }

    /** Every task has code to write in the solution, and every solution region names a task. */
    private static List<String> solutionRegionProblems(KitLayout kit, CourseModule module, Set<String> taskIds) {
        List<String> problems = new ArrayList<>();
        Set<String> regionIds = new TreeSet<>();
        Path solutions = kit.toolkit(KitLayout.Side.SOLUTIONS, module);
        for (Path source : kit.javaFiles(solutions)) {
            List<String> lines = read(source).lines().toList();
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (line.startsWith(StubGenerator.BEGIN)) {
                    String id = line.substring(StubGenerator.BEGIN.length()).strip();
                    regionIds.add(id);
                    if (!taskIds.contains(id)) {
                        problems.add(kit.relative(source) + ":" + (i + 1) + ": " + StubGenerator.BEGIN + " " + id
                                + " names no task of module " + module + " " + taskIds
                                + ": use the id of the task whose tests need this code");
                    }
                }
            }
        }
        for (String id : taskIds) {
            if (!regionIds.contains(id)) {
                problems.add("task " + id + " has no solution region: mark the code the learner writes for it in "
                        + kit.relative(solutions) + " with " + StubGenerator.BEGIN + " " + id + " ... "
                        + StubGenerator.END);
            }
        }
        return problems;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static List<Path> files(Path folder, String suffix) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(file -> file.getFileName().toString().endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder, e);
        }
    }

    /** The check above, on fixture kits whose graded tests are labelled wrongly. */
    @Nested
    class TheCheckReports {

        @TempDir
        Path root;

        private List<String> problemsOfModule01(FixtureKit fixture) {
            return problems(fixture.build(), new CourseModule(MODULE_01));
        }

        @Test
        void nothingWhenEveryTestIsLabelledAndEveryTaskHasItsHintAndRegion() {
            assertThat(problemsOfModule01(FixtureKit.cleanModule01(root)))
                    .as("the clean module 01, whose @Nested tests belong to the task of their enclosing class")
                    .isEmpty();
        }

        @Test
        void testsWithoutATaskAndTasksWithoutTests() {
            FixtureKit fixture = FixtureKit.cleanModule01(root).gradedTest(MODULE_01, """
                    package mmapkit.mapping;

                    import org.junit.jupiter.params.ParameterizedTest;
                    import org.junit.jupiter.params.provider.ValueSource;

                    class UnlabelledTest {
                        @ParameterizedTest
                        @ValueSource(ints = {1, 2})
                        void counts(int value) {
                        }
                    }
                    """).gradedTest(MODULE_01, """
                    package mmapkit.mapping;

                    @mmapkit.course.Task(id = "01.2", points = 5, title = "Nothing to test")
                    class EmptyTaskTest {
                        void notATest() {
                        }
                    }
                    """).file("lessons/01-mapping/hints/01.2.adoc", "A hint.\n");
            assertThat(problemsOfModule01(fixture)).containsExactly(
                    "mmapkit.mapping.UnlabelledTest has tests but no @Task: add @Task(id = \"01.T\", points = P,"
                            + " title = \"...\") to the class (a @Nested class may rely on its enclosing class's)",
                    "mmapkit.mapping.EmptyTaskTest has @Task(id = \"01.2\") but no test: a task without tests gives"
                            + " its points for nothing; add its tests",
                    "task 01.2 has no solution region: mark the code the learner writes for it in solutions/01-mapping"
                            + " with // SOLUTION-BEGIN 01.2 ... // SOLUTION-END");
        }

        @Test
        void badLabels() {
            FixtureKit fixture = FixtureKit.cleanModule01(root).gradedTest(MODULE_01, """
                    package mmapkit.mapping;

                    import mmapkit.course.Task;
                    import org.junit.jupiter.api.RepeatedTest;

                    @Task(id = "02.1", points = 0, title = " ")
                    class MislabelledTest {
                        @RepeatedTest(2)
                        void again() {
                        }
                    }
                    """).gradedTest(MODULE_01, """
                    package mmapkit.mapping;

                    import mmapkit.course.Task;
                    import org.junit.jupiter.api.DynamicTest;
                    import org.junit.jupiter.api.TestFactory;
                    import java.util.stream.Stream;

                    @Task(id = "01.1", points = 5, title = "Round down again")
                    class SecondAlignDownTest {
                        @TestFactory
                        Stream<DynamicTest> more() {
                            return Stream.empty();
                        }
                    }
                    """);
            assertThat(problemsOfModule01(fixture)).containsExactly(
                    "mmapkit.mapping.MislabelledTest has @Task(id = \"02.1\"): a task id of module 01-mapping is 01.T,"
                            + " the module number, a dot and the task number (such as 01.3)",
                    "mmapkit.mapping.MislabelledTest has @Task(id = \"02.1\") worth 0 points: every task is worth at least 1 point",
                    "mmapkit.mapping.MislabelledTest has @Task(id = \"02.1\") with a blank title: the title says in a few"
                            + " words what the learner builds",
                    "task 01.1 is claimed by 2 classes [mmapkit.mapping.AlignDownTest, mmapkit.mapping.SecondAlignDownTest]:"
                            + " one class holds all the tests of a task (a @Nested class can group them); merge them or give"
                            + " each its own task",
                    "task 02.1 has no hint: write lessons/01-mapping/hints/02.1.adoc (a few AsciiDoc paragraphs that"
                            + " point the way without giving the answer)",
                    "task 02.1 has no solution region: mark the code the learner writes for it in solutions/01-mapping"
                            + " with // SOLUTION-BEGIN 02.1 ... // SOLUTION-END");
        }

        @Test
        void disabledTests() {
            FixtureKit fixture = FixtureKit.cleanModule01(root).gradedTest(MODULE_01, """
                    package mmapkit.mapping;

                    import mmapkit.course.Task;
                    import org.junit.jupiter.api.Disabled;
                    import org.junit.jupiter.api.Test;
                    import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
                    import org.junit.jupiter.api.condition.DisabledOnOs;
                    import org.junit.jupiter.api.condition.OS;

                    @Task(id = "01.1", points = 10, title = "Round down to a page")
                    @DisabledOnOs(OS.WINDOWS)
                    class AlignDownTest {
                        @Test
                        @Disabled("flaky")
                        void roundsDown() {
                        }

                        @Test
                        @DisabledIfSystemProperty(named = "ci", matches = "true")
                        void staysPut() {
                        }
                    }
                    """);
            assertThat(problemsOfModule01(fixture)).singleElement().asString()
                    .contains("no graded test class or method should be @Disabled or @Disabled...")
                    .contains("Class <mmapkit.mapping.AlignDownTest> is meta-annotated with @Disabled or @Disabled...")
                    .contains("Method <mmapkit.mapping.AlignDownTest.roundsDown()> is meta-annotated with")
                    .contains("Method <mmapkit.mapping.AlignDownTest.staysPut()> is meta-annotated with")
                    .contains("fix the test, or delete it");
        }

        @Test
        void hintsAndSolutionRegionsThatNameNoTask() {
            FixtureKit fixture = FixtureKit.cleanModule01(root)
                    .delete("lessons/01-mapping/hints/01.1.adoc")
                    .file("lessons/01-mapping/hints/01.7.adoc", "A hint for nothing.\n")
                    .solution(MODULE_01, """
                            package mmapkit.mapping;

                            final class Leftover {
                                static long value() {
                                    // SOLUTION-BEGIN 01.9
                                    return 1;
                                    // SOLUTION-END
                                }
                            }
                            """);
            assertThat(problemsOfModule01(fixture)).containsExactly(
                    "task 01.1 has no hint: write lessons/01-mapping/hints/01.1.adoc (a few AsciiDoc paragraphs that"
                            + " point the way without giving the answer)",
                    "lessons/01-mapping/hints/01.7.adoc names no task of module 01-mapping [01.1]: rename it to the"
                            + " task it helps with, or delete it",
                    "solutions/01-mapping/src/main/java/mmapkit/mapping/Leftover.java:5: // SOLUTION-BEGIN 01.9 names"
                            + " no task of module 01-mapping [01.1]: use the id of the task whose tests need this code");
        }

        @Test
        void aModuleWithoutGradedTests() {
            FixtureKit fixture = FixtureKit.cleanModule01(root).delete("lessons/01-mapping/src");
            assertThatThrownBy(() -> problemsOfModule01(fixture))
                    .hasMessage("module 01-mapping has no graded tests: lessons/01-mapping/src/test/java holds no Java"
                            + " source; write one @Task test class per exercise");
        }

        @Test
        void aDescriptionAttachedAfterTheCheckThatSomethingWasThrown() {
            String source = """
                    class T {
                        void t() {
                            assertThatThrownBy(() -> Pages.alignUp(call(")", '(')))
                                    .as("alignUp(MAX) must be refused").isInstanceOf(IllegalArgumentException.class);
                            assertThat(catchThrowable(() -> Pages.alignUp(1))).as("fine").isNull();
                            assertThatThrownBy(() -> Pages.alignUp(2)).isInstanceOf(IllegalArgumentException.class);
                            assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> x()).describedAs("late");
                        }
                    }
                    """;
            assertThat(lateDescriptions("T.java", source)).containsExactly(
                    "T.java:3: assertThatThrownBy(...) fails before its .as(...) is attached, so a learner whose code"
                            + " throws nothing never reads the description: write assertThat(catchThrowable(() -> ...))"
                            + ".as(\"...\").isInstanceOf(...) (see the Javadoc of @Task)",
                    "T.java:7: isThrownBy(...) fails before its .as(...) is attached, so a learner whose code"
                            + " throws nothing never reads the description: write assertThat(catchThrowable(() -> ...))"
                            + ".as(\"...\").isInstanceOf(...) (see the Javadoc of @Task)");
        }
    }
}
