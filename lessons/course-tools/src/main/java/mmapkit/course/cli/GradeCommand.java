package mmapkit.course.cli;

import mmapkit.course.submission.BatchGrader;
import mmapkit.course.grading.Grader;
import mmapkit.course.submission.HiddenTests;
import mmapkit.course.submission.Sandbox;
import mmapkit.course.grading.KitModule;
import mmapkit.course.model.ModuleResult;
import mmapkit.course.submission.SubmissionGrader;
import mmapkit.course.model.Target;
import mmapkit.course.report.ClassroomReport;
import mmapkit.course.report.GradeReport;
import mmapkit.course.report.Gradebook;
import mmapkit.course.report.Roster;
import mmapkit.course.report.JsonReport;
import mmapkit.course.report.MarkdownReport;
import mmapkit.course.report.TextReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Grades modules against the exercises or the solutions of this kit, or a learner's submission
 * (its exercise sources only, each module in a JVM of its own), as a table, Markdown or JSON.
 */
@Command(name = "grade", mixinStandardHelpOptions = true,
        description = {"Grade the exercises (or the reference solutions) of this kit and print a report.",
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

    @Option(names = "--jobs", paramLabel = "N",
            description = "with --batch, submissions graded at once (default: half the processors, rounded up)")
    Integer jobs;

    @Option(names = "--hidden", paramLabel = "DIR",
            description = "with --submission or --batch, also grade the hidden tests in DIR/NN-name/src/test/java")
    Path hidden;

    @Option(names = "--module-timeout", paramLabel = "SECONDS", defaultValue = "600",
            description = "with --submission or --batch, time one grading JVM may take for a module (default: ${DEFAULT-VALUE})")
    long moduleTimeoutSeconds;

    @Option(names = "--roster", paramLabel = "FILE", description = "with --batch, a CSV naming each learner (column 'learner': the"
            + " submission's folder or zip name) and any of name, id, email, login, section, for the gradebooks")
    Path roster;

    @Option(names = "--task-columns", description = "with --batch, a gradebook column per task as well as per module")
    boolean taskColumns;

    @Option(names = "--lms", paramLabel = "canvas|moodle", split = ",", description = "with --batch, also write the gradebook that"
            + " this LMS imports: gradebook-canvas.csv, gradebook-moodle.csv")
    List<String> lms;

    @Option(names = "--allow-flagged", description = "Grade modules that the integrity scan flags (use after you reviewed the"
            + " code the report names); by default a flagged module earns 0.")
    boolean allowFlagged;

    @Option(names = "--max-heap", paramLabel = "SIZE", defaultValue = SubmissionGrader.DEFAULT_MAX_HEAP,
            description = "with --submission or --batch, the heap of each grading JVM (default: ${DEFAULT-VALUE})")
    String maxHeap;

    @Option(names = "--module", paramLabel = "NN", split = ",",
            description = "only these modules, such as 01 or 01,02 (default: every module)")
    List<String> moduleNames;

    @Option(names = "--format", defaultValue = "text", paramLabel = "text|md|json|classroom",
            description = "report format (default: ${DEFAULT-VALUE}); classroom: the base64 result GitHub Classroom's reporter reads")
    Format format;

    @Option(names = "--output", paramLabel = "FILE|DIR",
            description = "write the report to FILE instead of the console; with --batch, the folder of the gradebook")
    Path output;

    @Option(names = "--test-timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "time one test may run (default: ${DEFAULT-VALUE})")
    long testTimeoutSeconds;

    @Mixin
    TimeScaleOption timeScale;

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
        if (batch == null && (roster != null || taskColumns || lms != null)) {
            throw new IllegalArgumentException("--roster, --task-columns and --lms lay out a batch's gradebook: give"
                    + " --batch DIR with them");
        }
        if (!maxHeap.matches("\\d+[kKmMgG]?")) {
            throw new IllegalArgumentException("--max-heap " + maxHeap + " is no heap size, such as 1g or 512m");
        }
        timeScale.apply();
        List<KitModule> modules = moduleNames == null ? KitModule.all(cli.root())
                : moduleNames.stream().map(cli::module).distinct().toList();
        if (batch != null) {
            return gradeBatch(modules);
        }
        GradeReport report;
        List<String> kitChanges = List.of();
        Sandbox sandbox = null;
        if (submission != null) {
            SubmissionGrader.Result result;
            try (SubmissionGrader grader = submissionGrader()) {
                result = grader.gradeChecked(submission, modules);
            }
            report = new GradeReport(SubmissionGrader.TARGET, result.modules());
            kitChanges = result.kitChanges();
            sandbox = result.sandbox();
        } else {
            Grader grader = cli.grader(TimeScaleOption.scaledSeconds(testTimeoutSeconds));
            List<ModuleResult> results = new ArrayList<>();
            for (KitModule module : modules) {
                results.add(grader.grade(module, target));
            }
            report = new GradeReport(target.folder(), results);
        }
        Sandbox isolation = sandbox;
        String sandboxLine = sandbox == null ? "" : (sandbox.isolated() ? "Sandbox: " : "") + sandbox.description() + "\n";
        String text = switch (format) {
            case text -> TextReport.render(report, true) + sandboxLine;
            case md -> MarkdownReport.render(report) + (sandbox == null ? "" : "\n" + (sandbox.isolated() ? "" : "**") + sandboxLine.strip()
                    + (sandbox.isolated() ? "" : "**") + "\n");
            case json -> isolation == null ? JsonReport.render(report) : JsonReport.render(report, root -> {
                root.put("sandboxed", isolation.isolated());
                root.put("sandbox", isolation.description());
            });
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
        return new SubmissionGrader(cli.root(), TimeScaleOption.scaledSeconds(moduleTimeoutSeconds),
                TimeScaleOption.scaledSeconds(testTimeoutSeconds), maxHeap, hidden == null ? null : new HiddenTests(hidden),
                Sandbox.detect(), allowFlagged);
    }

    private int gradeBatch(List<KitModule> modules) throws IOException {
        if (output == null) {
            throw new IllegalArgumentException("--batch needs --output DIR: the folder the gradebook is written to");
        }
        if (format != Format.text) {
            throw new IllegalArgumentException("--batch writes CSV, Markdown and JSON; --format is for one submission");
        }
        try (SubmissionGrader grader = submissionGrader()) {
            return gradeBatch(modules, grader);
        }
    }

    private static Gradebook.Lms lms(String name) {
        try {
            return Gradebook.Lms.valueOf(name.strip().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--lms " + name + " is no LMS the kit writes a gradebook for: canvas or moodle");
        }
    }

    private int gradeBatch(List<KitModule> modules, SubmissionGrader grader) throws IOException {
        Gradebook.Layout layout = new Gradebook.Layout(roster == null ? Roster.EMPTY : Roster.read(roster), taskColumns,
                lms == null ? java.util.Set.of() : lms.stream().map(GradeCommand::lms).collect(java.util.stream.Collectors.toSet()));
        PrintWriter out = cli.spec.commandLine().getOut();
        int parallel = jobs == null ? BatchGrader.defaultJobs() : jobs;
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
            String line = String.format("%-24s %s  (%.1f s)", entry.learner(), entry.error() != null
                    ? "not graded: " + entry.error().lines().findFirst().orElse("")
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
        Gradebook.write(outcome, modules.stream().map(KitModule::folder).toList(), possible, output, log.toString(), layout);
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
