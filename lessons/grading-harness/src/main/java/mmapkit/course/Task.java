package mmapkit.course;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a test class as the graded tests of one exercise.
 *
 * <p>Every test method in the class belongs to the task. A task earns its {@link #points()}
 * only when all of its tests pass: half an exercise is not an exercise. The id ties the tests
 * to the exercise in the book and to the solution regions in {@code solutions/} that carry
 * the same id.
 *
 * <pre>{@code
 * @Task(id = "01.3", points = 15, title = "Map a file at any offset")
 * class MapAtAnyOffsetTest { ... }
 * }</pre>
 *
 * <p>A failed assertion is what the learner reads ({@code ./course check} prints it under the
 * task, with the hint), so each one says what was expected and why, in the learner's terms: the
 * call with its arguments and the rule it broke ("alignUp(Long.MAX_VALUE) would overflow: it must
 * be refused, not wrap around to a negative number"), not only the values. Give it with
 * {@code .as(...)} <em>before</em> the assertion that can fail: AssertJ attaches a description only
 * to what comes after it. So an expected exception is written
 * {@code assertThat(catchThrowable(() -> call())).as("...").isInstanceOf(...)}: in
 * {@code assertThatThrownBy(() -> call()).as("...")} the check that something was thrown runs
 * before {@code .as}, and a call that throws nothing fails with AssertJ's bare "Expecting code to
 * raise a throwable." The kit's invariants refuse that form in graded tests.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Task {

    /** Module number and exercise number, as in {@code "01.3"}. */
    String id();

    /** Points the task is worth when every one of its tests passes. */
    int points();

    /** What the learner builds, in a few words; shown in reports and in the book. */
    String title();
}
