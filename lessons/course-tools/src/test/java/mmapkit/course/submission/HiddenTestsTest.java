package mmapkit.course.submission;

import mmapkit.course.grading.RealKit;
import mmapkit.course.grading.DemoKit;
import mmapkit.course.model.ModuleResult;
import mmapkit.course.model.TaskResult;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import mmapkit.course.report.GradeReport;
import mmapkit.course.report.JsonReport;
import mmapkit.course.report.MarkdownReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Hidden tests: graded with the visible ones under their own task ids, marked hidden in the reports. */
@Timeout(60)
class HiddenTestsTest {

    private static final String HIDDEN_TEST = """
            package mmapkit.demo;

            import static org.assertj.core.api.Assertions.assertThat;

            @mmapkit.course.Task(id = "%s", points = 7, title = "Add large numbers")
            class %s {
                @org.junit.jupiter.api.Test
                void addsLargeNumbers() {
                    assertThat(Adder.add(1L << 40, 1)).isEqualTo((1L << 40) + 1);
                }
            }
            """;

    @TempDir
    Path temp;

    private Path hidden(String id, String className) {
        Path hidden = temp.resolve("hidden-" + className + "-" + id);
        RealKit.write(hidden.resolve("01-demo/src/test/java/mmapkit/demo/" + className + ".java"), HIDDEN_TEST.formatted(id, className));
        return hidden;
    }

    @Test
    void hiddenTasksAreGradedWithTheVisibleOnesAndMarkedHidden() {
        DemoKit kit = new DemoKit(temp.resolve("kit"));
        Path hidden = hidden("01.H1", "AddLargeTest");
        RealKit.write(hidden.resolve("01-demo/hints/01.H1.adoc"), "Longs are 64 bits.\n");
        RealKit.copy(kit.root.resolve("solutions/01-demo/src/main/java"), temp.resolve("learner/exercises/01-demo/src/main/java"));
        SubmissionGrader grader = new SubmissionGrader(kit.root, Duration.ofSeconds(40), Duration.ofSeconds(5), "256m",
                new HiddenTests(hidden), Sandbox.none("turned off for this test"));
        ModuleResult result = grader.grade(temp.resolve("learner"), List.of(kit.module())).getFirst();
        assertThat(result.earned()).isEqualTo(32);
        assertThat(result.tasks()).extracting(TaskResult::id).containsExactly("01.1", "01.2", "01.H1");
        TaskResult hiddenTask = result.tasks().getLast();
        assertThat(hiddenTask.hidden()).isTrue();
        assertThat(hiddenTask.done()).isTrue();
        assertThat(hiddenTask.hint()).isEqualTo("hidden:01-demo/hints/01.H1.adoc");
        GradeReport report = new GradeReport("submission", List.of(result));
        assertThat(JsonReport.render(report)).contains("\"hidden\" : true");
        assertThat(JsonReport.parse(JsonReport.render(report)).modules().getFirst().tasks().getLast().hidden()).isTrue();
        assertThat(MarkdownReport.render(report)).contains("| 01.H1 (hidden) | Add large numbers | 7 / 7 |");

        Path nothing = temp.resolve("nothing");
        RealKit.write(nothing.resolve("README.md"), "nothing\n");
        ModuleResult missing = grader.grade(nothing, List.of(kit.module())).getFirst();
        assertThat(missing.possible()).as("a module not submitted still counts the hidden task").isEqualTo(32);
        assertThat(missing.tasks().getLast().hidden()).isTrue();
    }

    @Test
    void aHiddenTaskIdThatIsVisibleAlreadyIsRefusedNamingBothFiles() {
        DemoKit kit = new DemoKit(temp.resolve("kit"));
        Path hidden = hidden("01.2", "AddLargeTest");
        assertThatThrownBy(() -> new HiddenTests(hidden).validate(kit.root)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the hidden task id 01.2 of "
                        + hidden.resolve("01-demo/src/test/java/mmapkit/demo/AddLargeTest.java"))
                .hasMessageContaining("is already the id of the visible task in lessons/01-demo/src/test/java/mmapkit/demo/TwiceTest.java");
    }

    @Test
    void hiddenTestsMustFitTheKit() {
        DemoKit kit = new DemoKit(temp.resolve("kit"));
        assertThatThrownBy(() -> new HiddenTests(hidden("02.H1", "AddLargeTest")).validate(kit.root))
                .hasMessageContaining("the hidden task 02.H1").hasMessageContaining("its id must start with 01.");
        assertThatThrownBy(() -> new HiddenTests(hidden("01.H1", "TwiceTest")).validate(kit.root))
                .hasMessageContaining("has the path of the visible test lessons/01-demo/src/test/java/mmapkit/demo/TwiceTest.java");
        RealKit.write(temp.resolve("other/07-nowhere/src/test/java/X.java"), "class X {}\n");
        assertThatThrownBy(() -> new HiddenTests(temp.resolve("other")).validate(kit.root)).hasMessageContaining("is no module of the kit");
        assertThat(new HiddenTests(hidden("01.H1", "AddLargeTest")).validate(kit.root)).isEqualTo(Map.of("01-demo", Set.of("01.H1")));
    }
}
