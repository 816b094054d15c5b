package mmapkit.invariants;

import static mmapkit.invariants.FixtureKit.MODULE_01;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The book and the graded tests tell the learner the same thing: each module has a chapter, and
 * its exercises are exactly the module's tasks, each under the anchor {@code [[task-NN-T]]} with
 * the section title "Exercise NN.T: title (points points)" that its {@code @Task} gives.
 */
class BookMatchesTasksTest {

    /** {@code [[task-01-3]]}, optionally with a reference text: {@code [[task-01-3,Exercise 01.3]]}. */
    private static final Pattern ANCHOR = Pattern.compile("\\[\\[task-(\\d{2})-(\\d+)(?:,[^\\]]*)?]]");
    private static final Pattern SECTION_TITLE = Pattern.compile("=+ (.+)");

    @TestFactory
    Stream<DynamicTest> everyChapterOfTheKitMatchesItsTasks() {
        KitLayout kit = KitLayout.ofBuild();
        return kit.modules().stream().map(module -> dynamicTest(module.folder(),
                () -> Problems.assertNone("the book's chapter of " + module, problems(kit, module))));
    }

    /** An exercise anchor in a chapter and the section title under it (null when there is none). */
    private record Exercise(String taskId, String location, String title, String titleLocation) {
    }

    static List<String> problems(KitLayout kit, CourseModule module) {
        List<Path> chapters = chapters(kit, module);
        if (chapters.isEmpty()) {
            return List.of("module " + module + " has no chapter: write " + kit.relative(kit.chapters()) + "/"
                    + module.number() + "-<name>.adoc with one section per task, each under its anchor, such as"
                    + " [[task-" + module.number() + "-1]] followed by === Exercise " + module.number()
                    + ".1: <title> (<points> points)");
        }
        Map<String, GradedTask> tasks = GradedTask.of(kit, module).stream()
                .collect(Collectors.toMap(GradedTask::id, Function.identity(), (first, second) -> first, LinkedHashMap::new));
        List<Exercise> exercises = chapters.stream().flatMap(chapter -> exercises(kit, chapter).stream()).toList();
        String chapterNames = chapters.stream().map(kit::relative).collect(Collectors.joining(", "));
        List<String> problems = new ArrayList<>();
        for (GradedTask task : tasks.values()) {
            List<Exercise> sections = exercises.stream().filter(exercise -> exercise.taskId().equals(task.id())).toList();
            if (sections.isEmpty()) {
                problems.add("task " + task.id() + " has no exercise in " + chapterNames + ": add the anchor [[task-"
                        + task.id().replace('.', '-') + "]] and under it the section title === " + task.exerciseTitle());
            } else if (sections.size() > 1) {
                problems.add("task " + task.id() + " has " + sections.size() + " exercises, at "
                        + sections.stream().map(Exercise::location).toList() + ": keep one");
            }
            for (Exercise section : sections) {
                if (section.title() == null) {
                    problems.add(section.location() + ": the anchor of task " + task.id() + " is not followed by a"
                            + " section title: write === " + task.exerciseTitle() + " under it");
                } else if (!section.title().equals(task.exerciseTitle())) {
                    problems.add(section.titleLocation() + ": the title '" + section.title() + "' should read '"
                            + task.exerciseTitle() + "', as @Task of " + task.testClass()
                            + " says: change the title or the @Task");
                }
            }
        }
        for (Exercise exercise : exercises) {
            if (!tasks.containsKey(exercise.taskId())) {
                problems.add(exercise.location() + ": the anchor [[task-" + exercise.taskId().replace('.', '-')
                        + "]] names no task of module " + module + " " + tasks.keySet()
                        + ": a chapter's exercises are exactly its module's @Task classes; fix the id or write the task's tests");
            }
        }
        return problems;
    }

    /** The chapter files of a module: {@code NN-*.adoc} (a chapter may be split into parts). */
    private static List<Path> chapters(KitLayout kit, CourseModule module) {
        if (!Files.isDirectory(kit.chapters())) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(kit.chapters())) {
            return files.filter(file -> file.getFileName().toString().matches(module.number() + "-.*\\.adoc")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + kit.chapters(), e);
        }
    }

    private static List<Exercise> exercises(KitLayout kit, Path chapter) {
        List<String> lines;
        try {
            lines = Files.readAllLines(chapter);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + chapter, e);
        }
        List<Exercise> exercises = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher anchor = ANCHOR.matcher(lines.get(i).strip());
            if (anchor.matches()) {
                int titleLine = sectionTitleAfter(lines, i);
                String title = titleLine < 0 ? null : SECTION_TITLE.matcher(lines.get(titleLine).strip()).replaceFirst("$1").strip();
                exercises.add(new Exercise(anchor.group(1) + "." + anchor.group(2), kit.relative(chapter) + ":" + (i + 1),
                        title, kit.relative(chapter) + ":" + (titleLine + 1)));
            }
        }
        return exercises;
    }

    /**
     * The line of the section title an anchor opens: the next line that is neither blank nor an
     * attribute list; -1 when that line is no section title.
     */
    private static int sectionTitleAfter(List<String> lines, int anchorLine) {
        for (int i = anchorLine + 1; i < lines.size(); i++) {
            String text = lines.get(i).strip();
            if (!text.isEmpty() && !text.startsWith("[")) {
                return SECTION_TITLE.matcher(text).matches() ? i : -1;
            }
        }
        return -1;
    }

    /** The check above, on fixture kits whose chapter and tasks disagree. */
    @Nested
    class TheCheckReports {

        private static final String CHAPTER = "book/src/docs/asciidoc/chapters/01-mapping.adoc";

        @TempDir
        Path root;

        private List<String> problemsOfModule01(FixtureKit fixture) {
            return problems(fixture.build(), new CourseModule(MODULE_01));
        }

        @Test
        void nothingWhenEveryTaskHasItsExercise() {
            assertThat(problemsOfModule01(FixtureKit.cleanModule01(root))).isEmpty();
        }

        @Test
        void aModuleWithoutAChapter() {
            FixtureKit fixture = FixtureKit.cleanModule01(root)
                    .delete(CHAPTER)
                    .file("book/src/docs/asciidoc/chapters/02-lazy-faulting.adoc", "== Faults\n");
            assertThat(problemsOfModule01(fixture)).containsExactly(
                    "module 01-mapping has no chapter: write book/src/docs/asciidoc/chapters/01-<name>.adoc with one"
                            + " section per task, each under its anchor, such as [[task-01-1]] followed by"
                            + " === Exercise 01.1: <title> (<points> points)");
        }

        @Test
        void exercisesThatDoNotMatchTheTasks() {
            FixtureKit fixture = FixtureKit.cleanModule01(root)
                    .file(CHAPTER, """
                            == Mapping files

                            [[task-01-1]]
                            [.exercise]
                            === Exercise 01.1: Round down (5 points)

                            [[task-01-4]]
                            === Exercise 01.4: Not graded anywhere (5 points)
                            """)
                    .file("book/src/docs/asciidoc/chapters/01-mapping-more.adoc", """
                            [[task-01-2]]
                            Some text, not a section.
                            """)
                    .gradedTest(MODULE_01, """
                            package mmapkit.mapping;

                            @mmapkit.course.Task(id = "01.2", points = 1, title = "Map a file")
                            class MapTest {
                                @org.junit.jupiter.api.Test
                                void maps() {
                                }
                            }
                            """)
                    .gradedTest(MODULE_01, """
                            package mmapkit.mapping;

                            @mmapkit.course.Task(id = "01.3", points = 20, title = "Unmap it")
                            class UnmapTest {
                                @org.junit.jupiter.api.Test
                                void unmaps() {
                                }
                            }
                            """);
            assertThat(problemsOfModule01(fixture)).containsExactly(
                    "book/src/docs/asciidoc/chapters/01-mapping.adoc:5: the title 'Exercise 01.1: Round down (5 points)'"
                            + " should read 'Exercise 01.1: Round down to a page (10 points)', as @Task of"
                            + " mmapkit.mapping.AlignDownTest says: change the title or the @Task",
                    "book/src/docs/asciidoc/chapters/01-mapping-more.adoc:1: the anchor of task 01.2 is not followed by"
                            + " a section title: write === Exercise 01.2: Map a file (1 point) under it",
                    "task 01.3 has no exercise in book/src/docs/asciidoc/chapters/01-mapping-more.adoc,"
                            + " book/src/docs/asciidoc/chapters/01-mapping.adoc: add the anchor [[task-01-3]] and under"
                            + " it the section title === Exercise 01.3: Unmap it (20 points)",
                    "book/src/docs/asciidoc/chapters/01-mapping.adoc:7: the anchor [[task-01-4]] names no task of module"
                            + " 01-mapping [01.1, 01.2, 01.3]: a chapter's exercises are exactly its module's @Task"
                            + " classes; fix the id or write the task's tests");
        }
    }
}
