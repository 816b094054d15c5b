package mmapkit.course.report;

import mmapkit.course.grading.ModuleResult;
import mmapkit.course.grading.TaskResult;
import mmapkit.course.grading.TestResult;

/** The console table: one line per task, then the reason of every failure, indented. */
public final class TextReport {

    private TextReport() {
    }

    /**
     * @param details also list every failed test with its message under its task
     */
    public static String render(GradeReport report, boolean details) {
        StringBuilder out = new StringBuilder();
        for (ModuleResult module : report.modules()) {
            out.append(String.format("%-44s %3d / %3d points   (%s)%n", "Module " + module.module(), module.earned(),
                    module.possible(), module.target()));
            if (module.problem() != null) {
                out.append("  ").append(module.problem().kind().name().replace('_', ' ').toLowerCase()).append(":\n");
                out.append(indent(module.problem().message(), "    ")).append('\n');
            }
            for (TaskResult task : module.tasks()) {
                out.append(String.format("  %-6s %-46s %3d / %3d  %s%n", task.id(), clip(task.title(), 46), task.earned(),
                        task.points(), status(task)));
                if (details && task.status() == TaskResult.Status.FAILED) {
                    for (TestResult test : task.tests()) {
                        if (test.failed()) {
                            out.append("         x ").append(test.testClass()).append(" > ").append(test.name()).append('\n');
                            out.append(indent(test.message(), "             ")).append('\n');
                        }
                    }
                }
                if (details && task.status() == TaskResult.Status.SKIPPED) {
                    task.tests().stream().map(TestResult::message).distinct().forEach(reason ->
                            out.append("         skipped: ").append(reason).append('\n'));
                }
            }
            out.append('\n');
        }
        if (report.modules().size() > 1) {
            out.append(String.format("%-44s %3d / %3d points%n", "Total", report.earned(), report.possible()));
        }
        return out.toString();
    }

    static String status(TaskResult task) {
        long tests = task.tests().size();
        return switch (task.status()) {
            case PASSED -> "done (" + tests + (tests == 1 ? " test)" : " tests)");
            case FAILED -> task.failedTests() + " of " + tests + " tests failed";
            case SKIPPED -> "skipped: cannot run on this machine";
            case NOT_RUN -> "not run";
        };
    }

    static String indent(String text, String prefix) {
        if (text == null) {
            return prefix + "(no message)";
        }
        return prefix + text.strip().replace("\n", "\n" + prefix);
    }

    private static String clip(String text, int width) {
        return text.length() <= width ? text : text.substring(0, width - 1) + "…";
    }
}
