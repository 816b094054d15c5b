package mmapkit.course.report;

import mmapkit.course.model.ModuleResult;

import java.util.List;

/**
 * The graded modules of one run, as every report format shows them.
 *
 * @param target  what the tests ran against ({@code exercises}, {@code solutions}, a submission)
 * @param modules the graded modules, in course order
 */
public record GradeReport(String target, List<ModuleResult> modules) {

    public GradeReport {
        modules = List.copyOf(modules);
    }

    public int earned() {
        return modules.stream().mapToInt(ModuleResult::earned).sum();
    }

    public int possible() {
        return modules.stream().mapToInt(ModuleResult::possible).sum();
    }

    /** True when every task of every module earned its points. */
    public boolean fullMarks() {
        return modules.stream().allMatch(module -> module.problem() == null && module.earned() == module.possible());
    }
}
