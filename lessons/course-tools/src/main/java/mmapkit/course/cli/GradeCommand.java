package mmapkit.course.cli;

import mmapkit.course.grading.BatchGrader;
import mmapkit.course.grading.Grader;
import mmapkit.course.grading.HiddenTests;
import mmapkit.course.grading.Sandbox;
import mmapkit.course.grading.KitModule;
import mmapkit.course.grading.ModuleResult;
import mmapkit.course.grading.SubmissionGrader;
import mmapkit.course.grading.Target;
import mmapkit.course.report.ClassroomReport;
import mmapkit.course.report.GradeReport;
import mmapkit.course.report.Gradebook;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Grades modules against the exercises or the solutions of this kit, or a learner's submission
 * (its exercise sources only, each module in a JVM of its own), as a table, Markdown or JSON.
 */
@Command(name = "grade", mixinStandardHelpOptions = true, description = {"Grade the exercises (or the reference solutions) of this kit and print a report.",
        "With --submission, grade a learner's work (a folder, a git working copy or a .zip): only its"
                + " exercises/NN-name/src/main/java is taken; the tests and the rest come from this kit.",
        "With --batch DIR, grade every submission in DIR (one folder or .zip per learner) and write a gradebook"
                + " (gradebook.csv, NAME.md and NAME.json per learner) to --output DIR."})
final class GradeCommand implements Callable<Integer> {

    enum Format { text, md, json, classroom }

    @ParentCommand
    CourseCli cli;

    @Option(names = "--target", defaultValue = "exercises", paramLabel = "exercises|solutions",
            converter = TargetConverter.class, description = "the code to grade (default: ${DEFAULT-VALUE})")
    Target target;

    @Option(names = "--submission", paramLabel = "PATH",
            description = "grade this submission (a folder or a .zip) instead of this kit's own code")
    Path submission;

    @Option(names = "--batch", paramLabel = "DIR",
            description = "grade every submission in DIR (a folder or .zip per learner; the name is the learner's)")
    Path batch;

    @Option(names = "--jobs", paramLabel = "N", description = "with --batch, submissions graded at once (default: half the processors, rounded up)")
    Integer jobs;

    @Option(names = "--hidden", paramLabel = "DIR",
            description = "with --submission or --batch, also grade the hidden tests in DIR/NN-name/src/test/java")
    Path hidden;

    @Option(names = "--module-timeout", paramLabel = "SECONDS", defaultValue = "600",
            description = "with --submission or --batch, time one grading JVM may take for a module (default: ${DEFAULT-VALUE})")
    long moduleTimeoutSeconds;

    @Option(names = "--max-heap", paramLabel = "SIZE", defaultValue = SubmissionGrader.DEFAULT_MAX_HEAP,
            description = "with --submission or --batch, the heap of each grading JVM (default: ${DEFAULT-VALUE})")
    String maxHeap;

    @Option(names = "--module", paramLabel = "NN", split = ",", description = "only these modules, such as 01 or 01,02 (default: every module)")
    List<String> moduleNames;

    @Option(names = "--format", defaultValue = "text", paramLabel = "text|md|json|classroom",
            description = "report format (default: ${DEFAULT-VALUE}); classroom: the base64 result GitHub Classroom's reporter reads")
    Format format;

    @Option(names = "--output", paramLabel = "FILE|DIR", description = "write the report to FILE instead of the console; with --batch, the folder of the gradebook")
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
        if (submission != null && batch != null) {
            throw new IllegalArgumentException("give --submission PATH or --batch DIR, not both");
        }
        if (hidden != null && submission == null && batch == null) {
            throw new IllegalArgumentException("--hidden grades learners' work: give --submission PATH or --batch DIR with it");
        }
        if (!maxHeap.matches("\\d+[kKmMgG]?")) {
            throw new IllegalArgumentException("--max-heap " + maxHeap + " is no heap size, such as 1g or 512m");
        }
        List<KitModule> modules = moduleNames == null ? KitModule.all(cli.root()) : moduleNames.stream().map(cli::module).distinct().toList();
        if (batch != null) {
            return gradeBatch(modules);
        }
        GradeReport report;
        List<String> kitChanges = List.of();
        if (submission != null) {
            SubmissionGrader.Result result = submissionGrader().gradeChecked(submission, modules);
            report = new GradeReport(SubmissionGrader.TARGET, result.modules());
            kitChanges = result.kitChanges();
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
            case classroom -> ClassroomReport.render(report);
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
        if (!kitChanges.isEmpty()) {
            PrintWriter err = cli.spec.commandLine().getErr();
            err.println("course: UNTRUSTED RESULT: " + SubmissionGrader.kitChangedMessage(kitChanges));
            err.flush();
            return 1;
        }
        return 0;
    }

    private SubmissionGrader submissionGrader() {
        return new SubmissionGrader(cli.root(), Duration.ofSeconds(moduleTimeoutSeconds), Duration.ofSeconds(testTimeoutSeconds),
                maxHeap, hidden == null ? null : new HiddenTests(hidden), Sandbox.detect());
    }

    private int gradeBatch(List<KitModule> modules) throws IOException {
        if (output == null) {
            throw new IllegalArgumentException("--batch needs --output DIR: the folder the gradebook is written to");
        }
        if (format != Format.text) {
            throw new IllegalArgumentException("--batch writes CSV, Markdown and JSON; --format is for one submission");
        }
        PrintWriter out = cli.spec.commandLine().getOut();
        int parallel = jobs == null ? BatchGrader.defaultJobs() : jobs;
        SubmissionGrader grader = submissionGrader();
        BatchGrader batchGrader = new BatchGrader(cli.root(), grader, parallel);
        int count = BatchGrader.submissions(batch).size();
        out.println("grading " + count + " submissions in " + batch + ", " + parallel + " at a time; sandbox: "
                + grader.sandbox().description());
        out.flush();
        StringBuilder log = new StringBuilder();
        log.append("batch ").append(batch.toAbsolutePath().normalize()).append(": ").append(count).append(" submissions, modules ")
                .append(modules.stream().map(KitModule::folder).toList()).append(", ").append(parallel).append(" at a time\n");
        log.append("sandbox: ").append(grader.sandbox().description()).append('\n');
        BatchGrader.Outcome outcome = batchGrader.grade(batch, modules, entry -> {
            String line = String.format("%-24s %s  (%.1f s)", entry.learner(), entry.error() != null ? "not graded: " + entry.error().lines().findFirst().orElse("")
                    : entry.modules().stream().mapToInt(ModuleResult::earned).sum() + " / "
                    + entry.modules().stream().mapToInt(ModuleResult::possible).sum() + " points"
                    + (entry.trusted() ? "" : "  UNTRUSTED: the kit changed"), entry.millis() / 1000.0);
            out.println(line);
            out.flush();
            synchronized (log) {
                log.append(line).append('\n');
            }
        });
        log.append(String.format("total %.1f s%n", outcome.millis() / 1000.0));
        Map<String, Integer> possible = new LinkedHashMap<>();
        for (KitModule module : modules) {
            int points = outcome.entries().stream().flatMap(entry -> entry.modules().stream())
                    .filter(result -> result.module().equals(module.folder())).mapToInt(ModuleResult::possible).max()
                    .orElseGet(() -> Grader.notGradedPossible(module));
            possible.put(module.folder(), points);
        }
        Gradebook.write(outcome, modules.stream().map(KitModule::folder).toList(), possible, output, log.toString());
        out.println("wrote " + output.resolve("gradebook.csv") + " and a report per learner (NAME.md, NAME.json) in "
                + outcome.millis() / 1000 + " s");
        if (!outcome.kitChanges().isEmpty()) {
            PrintWriter err = cli.spec.commandLine().getErr();
            err.println("course: UNTRUSTED BATCH: " + SubmissionGrader.kitChangedMessage(outcome.kitChanges()));
            err.flush();
            return 1;
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
