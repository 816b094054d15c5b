package mmapkit.course.submission;

import static org.assertj.core.api.Assertions.assertThat;

import mmapkit.course.grading.DemoKit;
import mmapkit.course.grading.Grader;
import mmapkit.course.model.ModuleResult;
import mmapkit.course.model.Target;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The grading JVMs' class archive: made by the second check, used by the third, and never a reason
 * for a check to fail.
 */
class ChildClassArchiveTest {

    @TempDir
    Path root;

    DemoKit kit;
    Grader grader;
    Path archives;

    @BeforeEach
    void setUp() {
        kit = new DemoKit(root);
        grader = new Grader(root, root.resolve(".course/build"), Duration.ofSeconds(5));
        archives = root.resolve(".course/build/class-archives");
    }

    private int check() {
        ModuleResult result = OwnCodeCheck.check(grader, kit.module(), "solutions",
                kit.module().toolkitSources(Target.SOLUTIONS), Optional.empty(), Duration.ofSeconds(30),
                Duration.ofMinutes(2));
        assertThat(result.problem()).isNull();
        return result.earned();
    }

    private List<String> kept() throws IOException {
        try (Stream<Path> files = Files.list(archives)) {
            return files.map(file -> file.getFileName().toString().replaceFirst("^[0-9a-f]+", "")).sorted().toList();
        }
    }

    @Test
    void theFirstCheckListsTheClassesTheSecondMakesTheArchiveTheThirdUsesIt() throws IOException {
        assertThat(check()).isEqualTo(25);
        assertThat(kept()).as("the first grading JVM listed the classes it loaded").containsExactly(".classlist");
        assertThat(check()).isEqualTo(25);
        assertThat(kept()).as("the second check made the archive from that list").containsExactly(".jsa");
        ChildClassArchive archive = ChildClassArchive.of(archives, GradingTools.inPlace());
        assertThat(archive.jvmOptions()).anyMatch(option -> option.startsWith("-XX:SharedArchiveFile="));
        assertThat(check()).as("with the archive").isEqualTo(25);
    }

    @Test
    void aDamagedArchiveOnlyMeansTheJvmStartsWithoutIt() throws IOException {
        String key = ChildClassArchive.key(GradingTools.inPlace());
        Files.createDirectories(archives);
        Files.writeString(archives.resolve(key + ".jsa"), "not an archive");
        assertThat(check()).isEqualTo(25);
    }

    @Test
    void aListThatCannotBeMadeIntoAnArchiveIsNotTriedAgain() throws IOException {
        String key = ChildClassArchive.key(GradingTools.inPlace());
        Files.createDirectories(archives);
        Files.writeString(archives.resolve(key + ".classlist"), "no/Such/Class id: 1 super: 0 source: nowhere\n");
        assertThat(check()).isEqualTo(25);
        assertThat(check()).isEqualTo(25);
        assertThat(kept()).as("no archive; a mark that says so").doesNotContain(".jsa").contains(".failed");
        assertThat(ChildClassArchive.of(archives, GradingTools.inPlace()).jvmOptions())
                .noneMatch(option -> option.startsWith("-XX:SharedArchiveFile=") || option.startsWith("-XX:Dump"));
    }
}
