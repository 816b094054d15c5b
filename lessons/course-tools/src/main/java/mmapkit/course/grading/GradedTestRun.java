package mmapkit.course.grading;

import mmapkit.course.harness.Failures;
import mmapkit.course.model.TestResult;

import mmapkit.course.Task;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Runs compiled graded tests on the JUnit Platform, in a class loader of their own, and
 * collects what happened to each test under the task it belongs to.
 *
 * <p>Each test gets a timeout (Jupiter's default timeout, in a separate thread), so a test
 * that never ends fails and the run goes on.
 */
public final class GradedTestRun {

    /** The results of one run, by task id, plus failures outside any test (a broken class). */
    record Outcome(Map<String, TaskInfo> tasks, Map<String, List<TestResult>> resultsByTask, List<String> runFailures) {
    }

    private final Duration testTimeout;

    GradedTestRun(Duration testTimeout) {
        this.testTimeout = testTimeout;
    }

    /**
     * @param testClasses the compiled graded tests
     * @param classPath   the classes under test and those they use (earlier modules)
     * @param onlyTask    run only this task's tests, when present
     */
    Outcome run(Path testClasses, List<Path> classPath, Optional<String> onlyTask, Function<StackTraceElement, String> sourceOf) {
        List<URL> urls = new ArrayList<>();
        urls.add(url(testClasses));
        classPath.forEach(path -> urls.add(url(path)));
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        try (URLClassLoader loader = new GradedCodeLoader(urls.toArray(URL[]::new), GradedTestRun.class.getClassLoader())) {
            thread.setContextClassLoader(loader);
            List<Class<?>> topLevel = topLevelClasses(testClasses, loader);
            Map<String, TaskInfo> tasks = TaskInfo.fromClasses(topLevel);
            List<Class<?>> selected = topLevel.stream()
                    .filter(type -> type.getAnnotation(Task.class) != null)
                    .filter(type -> onlyTask.isEmpty() || type.getAnnotation(Task.class).id().equals(onlyTask.get()))
                    .toList();
            Map<String, List<TestResult>> results = new LinkedHashMap<>();
            tasks.keySet().forEach(id -> results.put(id, new ArrayList<>()));
            List<String> runFailures = new ArrayList<>();
            if (!selected.isEmpty()) {
                execute(selected, loader, results, runFailures, sourceOf);
            }
            return new Outcome(tasks, results, runFailures);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private void execute(List<Class<?>> selected, ClassLoader loader, Map<String, List<TestResult>> results, List<String> runFailures,
                         Function<StackTraceElement, String> sourceOf) {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selected.stream().map(DiscoverySelectors::selectClass).toList())
                .configurationParameter("junit.jupiter.execution.timeout.default", testTimeout.toMillis() + " ms")
                .configurationParameter("junit.jupiter.execution.timeout.thread.mode.default", "SEPARATE_THREAD")
                .configurationParameter("junit.jupiter.execution.parallel.enabled", "false")
                .configurationParameter("junit.platform.output.capture.stdout", "false")
                .build();
        // AssertJ quotes the stack trace of an unexpected exception; a few frames are enough to find the line
        org.assertj.core.api.Assertions.setMaxStackTraceElementsDisplayed(3);
        Launcher launcher = LauncherFactory.create(LauncherConfig.builder().build());
        Collector collector = new Collector(loader, results, runFailures, sourceOf);
        launcher.execute(request, collector);
    }

    /** Files each finished test under its task. */
    private static final class Collector implements TestExecutionListener {
        private final ClassLoader loader;
        private final Map<String, List<TestResult>> results;
        private final List<String> runFailures;
        private final Function<StackTraceElement, String> sourceOf;
        private TestPlan plan;

        Collector(ClassLoader loader, Map<String, List<TestResult>> results, List<String> runFailures,
                  Function<StackTraceElement, String> sourceOf) {
            this.loader = loader;
            this.results = results;
            this.runFailures = runFailures;
            this.sourceOf = sourceOf;
        }

        @Override
        public void testPlanExecutionStarted(TestPlan testPlan) {
            this.plan = testPlan;
        }

        @Override
        public void executionSkipped(TestIdentifier identifier, String reason) {
            if (identifier.isTest()) {
                record(identifier, TestResult.Status.SKIPPED, reason, null);
            } else {
                // a skipped container skips its tests: count each as skipped with the container's reason
                plan.getDescendants(identifier).stream().filter(TestIdentifier::isTest)
                        .forEach(test -> record(test, TestResult.Status.SKIPPED, reason, null));
            }
        }

        @Override
        public void executionFinished(TestIdentifier identifier, TestExecutionResult result) {
            TestResult.Status status = switch (result.getStatus()) {
                case SUCCESSFUL -> TestResult.Status.PASSED;
                case ABORTED -> TestResult.Status.SKIPPED;
                case FAILED -> TestResult.Status.FAILED;
            };
            String message = result.getThrowable().map(Failures::describe).orElse(null);
            if (identifier.isTest()) {
                record(identifier, status, message, result.getThrowable().orElse(null));
            } else if (status == TestResult.Status.FAILED) {
                // a class whose set-up failed: its task fails, with this message
                Optional<Class<?>> testClass = classOf(identifier);
                Task task = testClass.map(TaskInfo::taskOf).orElse(null);
                if (task != null && results.containsKey(task.id())) {
                    TestResult failed = new TestResult(topLevel(testClass.get()).getSimpleName(),
                            setUpName(identifier), TestResult.Status.FAILED, message,
                            location(topLevel(testClass.get()), result.getThrowable().orElse(null)));
                    results.get(task.id()).add(failed);
                } else {
                    runFailures.add(identifier.getDisplayName() + ": " + message);
                }
            }
        }

        /** How a report names the set-up of a test class (its static initialiser, {@code @BeforeAll}). */
        private String setUpName(TestIdentifier identifier) {
            String path = path(identifier);
            return path.isEmpty() ? "(set-up of the class)" : path + " (set-up of the class)";
        }

        private void record(TestIdentifier identifier, TestResult.Status status, String message, Throwable thrown) {
            Optional<Class<?>> testClass = classOf(identifier);
            Task task = testClass.map(TaskInfo::taskOf).orElse(null);
            if (task == null || !results.containsKey(task.id())) {
                runFailures.add(identifier.getDisplayName() + " belongs to no task");
                return;
            }
            Class<?> outer = topLevel(testClass.get());
            TestResult recorded = new TestResult(outer.getSimpleName(), path(identifier), status, message,
                    status == TestResult.Status.FAILED ? location(outer, thrown) : null);
            results.get(task.id()).add(recorded);
        }

        /** The first line of the test class (or a class nested in it) in the stack of what it threw. */
        private String location(Class<?> testClass, Throwable thrown) {
            for (Throwable cause = thrown; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
                for (StackTraceElement frame : cause.getStackTrace()) {
                    String owner = frame.getClassName();
                    if ((owner.equals(testClass.getName()) || owner.startsWith(testClass.getName() + "$")) && frame.getLineNumber() > 0) {
                        return sourceOf.apply(frame);
                    }
                }
            }
            return null;
        }

        /** The display names from the top-level class down to the test, the class itself left out. */
        private String path(TestIdentifier identifier) {
            List<String> names = new ArrayList<>();
            for (TestIdentifier node = identifier; node != null; node = plan.getParent(node).orElse(null)) {
                if (node.getSource().filter(ClassSource.class::isInstance)
                        .map(source -> ((ClassSource) source).getJavaClass().getEnclosingClass() == null).orElse(false)) {
                    break;
                }
                if (node.getParentId().isEmpty()) {
                    break;
                }
                names.add(node.getDisplayName());
            }
            Collections.reverse(names);
            return String.join(" > ", names);
        }

        private Optional<Class<?>> classOf(TestIdentifier identifier) {
            for (TestIdentifier node = identifier; node != null; node = plan.getParent(node).orElse(null)) {
                Optional<TestSource> source = node.getSource();
                if (source.isPresent() && source.get() instanceof MethodSource method) {
                    return load(method.getClassName());
                }
                if (source.isPresent() && source.get() instanceof ClassSource type) {
                    return load(type.getClassName());
                }
            }
            return Optional.empty();
        }

        private Optional<Class<?>> load(String name) {
            try {
                return Optional.of(Class.forName(name, false, loader));
            } catch (ClassNotFoundException | LinkageError e) {
                return Optional.empty();
            }
        }
    }

    /**
     * Loads the kit's own classes (toolkit and graded tests) from the graded class path only,
     * everything else (JUnit, AssertJ, the course tools) from the grader's loader, so that the
     * tests see exactly the code under test, whatever else the grader's JVM has loaded.
     */
    private static final class GradedCodeLoader extends URLClassLoader {
        static {
            registerAsParallelCapable();
        }

        GradedCodeLoader(URL[] urls, ClassLoader parent) {
            super("graded-code", urls, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!HostClassPath.isGradedCode(name)) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                if (loaded == null) {
                    loaded = findClass(name);
                }
                if (resolve) {
                    resolveClass(loaded);
                }
                return loaded;
            }
        }

        @Override
        public URL getResource(String name) {
            URL own = findResource(name);
            return own != null ? own : super.getResource(name);
        }
    }

    /** A class loader that loads the kit's classes from {@code path} only (see {@link GradedCodeLoader}). */
    static URLClassLoader gradedCodeLoader(List<Path> path) {
        return new GradedCodeLoader(path.stream().map(GradedTestRun::url).toArray(URL[]::new), GradedTestRun.class.getClassLoader());
    }

    static Class<?> topLevel(Class<?> type) {
        Class<?> outer = type;
        while (outer.getEnclosingClass() != null) {
            outer = outer.getEnclosingClass();
        }
        return outer;
    }

    static List<Class<?>> topLevelClasses(Path testClasses, ClassLoader loader) throws IOException {
        try (Stream<Path> walk = Files.walk(testClasses)) {
            List<Class<?>> classes = new ArrayList<>();
            for (Path file : walk.filter(path -> path.toString().endsWith(".class")).sorted().toList()) {
                String relative = testClasses.relativize(file).toString();
                if (relative.contains("$") || relative.equals("module-info.class") || relative.endsWith("package-info.class")) {
                    continue;
                }
                String name = relative.substring(0, relative.length() - ".class".length())
                        .replace(file.getFileSystem().getSeparator(), ".");
                try {
                    classes.add(Class.forName(name, false, loader));
                } catch (ClassNotFoundException | LinkageError e) {
                    throw new IllegalStateException("cannot load the graded test class " + name + ": " + e, e);
                }
            }
            return classes;
        }
    }

    private static URL url(Path path) {
        try {
            return path.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(path + " is no class path entry", e);
        }
    }
}
