package mmapkit.course.grading;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TaskInfoTest {

    @TempDir
    Path sources;

    @Test
    void tasksAreReadFromTheSyntaxTreeWhateverTheirTitlesHold() throws IOException {
        Path file = sources.resolve("mmapkit/demo/MapTest.java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, """
                package mmapkit.demo;

                import mmapkit.course.Task;

                /** A comment with @Task(id = "09.9", points = 99, title = "not a task") in it. */
                @Task(id = "01.3", points = 15,
                      title = "Map (and unmap) a file: \\"shared\\", " + "private")
                @SuppressWarnings("unused")
                final class MapTest {
                    String text = "@Task(id = \\"01.4\\", points = 1, title = \\"x\\") class Fake {}";
                }
                """);
        Files.writeString(sources.resolve("mmapkit/demo/OtherTest.java"), """
                package mmapkit.demo;

                @mmapkit.course.Task(title = "Second class of the task", points = 5, id = "01.3")
                class OtherTest {
                }
                """);
        Map<String, TaskInfo> tasks = TaskInfo.fromSources(sources);
        assertThat(tasks).containsOnlyKeys("01.3");
        assertThat(tasks.get("01.3")).isEqualTo(new TaskInfo("01.3", "Map (and unmap) a file: \"shared\", private", 15,
                java.util.List.of("mmapkit.demo.MapTest", "mmapkit.demo.OtherTest")));
    }
}
