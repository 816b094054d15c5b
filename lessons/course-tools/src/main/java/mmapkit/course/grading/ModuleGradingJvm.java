package mmapkit.course.grading;

import mmapkit.course.report.GradeReport;
import mmapkit.course.report.JsonReport;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The main class of the child JVM that grades one module of a submission (started by
 * {@link SubmissionGrader}): it runs the {@link Grader} on a staged copy of the kit and prints
 * the module's result as a JSON report between two marker lines on its standard output.
 *
 * <p>What the graded code prints to {@code System.out} goes to the standard error instead, so it
 * cannot be mistaken for the report. The JVM halts right after reporting: threads the graded code
 * left behind (a test that timed out) cannot keep it alive.
 *
 * <p>Arguments: the staged kit root, the module folder, the compile cache, the test timeout in milliseconds.
 */
public final class ModuleGradingJvm {

    static final String BEGIN = "----- mmap-course-kit module result begin -----";
    static final String END = "----- mmap-course-kit module result end -----";

    private ModuleGradingJvm() {
    }

    public static void main(String[] args) {
        PrintStream report = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err);
        Path kit = Path.of(args[0]);
        KitModule module = new KitModule(kit, args[1]);
        Grader grader = new Grader(kit, Path.of(args[2]), Duration.ofMillis(Long.parseLong(args[3])));
        ModuleResult result = grader.grade(module, SubmissionGrader.TARGET, module.toolkitSources(Target.EXERCISES), Optional.empty());
        report.println(BEGIN);
        report.print(JsonReport.render(new GradeReport(SubmissionGrader.TARGET, List.of(result))));
        report.println(END);
        report.flush();
        Runtime.getRuntime().halt(0);
    }
}
