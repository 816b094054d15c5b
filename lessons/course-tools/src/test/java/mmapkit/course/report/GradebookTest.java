package mmapkit.course.report;

import static org.assertj.core.api.Assertions.assertThat;

import mmapkit.course.submission.BatchGrader;
import mmapkit.course.model.ModuleResult;
import mmapkit.course.submission.Sandbox;
import mmapkit.course.submission.SubmissionGrader;
import mmapkit.course.model.TaskResult;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

class GradebookTest {

    @Test
    void fieldsAreQuotedAsRfc4180SaysAndFormulasAreDefused() {
        assertThat(Gradebook.field("alice")).isEqualTo("alice");
        assertThat(Gradebook.field("doe, jane")).isEqualTo("\"doe, jane\"");
        assertThat(Gradebook.field("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
        assertThat(Gradebook.field("two\nlines")).isEqualTo("\"two\nlines\"");
        assertThat(Gradebook.field(" padded")).isEqualTo("\" padded\"");
        assertThat(Gradebook.field("=HYPERLINK(\"x\")")).isEqualTo("\"'=HYPERLINK(\"\"x\"\")\"");
        assertThat(Gradebook.field("-5")).isEqualTo("-5");
        assertThat(Gradebook.field(null)).isEmpty();
    }

    @Test
    void theCsvHasAHeaderThePossiblePointsAndOneRowPerLearner() {
        ModuleResult module = new ModuleResult("01-demo", "submission",
                List.of(new TaskResult("01.1", "Add", 10, 10, TaskResult.Status.PASSED, null, List.of())), null);
        BatchGrader.Entry done = new BatchGrader.Entry("doe, jane", Path.of("x"),
                new SubmissionGrader.Result(List.of(module), List.of(), Sandbox.none("turned off for this test")), null, 1234);
        BatchGrader.Entry untrusted = new BatchGrader.Entry("mallory", Path.of("y"),
                new SubmissionGrader.Result(List.of(module), List.of("changed: pom.xml"), Sandbox.none("turned off for this test")), null, 99);
        BatchGrader.Entry broken = new BatchGrader.Entry("zed", Path.of("z.zip"), null, "cannot unpack the zip z.zip: bad", 5);
        String csv = Gradebook.csv(new BatchGrader.Outcome(List.of(done, untrusted, broken), List.of(), 1, 10), List.of("01-demo"),
                Map.of("01-demo", 10));
        assertThat(csv).isEqualTo("""
                learner,01-demo,total,status\r
                (possible points),10,10,\r
                "doe, jane",10,10,ok; UNSANDBOXED\r
                mallory,0,0,untrusted: the kit's files changed while it was graded (points not counted)\r
                zed,0,0,not graded: cannot unpack the zip z.zip: bad\r
                """);
    }
}
