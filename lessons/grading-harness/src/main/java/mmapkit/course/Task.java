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
