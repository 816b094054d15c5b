package mmapkit.course.report;

import mmapkit.course.model.ModuleResult;
import mmapkit.course.model.TaskResult;
import mmapkit.course.model.TestResult;

/** The console table: one line per task, then the reason of every failure, indented. */
public final class TextReport {

    private TextReport() {
    }

    /**
     * @param details also list every failed test with its message under its task
     */
    public static String render(GradeReport report, boolean details) {
        return render(report, details ? Integer.MAX_VALUE : 0);
    }

    /**
     * @param failuresShown how many failed tests of each task to list with their messages
     */
    public static String render(GradeReport report, int failuresShown) {
        boolean details = failuresShown > 0;
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
                    java.util.List<TestResult> failed = task.tests().stream().filter(TestResult::failed).toList();
                    if (failed.stream().allMatch(TextReport::reachedAStub)) {
                        String stub = stubLine(failed.getFirst());
                        String stubTask = stub.replaceFirst(".*TODO (\\d+\\.\\d+).*", "$1");
                        out.append(stubTask.equals(task.id())
                                ? "         not started: its tests end in the TODO stubs of " + task.id() + ", such as\n"
                                : "         waits for task " + stubTask + ": its tests end in a stub of " + stubTask + ", such as\n");
                        out.append(indent(stub, "             ")).append('\n');
                        continue;
                    }
                    for (TestResult test : failed.subList(0, Math.min(failed.size(), failuresShown))) {
                        out.append("         x ").append(test.testClass()).append(" > ").append(test.name()).append('\n');
                        out.append(indent(test.message(), "             ")).append('\n');
                        if (test.location() != null) {
                            out.append("             (the test: ").append(test.location()).append(")\n");
                        }
                    }
                    if (failed.size() > failuresShown) {
                        out.append("         ... and ").append(failed.size() - failuresShown).append(" more failed tests: ./course check ")
                                .append(task.id(), 0, 2).append(' ').append(task.id()).append(" lists them all\n");
                    }
                }
                if (details && task.status() == TaskResult.Status.PASSED) {
                    // a test skipped on this machine says why (a kernel feature that is missing here)
                    task.tests().stream().filter(test -> test.status() == TestResult.Status.SKIPPED)
                            .forEach(test -> out.append("         skipped here: ").append(test.testClass()).append(" > ")
                                    .append(test.name()).append('\n').append(indent(test.message(), "             ")).append('\n'));
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

    /** A test that failed because the code it called is still the exercise's stub. */
    static boolean reachedAStub(TestResult test) {
        String message = test.message();
        return message != null && (message.startsWith("java.lang.UnsupportedOperationException: TODO")
                || message.contains("but was:\n  java.lang.UnsupportedOperationException: TODO"));
    }

    private static String stubLine(TestResult test) {
        return test.message().lines().map(String::strip)
                .filter(line -> line.startsWith("java.lang.UnsupportedOperationException: TODO"))
                .findFirst().orElse(test.message().lines().findFirst().orElse(""));
    }

    static String status(TaskResult task) {
        long tests = task.tests().size();
        return switch (task.status()) {
            case PASSED -> {
                long skipped = task.tests().stream().filter(test -> test.status() == TestResult.Status.SKIPPED).count();
                yield "done (" + tests + (tests == 1 ? " test" : " tests") + (skipped > 0 ? ", " + skipped + " skipped here)" : ")");
            }
            case FAILED -> task.failedTests() + " of " + tests + " tests failed";
            case SKIPPED -> "skipped: cannot run on this machine";
            case NOT_RUN -> "not run";
        };
    }

    static String indent(String text, String prefix) {
        if (text == null) {
            return prefix + "(no message)";
        }
        return prefix + text.strip().replace("\t", "    ").replace("\n", "\n" + prefix);
    }

    private static String clip(String text, int width) {
        return text.length() <= width ? text : text.substring(0, width - 1) + "…";
    }
}
