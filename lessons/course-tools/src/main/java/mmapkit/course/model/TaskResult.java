package mmapkit.course.model;

import java.util.List;

/**
 * One exercise of a module, graded: it earns its points only when none of its tests failed and
 * at least one passed.
 *
 * @param id     the task id, such as {@code 01.3}
 * @param title  what the learner builds
 * @param points what the task is worth
 * @param earned {@code points} or 0
 * @param status how the task stands
 * @param hint   the hint file, relative to the kit's root ({@code lessons/01-mapping/hints/01.3.adoc})
 * @param tests  its tests, in the order they ran
 * @param hidden a task of the instructor's hidden tests ({@code --hidden}): never in a student export
 */
public record TaskResult(String id, String title, int points, int earned, Status status, String hint, List<TestResult> tests,
                         boolean hidden) {

    public enum Status {
        /** Every test that ran passed. */
        PASSED,
        /** At least one test failed. */
        FAILED,
        /** Every test was skipped: this machine cannot run them (the reason is in each test). */
        SKIPPED,
        /** No test ran: the code did not compile, or another task was chosen. */
        NOT_RUN
    }

    public TaskResult {
        tests = List.copyOf(tests);
    }

    /** A task of the visible graded tests. */
    public TaskResult(String id, String title, int points, int earned, Status status, String hint, List<TestResult> tests) {
        this(id, title, points, earned, status, hint, tests, false);
    }

    /** The same task, marked as one of the instructor's hidden tests, with its hint where the instructor keeps it. */
    public TaskResult asHidden(String hiddenHint) {
        return new TaskResult(id, title, points, earned, status, hiddenHint, tests, true);
    }

    /** Grades a task from the results of its tests. */
    public static TaskResult of(String id, String title, int points, String hint, List<TestResult> tests) {
        Status status;
        if (tests.isEmpty()) {
            status = Status.NOT_RUN;
        } else if (tests.stream().anyMatch(TestResult::failed)) {
            status = Status.FAILED;
        } else if (tests.stream().noneMatch(TestResult::passed)) {
            status = Status.SKIPPED;
        } else {
            status = Status.PASSED;
        }
        return new TaskResult(id, title, points, status == Status.PASSED ? points : 0, status, hint, tests);
    }

    public boolean done() {
        return status == Status.PASSED;
    }

    public long failedTests() {
        return tests.stream().filter(TestResult::failed).count();
    }

    /** The message of the first failed test, or {@code null}. */
    public TestResult firstFailure() {
        return tests.stream().filter(TestResult::failed).findFirst().orElse(null);
    }
}
