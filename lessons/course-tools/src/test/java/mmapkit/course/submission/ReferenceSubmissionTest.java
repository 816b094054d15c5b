package mmapkit.course.submission;

import mmapkit.course.grading.RealKit;
import mmapkit.course.model.TestResult;
import mmapkit.course.grading.KitModule;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference solutions of every module, handed in as a learner's work, earn full points through
 * the submission grader: in child JVMs, in the sandbox where this machine has one. A graded test
 * that behaves differently there (for example one that reads a capability the sandbox's user
 * namespace grants in name only) would cost every learner its points; the kit invariants grade the
 * solutions in-process and cannot see that.
 */
class ReferenceSubmissionTest {

    private static String firstLine(String text) {
        String line = text == null ? "" : text.strip().lines().findFirst().orElse("");
        return line.length() > 200 ? line.substring(0, 200) + " ..." : line;
    }

    @Test
    void theReferenceSolutionsOfEveryModuleEarnFullPointsAsASubmission(@TempDir Path temp) {
        Path kit = RealKit.root();
        List<KitModule> modules = KitModule.all(kit);
        Path submission = temp.resolve("reference");
        for (KitModule module : modules) {
            RealKit.copy(kit.resolve("solutions/" + module.folder() + "/src/main/java"),
                    submission.resolve("exercises/" + module.folder() + "/src/main/java"));
        }

        SubmissionGrader grader = new SubmissionGrader(kit, Duration.ofMinutes(10), Duration.ofSeconds(120));
        SubmissionGrader.Result result = grader.gradeChecked(submission, modules);

        assertThat(result.trusted()).as("grading the reference code changed nothing in the kit").isTrue();
        assertThat(result.modules()).hasSameSizeAs(modules);
        // one short line per module that lost points, not a dump of every result
        List<String> lost = result.modules().stream().filter(module -> module.problem() != null || module.earned() != module.possible())
                .map(module -> module.module() + ": " + module.earned() + " / " + module.possible()
                        + (module.problem() != null ? " (" + module.problem().kind() + ": " + firstLine(module.problem().message()) + ")"
                        : "; failed: " + module.tests().stream().filter(TestResult::failed).limit(3)
                        .map(test -> test.testClass() + " > " + test.name() + ": " + firstLine(test.message())).toList()))
                .toList();
        assertThat(lost).as("modules whose reference solution lost points as a submission (sandbox: %s)",
                grader.sandbox().isolated() ? "bubblewrap" : "none").isEmpty();
    }
}
