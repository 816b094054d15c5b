package mmapkit.course.grading;

import mmapkit.course.Task;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A task as its {@link Task} annotation declares it, and the test classes that carry it.
 *
 * @param testClasses the binary names of the top-level test classes that carry the task
 */
public record TaskInfo(String id, String title, int points, List<String> testClasses) {

    private static final Pattern TASK_ANNOTATION = Pattern.compile(
            "@(?:mmapkit\\.course\\.)?Task\\s*\\(([^)]*)\\)\\s*(?:@[\\w.]+(?:\\([^)]*\\))?\\s*)*"
                    + "(?:(?:public|final|abstract|static)\\s+)*class\\s+(\\w+)", Pattern.DOTALL);
    private static final Pattern PACKAGE = Pattern.compile("^package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);

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
     * The tasks the graded test sources declare, read from the text: what a report can still
     * list when the code does not compile.
     */
    public static Map<String, TaskInfo> fromSources(Path testSources) {
        Map<String, TaskInfo> tasks = new LinkedHashMap<>();
        for (Path file : SourceCompiler.javaFiles(testSources)) {
            String source;
            try {
                source = Files.readString(file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
            Matcher packageName = PACKAGE.matcher(source);
            String prefix = packageName.find() ? packageName.group(1) + "." : "";
            Matcher annotation = TASK_ANNOTATION.matcher(source);
            while (annotation.find()) {
                String id = attribute(annotation.group(1), "id");
                String title = attribute(annotation.group(1), "title");
                String points = annotation.group(1).replaceAll("(?s).*\\bpoints\\s*=\\s*(\\d+).*", "$1");
                if (id != null && points.matches("\\d+")) {
                    add(tasks, id, title == null ? "" : title, Integer.parseInt(points), prefix + annotation.group(2));
                }
            }
        }
        return sorted(tasks);
    }

    private static String attribute(String arguments, String name) {
        Matcher value = Pattern.compile("\\b" + name + "\\s*=\\s*\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(arguments);
        return value.find() ? value.group(1).replace("\\\"", "\"") : null;
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
