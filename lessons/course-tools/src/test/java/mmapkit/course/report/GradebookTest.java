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
                new SubmissionGrader.Result(List.of(module), List.of("changed: pom.xml"),
                        Sandbox.none("turned off for this test")), null, 99);
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

    private static BatchGrader.Outcome twoLearners() {
        ModuleResult module = new ModuleResult("01-demo", "submission", List.of(
                new TaskResult("01.1", "Add", 10, 10, TaskResult.Status.PASSED, null, List.of()),
                new TaskResult("01.2", "Double", 15, 0, TaskResult.Status.FAILED, null, List.of())), null);
        BatchGrader.Entry done = new BatchGrader.Entry("jdoe", Path.of("x"),
                new SubmissionGrader.Result(List.of(module), List.of(), Sandbox.none("turned off for this test")), null, 1234);
        BatchGrader.Entry broken = new BatchGrader.Entry("zed", Path.of("z.zip"), null, "cannot unpack the zip z.zip: bad", 5);
        return new BatchGrader.Outcome(List.of(done, broken), List.of(), 1, 10);
    }

    private static Roster roster(java.nio.file.Path folder) throws java.io.IOException {
        java.nio.file.Path file = folder.resolve("roster.csv");
        java.nio.file.Files.writeString(file, """
                learner,name,id,email,section,unused
                jdoe,"Doe, Jane",4711,jane.doe@example.edu,A,x
                zed,Zed Zero,4712,zed@example.edu,B,y
                """);
        return Roster.read(file);
    }

    @Test
    void withARosterAndTaskColumnsTheGradebookNamesEachLearnerAndEachTask(@org.junit.jupiter.api.io.TempDir java.nio.file.Path temp)
            throws java.io.IOException {
        Gradebook.Layout layout = new Gradebook.Layout(roster(temp), true, java.util.Set.of());
        assertThat(Gradebook.csv(twoLearners(), List.of("01-demo"), Map.of("01-demo", 25), layout)).isEqualTo("""
                learner,name,id,email,01-demo,01.1,01.2,total,status\r
                (possible points),,,,25,10,15,25,\r
                jdoe,"Doe, Jane",4711,jane.doe@example.edu,10,10,0,10,ok; UNSANDBOXED\r
                zed,Zed Zero,4712,zed@example.edu,0,0,0,0,not graded: cannot unpack the zip z.zip: bad\r
                """);
    }

    @Test
    void canvasGetsItsColumnsAndAPointsPossibleRowAndNoUnmeasuredZeros(@org.junit.jupiter.api.io.TempDir java.nio.file.Path temp)
            throws java.io.IOException {
        Gradebook.Layout layout = new Gradebook.Layout(roster(temp), false, java.util.Set.of(Gradebook.Lms.CANVAS));
        assertThat(Gradebook.canvas(twoLearners(), List.of("01-demo"), Map.of("01-demo", 25), layout)).isEqualTo("""
                Student,ID,SIS User ID,SIS Login ID,Section,mmap 01-demo (25 points)\r
                Points Possible,,,,,25\r
                "Doe, Jane",,4711,jane.doe@example.edu,A,10\r
                Zed Zero,,4712,zed@example.edu,B,\r
                """);
    }

    @Test
    void moodleGetsIdentifierColumnsToMapAndNoPossibleRow(@org.junit.jupiter.api.io.TempDir java.nio.file.Path temp)
            throws java.io.IOException {
        Gradebook.Layout layout = new Gradebook.Layout(roster(temp), true, java.util.Set.of(Gradebook.Lms.MOODLE));
        assertThat(Gradebook.moodle(twoLearners(), List.of("01-demo"), Map.of("01-demo", 25), layout)).isEqualTo("""
                Email address,ID number,Learner,mmap 01-demo (25 points),mmap 01.1 (10 points),mmap 01.2 (15 points)\r
                jane.doe@example.edu,4711,jdoe,10,10,0\r
                zed@example.edu,4712,zed,,,\r
                """);
    }

    @Test
    void aRosterWithoutALearnerColumnOrWithATwiceNamedLearnerIsRefused(@org.junit.jupiter.api.io.TempDir java.nio.file.Path temp)
            throws java.io.IOException {
        java.nio.file.Path noLearner = temp.resolve("a.csv");
        java.nio.file.Files.writeString(noLearner, "name,email\nJane,j@example.edu\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Roster.read(noLearner)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has no column 'learner' in its header [name, email]");
        java.nio.file.Path twice = temp.resolve("b.csv");
        java.nio.file.Files.writeString(twice, "learner,id\njdoe,1\njdoe,2\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Roster.read(twice)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line 3, names the learner 'jdoe' a second time");
    }
}
