package mmapkit.invariants;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import mmapkit.course.Task;

import java.util.Comparator;
import java.util.List;

/** A graded test class and what its {@link Task} says: the id, points and title of one exercise. */
record GradedTask(String id, int points, String title, String testClass) {

    /** The tasks of a module, read from its compiled graded tests. */
    static List<GradedTask> of(KitLayout kit, CourseModule module) {
        return in(kit.importClasses(kit.gradedTestClasses(module)));
    }

    /** Every class that carries {@code @Task} itself, by task id. */
    static List<GradedTask> in(JavaClasses classes) {
        return classes.stream()
                .filter(javaClass -> javaClass.isAnnotatedWith(Task.class))
                .map(GradedTask::of)
                .sorted(Comparator.comparing(GradedTask::id).thenComparing(GradedTask::testClass))
                .toList();
    }

    static GradedTask of(JavaClass labelled) {
        Task task = labelled.getAnnotationOfType(Task.class);
        return new GradedTask(task.id(), task.points(), task.title(), labelled.getName());
    }

    /** The section title of the exercise in the book, such as "Exercise 01.2: Map a file (10 points)". */
    String exerciseTitle() {
        return "Exercise " + id + ": " + title + " (" + points + (points == 1 ? " point)" : " points)");
    }
}
