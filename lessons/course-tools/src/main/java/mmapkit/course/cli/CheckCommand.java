package mmapkit.course.cli;

import mmapkit.course.grading.KitModule;
import mmapkit.course.model.ModuleResult;
import mmapkit.course.model.TaskResult;
import mmapkit.course.model.Target;
import mmapkit.course.report.GradeReport;
import mmapkit.course.report.TextReport;
import mmapkit.course.submission.OwnCodeCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** Runs one module's graded tests against the learner's code and explains every failure. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Run the graded tests of module NN against your exercises; explain each failure"
        + " with the test's message and the task's hint.")
final class CheckCommand implements Callable<Integer> {

    /** Failed tests listed per task when a whole module is checked; one task lists all of them. */
    private static final int FAILURES_SHOWN = 2;

    @ParentCommand
    CourseCli cli;

    @Parameters(index = "0", paramLabel = "NN", description = "the module: its number (01) or folder (01-mapping)")
    String moduleName;

    @Parameters(index = "1", arity = "0..1", paramLabel = "TASK", description = "only this task, such as 01.3")
    String task;

    @Option(names = "--test-timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "time one test may run (default: ${DEFAULT-VALUE})")
    long testTimeoutSeconds;

    @Mixin
    TimeScaleOption timeScale;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = cli.spec.commandLine().getOut();
        KitModule module = cli.module(moduleName);
        if (testTimeoutSeconds <= 0) {
            throw new IllegalArgumentException("--test-timeout " + testTimeoutSeconds + " must be a positive number of seconds");
        }
        timeScale.apply();
        long started = System.nanoTime();
        // in a grading JVM of its own: a System.exit, a crash or an endless loop in the code under test ends that JVM, never this report
        ModuleResult result = OwnCodeCheck.check(cli.grader(TimeScaleOption.scaledSeconds(testTimeoutSeconds)), module,
                Target.EXERCISES.folder(), module.toolkitSources(Target.EXERCISES), Optional.ofNullable(task),
                TimeScaleOption.scaledSeconds(testTimeoutSeconds), OwnCodeCheck.defaultModuleTimeout());
        long millis = (System.nanoTime() - started) / 1_000_000;
        // one task checked: show that task only, so tasks that did not run do not look lost
        ModuleResult shown = task == null ? result : new ModuleResult(result.module(), result.target(),
                result.tasks().stream().filter(t -> t.id().equals(task)).toList(), result.problem());
        String report = TextReport.render(new GradeReport("exercises", List.of(shown)), task == null ? FAILURES_SHOWN : Integer.MAX_VALUE);
        out.print(task == null ? report : taskHeading(report, module, task));
        // the hint of the first task that failed: the one to work on now
        TaskResult failed = result.problem() == null
                ? shown.tasks().stream().filter(t -> t.status() == TaskResult.Status.FAILED).findFirst().orElse(null) : null;
        if (failed != null && failed.hint() != null) {
            out.println("Hint for " + failed.id() + " (" + failed.hint() + "):");
            out.println(TextReportHint.plain(Files.readString(cli.root().resolve(failed.hint()))));
        }
        boolean allDone = result.problem() == null && result.tasks().stream()
                .filter(t -> task == null || t.id().equals(task)).allMatch(TaskResult::done);
        String verdict = task == null ? (allDone ? "Module " + module + " is done" : "Module " + module + " is not done yet")
                : (allDone ? "Task " + task + " is done" : "Task " + task + " is not done yet");
        out.printf("%s (graded in %.1f s)%n", verdict, millis / 1000.0);
        return allDone ? 0 : 1;
    }

    /** The report's heading names the task when one task was checked: its points are the task's, not the module's. */
    static String taskHeading(String report, KitModule module, String task) {
        String heading = "Module " + module.folder();
        if (!report.startsWith(heading)) {
            return report;
        }
        String replacement = String.format("%-" + Math.max(heading.length(), 44) + "s", "Task " + task + " of " + module.folder());
        int end = heading.length();
        while (end < report.length() && end < replacement.length() && report.charAt(end) == ' ') {
            end++;
        }
        return replacement.strip() + " ".repeat(Math.max(1, end - replacement.strip().length())) + report.substring(end);
    }
}
