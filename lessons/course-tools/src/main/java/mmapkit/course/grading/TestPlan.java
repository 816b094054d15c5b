package mmapkit.course.grading;

import mmapkit.course.Task;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The graded tests of a module as the grader plans them, before any learner code is involved:
 * every test (a test method, or a parameterized or dynamic test's method) with its JUnit unique
 * id, its task, and the task's points.
 *
 * <p>The plan is discovered in the grader's own JVM from the kit's graded tests compiled against
 * the kit's reference solutions: only the kit's code is loaded, and no class is initialised. A
 * grading JVM then reports outcomes for these ids and nothing else; what the tests are worth
 * comes from here, never from the grading JVM.
 *
 * @param tasks       the tasks, by id, in course order
 * @param tests       the planned tests, in discovery order
 * @param testClasses the binary names of the top-level test classes to run
 */
public record TestPlan(Map<String, TaskInfo> tasks, List<PlannedTest> tests, List<String> testClasses) {

    /**
     * One test the grader expects an outcome for.
     *
     * @param uniqueId   JUnit's unique id of the test (or of the method of a parameterized or dynamic test)
     * @param classId    JUnit's unique id of its top-level test class
     * @param taskId     the task it belongs to
     * @param testClass  the simple name of its top-level class
     * @param name       display names from below the top-level class down to the test, joined by {@code " > "}
     */
    public record PlannedTest(String uniqueId, String classId, String taskId, String testClass, String name) {

        /** True when {@code id} is this test or one of its invocations (a parameterized or dynamic test). */
        public boolean covers(String id) {
            return id.equals(uniqueId) || id.startsWith(uniqueId + "/");
        }
    }

    public TestPlan {
        tasks = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tasks));
        tests = List.copyOf(tests);
        testClasses = List.copyOf(testClasses);
    }

    /** The planned test {@code id} is, or an invocation of; empty for an id outside the plan. */
    public Optional<PlannedTest> testOf(String id) {
        return tests.stream().filter(test -> test.covers(id)).findFirst();
    }

    /**
     * Discovers the plan of compiled graded tests.
     *
     * @param testClasses the compiled graded tests (the kit's)
     * @param classPath   the kit's reference classes they are compiled against
     */
    public static TestPlan discover(Path testClasses, List<Path> classPath) {
        List<Path> path = new ArrayList<>();
        path.add(testClasses);
        path.addAll(classPath);
        try (URLClassLoader loader = GradedTestRun.gradedCodeLoader(path)) {
            List<Class<?>> topLevel = GradedTestRun.topLevelClasses(testClasses, loader).stream()
                    .filter(type -> type.getAnnotation(Task.class) != null).toList();
            Map<String, TaskInfo> tasks = TaskInfo.fromClasses(topLevel);
            Thread thread = Thread.currentThread();
            ClassLoader previous = thread.getContextClassLoader();
            thread.setContextClassLoader(loader);
            try {
                Launcher launcher = LauncherFactory.create(LauncherConfig.builder().build());
                org.junit.platform.launcher.TestPlan discovered = launcher.discover(LauncherDiscoveryRequestBuilder.request()
                        .selectors(topLevel.stream().map(DiscoverySelectors::selectClass).toList())
                        .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "false")
                        .build());
                List<PlannedTest> tests = new ArrayList<>();
                for (TestIdentifier root : discovered.getRoots()) {
                    for (TestIdentifier node : discovered.getDescendants(root)) {
                        Optional<TestSource> source = node.getSource();
                        if (source.isEmpty() || !(source.get() instanceof MethodSource method)) {
                            continue;
                        }
                        Class<?> owner = Class.forName(method.getClassName(), false, loader);
                        Task task = TaskInfo.taskOf(owner);
                        if (task == null) {
                            continue;
                        }
                        Class<?> outer = GradedTestRun.topLevel(owner);
                        tests.add(new PlannedTest(node.getUniqueId(), classId(discovered, node), task.id(), outer.getSimpleName(),
                                path(discovered, node)));
                    }
                }
                return new TestPlan(tasks, tests, topLevel.stream().map(Class::getName).toList());
            } finally {
                thread.setContextClassLoader(previous);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("a graded test class vanished during discovery: " + e.getMessage(), e);
        }
    }

    private static String classId(org.junit.platform.launcher.TestPlan plan, TestIdentifier test) {
        String id = test.getUniqueId();
        for (TestIdentifier node = test; node != null; node = plan.getParent(node).orElse(null)) {
            if (node.getSource().filter(source -> source instanceof ClassSource type && !type.getClassName().contains("$")).isPresent()) {
                id = node.getUniqueId();
            }
        }
        return id;
    }

    /** The display names from below the top-level class down to the test, as the grading JVM names them. */
    private static String path(org.junit.platform.launcher.TestPlan plan, TestIdentifier test) {
        List<String> names = new ArrayList<>();
        for (TestIdentifier node = test; node != null; node = plan.getParent(node).orElse(null)) {
            Optional<TestSource> source = node.getSource();
            if (source.isPresent() && source.get() instanceof ClassSource type && !type.getClassName().contains("$")) {
                break;
            }
            if (node.getParentId().isEmpty()) {
                break;
            }
            names.add(node.getDisplayName());
        }
        java.util.Collections.reverse(names);
        return String.join(" > ", names);
    }
}
