package mmapkit.course.model;

import java.util.List;

/**
 * A module graded against one target.
 *
 * @param module  the module folder, such as {@code 01-mapping}
 * @param target  what the tests ran against ({@code exercises}, {@code solutions} or a folder)
 * @param tasks   every task of the module, in id order
 * @param problem why the module could not be graded (a compile error, no test ran), or {@code null}
 */
public record ModuleResult(String module, String target, List<TaskResult> tasks, Problem problem) {

    /** Why no test, or not every test, could run; the module then earns nothing. */
    public record Problem(Kind kind, String message) {
        public enum Kind {
            /** The code under test does not compile; the message is the compiler's. */
            COMPILE_ERROR,
            /** The graded tests do not compile against the code under test (a changed public signature). */
            TESTS_DO_NOT_COMPILE,
            /** The run finished and no graded test executed: nothing was graded. */
            NO_TEST_RAN,
            /** JUnit itself failed (a test class that cannot be loaded or discovered). */
            RUN_FAILED,
            /** A graded submission has no sources for this module ({@code exercises/NN-name/src/main/java}). */
            NOT_SUBMITTED,
            /** Grading the module took longer than the module timeout; its grading JVM was stopped. */
            TIMED_OUT,
            /** The JVM that graded the module ended before it reported (System.exit, a crash, memory exhaustion). */
            GRADING_JVM_FAILED,
            /**
             * The submitted code uses what no exercise needs and what could reach the grader (reflection, JUnit,
             * processes, raw descriptors ...): the integrity scan found it; the message names each place.
             */
            FLAGGED
        }
    }

    public ModuleResult {
        tasks = List.copyOf(tasks);
    }

    public int earned() {
        return problem != null ? 0 : tasks.stream().mapToInt(TaskResult::earned).sum();
    }

    public int possible() {
        return tasks.stream().mapToInt(TaskResult::points).sum();
    }

    public long tasksDone() {
        return problem != null ? 0 : tasks.stream().filter(TaskResult::done).count();
    }

    /** Every test that ran, over all tasks. */
    public List<TestResult> tests() {
        return tasks.stream().flatMap(task -> task.tests().stream()).toList();
    }

    /** The first task not yet done, in course order: the one to work on next. */
    public TaskResult nextTask() {
        return tasks.stream().filter(task -> !task.done()).findFirst().orElse(null);
    }
}
