package mmapkit.course.cli;

import mmapkit.course.grading.Grader;
import mmapkit.course.grading.KitModule;
import mmapkit.course.grading.ModuleResult;
import mmapkit.course.grading.SubmissionGrader;
import mmapkit.course.grading.Target;
import mmapkit.course.report.GradeReport;
import mmapkit.course.report.JsonReport;
import mmapkit.course.report.MarkdownReport;
import mmapkit.course.report.TextReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Grades modules against the exercises or the solutions of this kit, or a learner's submission
 * (its exercise sources only, each module in a JVM of its own), as a table, Markdown or JSON.
 */
@Command(name = "grade", description = {"Grade the exercises (or the reference solutions) of this kit and print a report.",
        "With --submission, grade a learner's work (a folder, a git working copy or a .zip): only its",
        "exercises/NN-name/src/main/java is taken; the tests and the rest come from this kit."})
final class GradeCommand implements Callable<Integer> {

    enum Format { text, md, json }

    @ParentCommand
    CourseCli cli;

    @Option(names = "--target", defaultValue = "exercises", paramLabel = "exercises|solutions",
            converter = TargetConverter.class, description = "the code to grade (default: ${DEFAULT-VALUE})")
    Target target;

    @Option(names = "--submission", paramLabel = "PATH",
            description = "grade this submission (a folder or a .zip) instead of this kit's own code")
    Path submission;

    @Option(names = "--module-timeout", paramLabel = "SECONDS", defaultValue = "600",
            description = "with --submission, time grading one module may take (default: ${DEFAULT-VALUE})")
    long moduleTimeoutSeconds;

    @Option(names = "--module", paramLabel = "NN", description = "only this module (default: every module)")
    String moduleName;

    @Option(names = "--format", defaultValue = "text", paramLabel = "text|md|json", description = "report format (default: ${DEFAULT-VALUE})")
    Format format;

    @Option(names = "--output", paramLabel = "FILE", description = "write the report to FILE instead of the console")
    Path output;

    @Option(names = "--test-timeout", paramLabel = "SECONDS", defaultValue = "60", description = "time one test may run (default: ${DEFAULT-VALUE})")
    long testTimeoutSeconds;

    @Override
    public Integer call() throws IOException {
        if (testTimeoutSeconds <= 0) {
            throw new IllegalArgumentException("--test-timeout " + testTimeoutSeconds + " must be a positive number of seconds");
        }
        if (moduleTimeoutSeconds <= 0) {
            throw new IllegalArgumentException("--module-timeout " + moduleTimeoutSeconds + " must be a positive number of seconds");
        }
        List<KitModule> modules = moduleName == null ? KitModule.all(cli.root()) : List.of(cli.module(moduleName));
        GradeReport report;
        if (submission != null) {
            SubmissionGrader grader = new SubmissionGrader(cli.root(), Duration.ofSeconds(moduleTimeoutSeconds),
                    Duration.ofSeconds(testTimeoutSeconds));
            report = new GradeReport(SubmissionGrader.TARGET, grader.grade(submission, modules));
        } else {
            Grader grader = cli.grader(Duration.ofSeconds(testTimeoutSeconds));
            List<ModuleResult> results = new ArrayList<>();
            for (KitModule module : modules) {
                results.add(grader.grade(module, target));
            }
            report = new GradeReport(target.folder(), results);
        }
        String text = switch (format) {
            case text -> TextReport.render(report, true);
            case md -> MarkdownReport.render(report);
            case json -> JsonReport.render(report);
        };
        if (output == null) {
            PrintWriter out = cli.spec.commandLine().getOut();
            out.print(text);
            out.flush();
        } else {
            Path parent = output.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(output, text);
            cli.spec.commandLine().getOut().println("wrote " + output + ": " + report.earned() + " / " + report.possible() + " points");
        }
        return 0;
    }

    /** {@code exercises} or {@code solutions}, in any case. */
    static final class TargetConverter implements picocli.CommandLine.ITypeConverter<Target> {
        @Override
        public Target convert(String value) {
            for (Target candidate : Target.values()) {
                if (candidate.folder().equalsIgnoreCase(value)) {
                    return candidate;
                }
            }
            throw new picocli.CommandLine.TypeConversionException("'" + value + "' is not a target: use exercises or solutions");
        }
    }
}
