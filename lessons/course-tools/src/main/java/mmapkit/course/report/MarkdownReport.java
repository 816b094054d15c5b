package mmapkit.course.report;

import mmapkit.course.model.ModuleResult;
import mmapkit.course.model.TaskResult;

/** A Markdown page: a table of tasks per module and, for each failed task, its first failure. */
public final class MarkdownReport {

    private MarkdownReport() {
    }

    public static String render(GradeReport report) {
        return render(report, report.target(), "");
    }

    /**
     * @param title    what the page is about: the target, or a learner's name
     * @param preamble Markdown put under the title (a batch's warnings), or empty
     */
    public static String render(GradeReport report, String title, String preamble) {
        StringBuilder out = new StringBuilder();
        out.append("# Grades: ").append(title).append("\n\n");
        if (!preamble.isEmpty()) {
            out.append(preamble.strip()).append("\n\n");
        }
        out.append("**Total: ").append(report.earned()).append(" / ").append(report.possible()).append(" points**\n\n");
        for (ModuleResult module : report.modules()) {
            out.append("## Module ").append(module.module()).append(": ").append(module.earned()).append(" / ")
                    .append(module.possible()).append(" points\n\n");
            if (module.problem() != null) {
                out.append("**").append(module.problem().kind().name().replace('_', ' ').toLowerCase()).append("**\n\n```\n")
                        .append(module.problem().message().strip()).append("\n```\n\n");
            }
            out.append("| task | title | points | status |\n|---|---|---:|---|\n");
            for (TaskResult task : module.tasks()) {
                out.append("| ").append(task.id()).append(task.hidden() ? " (hidden)" : "").append(" | ")
                        .append(cell(task.title())).append(" | ")
                        .append(task.earned()).append(" / ").append(task.points()).append(" | ")
                        .append(cell(TextReport.status(task))).append(" |\n");
            }
            out.append('\n');
            for (TaskResult task : module.tasks()) {
                if (task.firstFailure() != null) {
                    out.append("### ").append(task.id()).append(": first failure\n\n`").append(task.firstFailure().testClass())
                            .append(" > ").append(cell(task.firstFailure().name())).append("`\n\n```\n")
                            .append(String.valueOf(task.firstFailure().message()).strip()).append("\n```\n\n");
                }
            }
        }
        return out.toString();
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
