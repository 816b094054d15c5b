package mmapkit.course.grading;

import mmapkit.course.Task;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.nio.charset.StandardCharsets;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import com.sun.source.tree.AnnotationTree;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.JavacTask;

/**
 * A task as its {@link Task} annotation declares it, and the test classes that carry it.
 *
 * @param testClasses the binary names of the top-level test classes that carry the task
 */
public record TaskInfo(String id, String title, int points, List<String> testClasses) {


    /** Orders task ids numerically: 01.2 before 01.10. */
    public static final Comparator<String> BY_ID = Comparator
            .comparingInt((String id) -> Integer.parseInt(id.substring(0, id.indexOf('.'))))
            .thenComparingInt(id -> Integer.parseInt(id.substring(id.indexOf('.') + 1)));

    /** The task of a test class: its own {@code @Task} or that of a class it is nested in. */
    public static Task taskOf(Class<?> testClass) {
        for (Class<?> type = testClass; type != null; type = type.getEnclosingClass()) {
            Task task = type.getAnnotation(Task.class);
            if (task != null) {
                return task;
            }
        }
        return null;
    }

    /** The tasks of loaded top-level test classes, by id. */
    public static Map<String, TaskInfo> fromClasses(List<Class<?>> classes) {
        Map<String, TaskInfo> tasks = new LinkedHashMap<>();
        classes.stream().filter(type -> type.getAnnotation(Task.class) != null)
                .sorted(Comparator.comparing(Class::getName))
                .forEach(type -> add(tasks, type.getAnnotation(Task.class).id(), type.getAnnotation(Task.class).title(),
                        type.getAnnotation(Task.class).points(), type.getName()));
        return sorted(tasks);
    }

    /**
     * The tasks the graded test sources declare, read from their syntax trees (the Java compiler's
     * parser, nothing compiled): what a report can still list when the code does not compile.
     * A title is any string constant, concatenations of constants included.
     */
    public static Map<String, TaskInfo> fromSources(Path testSources) {
        Map<String, TaskInfo> tasks = new LinkedHashMap<>();
        List<Path> files = SourceCompiler.javaFiles(testSources);
        if (files.isEmpty()) {
            return tasks;
        }
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        if (compiler == null) {
            throw new IllegalStateException("this Java runtime has no compiler: run the course tools on a JDK 25, not a JRE");
        }
        try (StandardJavaFileManager fileManager = compiler.getStandardFileManager(null, Locale.ENGLISH, StandardCharsets.UTF_8)) {
            JavacTask task = (JavacTask) compiler.getTask(null, fileManager, diagnostic -> {
            }, List.of("-proc:none"), null, fileManager.getJavaFileObjectsFromPaths(files));
            for (CompilationUnitTree unit : task.parse()) {
                String prefix = unit.getPackageName() == null ? "" : unit.getPackageName() + ".";
                for (Tree type : unit.getTypeDecls()) {
                    if (type instanceof ClassTree declared) {
                        taskAnnotation(declared).ifPresent(values -> {
                            Object id = values.get("id");
                            Object points = values.get("points");
                            if (id instanceof String text && points instanceof Integer number) {
                                add(tasks, text, values.get("title") instanceof String title ? title : "", number,
                                        prefix + declared.getSimpleName());
                            }
                        });
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the graded tests in " + testSources, e);
        }
        return sorted(tasks);
    }

    /** The constant attributes of a class's {@code @Task}, if it has one. */
    private static java.util.Optional<Map<String, Object>> taskAnnotation(ClassTree declared) {
        for (AnnotationTree annotation : declared.getModifiers().getAnnotations()) {
            String name = annotation.getAnnotationType().toString();
            if (!name.equals("Task") && !name.equals(Task.class.getName())) {
                continue;
            }
            Map<String, Object> values = new LinkedHashMap<>();
            for (ExpressionTree argument : annotation.getArguments()) {
                if (argument instanceof AssignmentTree assignment) {
                    Object value = constant(assignment.getExpression());
                    if (value != null) {
                        values.put(assignment.getVariable().toString(), value);
                    }
                }
            }
            return java.util.Optional.of(values);
        }
        return java.util.Optional.empty();
    }

    /** A literal, or a concatenation of string literals; null for anything else. */
    private static Object constant(ExpressionTree expression) {
        if (expression instanceof LiteralTree literal) {
            return literal.getValue();
        }
        if (expression instanceof ParenthesizedTree parenthesized) {
            return constant(parenthesized.getExpression());
        }
        if (expression instanceof BinaryTree binary && binary.getKind() == Tree.Kind.PLUS) {
            Object left = constant(binary.getLeftOperand());
            Object right = constant(binary.getRightOperand());
            return left instanceof String || right instanceof String ? left + "" + right : null;
        }
        return null;
    }

    private static void add(Map<String, TaskInfo> tasks, String id, String title, int points, String testClass) {
        TaskInfo known = tasks.get(id);
        if (known == null) {
            tasks.put(id, new TaskInfo(id, title, points, List.of(testClass)));
        } else {
            List<String> classes = new ArrayList<>(known.testClasses());
            classes.add(testClass);
            // one task split over several classes: the first class states its title and points
            tasks.put(id, new TaskInfo(id, known.title(), known.points(), List.copyOf(classes)));
        }
    }

    private static Map<String, TaskInfo> sorted(Map<String, TaskInfo> tasks) {
        Map<String, TaskInfo> sorted = new LinkedHashMap<>();
        tasks.keySet().stream().filter(id -> id.matches("\\d+\\.\\d+")).sorted(BY_ID).forEach(id -> sorted.put(id, tasks.get(id)));
        tasks.keySet().stream().filter(id -> !id.matches("\\d+\\.\\d+")).sorted().forEach(id -> sorted.put(id, tasks.get(id)));
        return sorted;
    }
}
