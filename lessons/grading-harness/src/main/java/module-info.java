/**
 * The part of the grader that runs inside a grading JVM, beside the learner's code.
 *
 * <p>It exports only {@code mmapkit.course} (the {@code @Task} annotation the graded tests carry)
 * and opens nothing: learner code, which runs on the class path of the same JVM, cannot reach the
 * runner's state by deep reflection, and the JVM is started without {@code --add-opens}.
 */
module mmapkit.course.harness {
    requires org.junit.platform.launcher;
    requires org.opentest4j;

    exports mmapkit.course;
}
