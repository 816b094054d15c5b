package mmapkit.course.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import mmapkit.course.grading.KitModule;
import mmapkit.course.grading.RealKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The student export of the real kit's modules 01 and 02 (01's reference code released compiled,
 * since 02 builds on it): what it holds and leaves out, and that a fresh clone of it builds and
 * runs {@code ./course status}.
 */
class StudentExportTest {

    @TempDir
    Path temp;

    private List<KitModule> modules(String... folders) {
        return Stream.of(folders).map(folder -> new KitModule(RealKit.root(), folder)).toList();
    }

    @Test
    @Timeout(600)
    void aFreshCloneOfTheExportBuildsAndShowsTheLearnersStatus() throws Exception {
        Path out = temp.resolve("export");
        StudentExport.Summary summary = new StudentExport(RealKit.root())
                .export(out, modules("01-mapping", "02-lazy-faulting"), Map.of(), true);
        assertThat(summary.released()).isEqualTo(Map.of("01-mapping", StudentExport.Release.JAR));
        assertThat(summary.notes())
                .anyMatch(note -> note.startsWith("module 01-mapping is released compiled (jar): 02-lazy-faulting builds on it"));

        assertThat(out.resolve("exercises/01-mapping/src/main/java/mmapkit/mapping/Pages.java")).exists();
        assertThat(out.resolve("lessons/02-lazy-faulting/hints/02.1.adoc")).exists();
        assertThat(out.resolve("solutions/01-mapping/classes/mmapkit/mapping/Pages.class")).exists();
        assertThat(out.resolve("solutions/01-mapping/apidocs/mmapkit/mapping/Pages.html"))
                .as("a module released compiled comes with its API documentation").exists();
        assertThat(out.resolve("solutions/01-mapping/src")).as("no solution sources of an assigned module").doesNotExist();
        assertThat(out.resolve("solutions/02-lazy-faulting")).doesNotExist();
        assertThat(out.resolve("lessons/kit-invariants")).doesNotExist();
        assertThat(out.resolve("lessons/course-tools/src/test")).doesNotExist();
        assertThat(out.resolve("book/src")).doesNotExist();
        assertThat(out.resolve("lessons/03-dirty-tracking")).doesNotExist();
        assertThat(out.resolve(".github/workflows/classroom.yml")).content().contains("id: module02");
        assertThat(out.resolve("README.md")).content().contains("`01-mapping`: write your code in `exercises/01-mapping/`")
                .contains("`01-mapping` (compiled; its API documentation is `solutions/01-mapping/apidocs/index.html`)");
        assertThat(out.resolve("lessons/graded-tests-parent/pom.xml")).as("the parent of the lessons poms").exists();
        assertThat(out.resolve("pom.xml")).content().contains("<module>solutions/01-mapping</module>")
                .contains("<module>lessons/graded-tests-parent</module>", "<kit.style.skip>true</kit.style.skip>")
                .doesNotContain("<module>book</module>", "<module>lessons/kit-invariants</module>", "<module>solutions/02");
        assertThat(Files.isExecutable(out.resolve("course"))).isTrue();
        assertThat(Files.isExecutable(out.resolve("mvnw"))).isTrue();
        try (Stream<Path> files = Files.walk(out)) {
            assertThat(files.map(path -> out.relativize(path).toString()))
                    .noneMatch(path -> path.contains("/target/") || path.startsWith(".course") || path.endsWith(".compiled"));
        }

        run(out, "git", "init", "-q");
        run(out, "git", "add", "-A");
        run(out, "git", "-c", "user.name=instructor", "-c", "user.email=instructor@example.org", "commit", "-q", "-m", "export");
        Path clone = temp.resolve("clone");
        run(temp, "git", "clone", "-q", out.toString(), clone.toString());

        run(clone, "./mvnw", "-q", "-B", "verify");
        String status = run(clone, "./course", "status");
        assertThat(status).containsPattern("01-mapping +0/9 +0 / 100 +01.1 Do page arithmetic")
                .containsPattern("02-lazy-faulting +0/9 +0 / 100");
        // the export ships the book only as this kit built it, so what the learner sees depends on that
        if (Files.isRegularFile(RealKit.root().resolve("book/target/generated-docs/index.html"))) {
            assertThat(clone.resolve("book/index.html")).isRegularFile();
            assertThat(run(clone, "./course", "book")).contains("The book is built: book/index.html");
        } else {
            assertThat(clone.resolve("book")).doesNotExist();
            assertThat(run(clone, "./course", "book")).contains("no book");
        }
    }

    @Test
    void anExportThatNeedsNoEarlierModuleNeverMentionsASolutionsFolder() throws IOException {
        Path out = temp.resolve("only-01");
        new StudentExport(RealKit.root()).export(out, modules("01-mapping"), Map.of(), false);
        assertThat(out.resolve("solutions")).doesNotExist();
        assertThat(out.resolve("README.md")).content()
                .contains("These modules need no reference code of earlier modules, so this repository has no `solutions/` folder.")
                .doesNotContain("| `solutions/MM-name/` |")
                .contains("| `lessons/grading-harness/` |");
        assertThat(out.resolve("lessons/grading-harness/src/main/java/module-info.java")).exists();
    }

    @Test
    void earlierModulesCanBeReleasedAsSourcesButNeverAnAssignedOne() throws IOException {
        Path out = temp.resolve("week2");
        new StudentExport(RealKit.root())
                .export(out, modules("02-lazy-faulting"), Map.of("01-mapping", StudentExport.Release.SOURCE), false);
        assertThat(out.resolve("solutions/01-mapping/src/main/java/mmapkit/mapping/Pages.java")).exists();
        assertThat(out.resolve("exercises/01-mapping")).doesNotExist();
        assertThat(out.resolve("solutions/02-lazy-faulting")).doesNotExist();
        assertThat(out.resolve(".github")).doesNotExist();

        assertThatThrownBy(() -> new StudentExport(RealKit.root()).export(temp.resolve("bad"), modules("01-mapping"),
                Map.of("01-mapping", StudentExport.Release.SOURCE), false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("module 01-mapping is assigned");
        assertThatThrownBy(() -> new StudentExport(RealKit.root()).export(out, modules("01-mapping"), Map.of(), false))
                .hasMessageContaining("is not empty");
    }

    /** Runs a command in a folder with this JVM's JDK; fails with its output when it does not succeed. */
    private static String run(Path folder, String... command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(List.of(command))).directory(folder.toFile()).redirectErrorStream(true);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Path log = Files.createTempFile(folder.getParent(), "run-", ".log");
        builder.redirectOutput(log.toFile());
        Process process = builder.start();
        process.getOutputStream().close();
        if (!process.waitFor(8, TimeUnit.MINUTES)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not end in 8 minutes");
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(String.join(" ", command) + " in " + folder + ":\n" + output).isZero();
        return output;
    }
}
