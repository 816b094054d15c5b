package mmapkit.course.grading;

import mmapkit.course.model.ModuleResult;
import mmapkit.course.model.TaskResult;
import mmapkit.course.model.Target;

import mmapkit.course.model.ModuleResult.Problem;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Grades one module: compiles the code under test (the learner's exercises, the reference
 * solutions, or any folder with the same packages), compiles the module's graded tests against
 * it, runs them and sums the points per task.
 *
 * <p>Earlier modules are always given as their reference code, compiled from
 * {@code solutions/MM}. A compile error, or a run in which no graded test executed, is a
 * {@link Problem} with the reason, and the module earns nothing: grading never reports an
 * empty success.
 */
public final class Grader {

    /** How long one graded test may run before it fails as timed out. */
    public static final Duration DEFAULT_TEST_TIMEOUT = Duration.ofSeconds(60);

    private final Path cache;
    private final SourceCompiler compiler;
    private final GradedTestRun run;

    /**
     * @param cache       where compiled classes are kept between runs (the CLI uses {@code .course/build})
     * @param testTimeout how long one test may run
     */
    public Grader(Path kitRoot, Path cache, Duration testTimeout) {
        this.cache = cache;
        this.compiler = new SourceCompiler(cache, kitRoot.toAbsolutePath().normalize());
        this.run = new GradedTestRun(testTimeout);
    }

    /** Where compiled classes are kept between runs; other caches of a grading run may live there too. */
    public Path cache() {
        return cache;
    }

    /** Grades a module against the exercises or solutions of this kit. */
    public ModuleResult grade(KitModule module, Target target) {
        return grade(module, target.folder(), module.toolkitSources(target), Optional.empty());
    }

    /**
     * Grades a module against the toolkit sources in {@code toolkitSources}.
     *
     * @param targetName what the report calls the code under test
     * @param onlyTask   grade only this task (the others are reported as not run)
     */
    public ModuleResult grade(KitModule module, String targetName, Path toolkitSources, Optional<String> onlyTask) {
        Map<String, TaskInfo> declared = declaredTasks(module, onlyTask);
        if (declared.isEmpty()) {
            return nothingToGrade(module, targetName);
        }

        CompiledModule compiled = compileWithTests(module, targetName, toolkitSources, null);
        if (compiled.problem() != null) {
            return failed(module, targetName, declared, compiled.problem().kind(), compiled.problem().message());
        }
        List<Path> underTest = compiled.classPath();
        SourceCompiler.Compiled tests = new SourceCompiler.Compiled(compiled.testClasses(), null);

        GradedTestRun.Outcome outcome = run.run(tests.classes(), underTest, onlyTask,
                frame -> location(module, frame.getClassName(), frame.getFileName(), frame.getLineNumber()));
        List<TaskResult> tasks = new ArrayList<>();
        for (TaskInfo task : outcome.tasks().values()) {
            tasks.add(TaskResult.of(task.id(), task.title(), task.points(), hint(module, task.id()),
                    outcome.resultsByTask().getOrDefault(task.id(), List.of())));
        }
        Problem problem = null;
        if (!outcome.runFailures().isEmpty()) {
            problem = new Problem(Problem.Kind.RUN_FAILED, String.join("\n", outcome.runFailures()));
        } else if (tasks.stream().allMatch(task -> task.tests().isEmpty())) {
            problem = new Problem(Problem.Kind.NO_TEST_RAN, "no graded test of module " + module + " ran"
                    + onlyTask.map(id -> " for task " + id).orElse("") + ": nothing was graded");
        }
        return new ModuleResult(module.folder(), targetName, tasks, problem);
    }

    /**
     * The tasks the graded tests of a module declare (read from their sources), checking the one task
     * a command was asked to grade.
     *
     * @throws IllegalArgumentException when {@code onlyTask} is no task of the module
     */
    public static Map<String, TaskInfo> declaredTasks(KitModule module, Optional<String> onlyTask) {
        return requireTask(module, TaskInfo.fromSources(module.gradedTestSources()), onlyTask);
    }

    /**
     * Checks that {@code onlyTask}, when present, is one of the {@code declared} tasks of the module.
     *
     * @return {@code declared}
     * @throws IllegalArgumentException when it is not, naming the module's tasks
     */
    public static Map<String, TaskInfo> requireTask(KitModule module, Map<String, TaskInfo> declared,
                                                    Optional<String> onlyTask) {
        onlyTask.ifPresent(id -> {
            if (!declared.containsKey(id)) {
                throw new IllegalArgumentException("task '" + id + "' is not a task of module " + module
                        + ": its tasks are " + declared.keySet());
            }
        });
        return declared;
    }

    /** The result of a module whose graded tests declare no task. */
    public static ModuleResult nothingToGrade(KitModule module, String targetName) {
        return failed(module, targetName, Map.of(), Problem.Kind.NO_TEST_RAN,
                module.relative(module.gradedTestSources())
                        + " declares no @Task test class: there is nothing to grade");
    }

    /**
     * A module compiled for grading: the code under test (its own classes first, then earlier
     * modules'), the graded tests compiled against it, and hidden tests when there are any; or
     * why it could not be compiled.
     */
    public record CompiledModule(List<Path> classPath, Path testClasses, Path hiddenTestClasses, Problem problem) {
    }

    /**
     * Compiles the code under test and the module's graded tests against it (and the hidden tests
     * in {@code hiddenTestSources}, when not null, against both).
     */
    public CompiledModule compileWithTests(KitModule module, String targetName, Path toolkitSources, Path hiddenTestSources) {
        Compiled compiled = compileToolkit(module, targetName, toolkitSources);
        if (compiled.problem() != null) {
            return new CompiledModule(null, null, null, compiled.problem());
        }
        List<Path> underTest = compiled.classPath();
        Path toolkitClasses = underTest.getFirst();
        SourceCompiler.Compiled tests = compiler.compile("lessons-" + module.folder() + "-for-" + toolkitClasses.getFileName(),
                module.gradedTestSources(), underTest);
        if (!tests.succeeded()) {
            return new CompiledModule(null, null, null, new Problem(Problem.Kind.TESTS_DO_NOT_COMPILE, "the graded tests of module "
                    + module + " do not compile against " + module.relative(toolkitSources)
                    + ": did a public class or method signature change? Keep the signatures the exercise gives.\n" + tests.errors()));
        }
        Path hidden = null;
        if (hiddenTestSources != null) {
            List<Path> withTests = new ArrayList<>(underTest);
            withTests.add(tests.classes());
            SourceCompiler.Compiled hiddenTests = compiler.compile("hidden-" + module.folder() + "-for-" + toolkitClasses.getFileName(),
                    hiddenTestSources, withTests);
            if (!hiddenTests.succeeded()) {
                return new CompiledModule(null, null, null, new Problem(Problem.Kind.TESTS_DO_NOT_COMPILE, "the hidden tests of module "
                        + module + " do not compile against the submitted code: did a public class or method signature change?"
                        + " Keep the signatures the exercise gives.\n" + hiddenTests.errors()));
            }
            hidden = hiddenTests.classes();
        }
        return new CompiledModule(underTest, tests.classes(), hidden, null);
    }

    /** Where a frame of a graded test lies, as a path in the kit: {@code lessons/01-mapping/src/test/java/.../XTest.java:42}. */
    public static String location(KitModule module, String className, String fileName, int line) {
        String packagePath = className.contains(".") ? className.substring(0, className.lastIndexOf('.')).replace('.', '/') + "/" : "";
        return module.relative(module.gradedTestSources().resolve(packagePath + fileName)) + ":" + line;
    }

    /** The class path of a compiled toolkit (its own classes first, then earlier modules'), or why it does not compile. */
    private record Compiled(List<Path> classPath, Problem problem) {
    }

    private Compiled compileToolkit(KitModule module, String targetName, Path toolkitSources) {
        List<Path> earlier = new ArrayList<>();
        for (KitModule previous : module.earlier()) {
            Path sources = previous.toolkitSources(Target.SOLUTIONS);
            if (!Files.isDirectory(sources) && Files.isDirectory(previous.releasedClasses())) {
                earlier.add(previous.releasedClasses()); // a student export: released as compiled code
                continue;
            }
            if (!Files.isDirectory(sources)) {
                return new Compiled(null, new Problem(Problem.Kind.COMPILE_ERROR, "the reference code of module " + previous
                        + ", which module " + module + " builds on, is not in this kit: neither " + module.relative(sources)
                        + " nor " + module.relative(previous.releasedClasses()) + " exists"));
            }
            SourceCompiler.Compiled compiled = compiler.compile("solutions-" + previous.folder(), sources, earlier);
            if (!compiled.succeeded()) {
                return new Compiled(null, new Problem(Problem.Kind.COMPILE_ERROR, "the reference code of module " + previous
                        + ", which module " + module + " builds on, does not compile:\n" + compiled.errors()));
            }
            earlier.add(compiled.classes());
        }
        if (!Files.isDirectory(toolkitSources)) {
            return new Compiled(null, new Problem(Problem.Kind.COMPILE_ERROR, module.relative(toolkitSources)
                    + " does not exist: there is no code to grade"));
        }
        SourceCompiler.Compiled toolkit = compiler.compile(targetName.replace('/', '_') + "-" + module.folder(), toolkitSources, earlier);
        if (!toolkit.succeeded()) {
            return new Compiled(null, new Problem(Problem.Kind.COMPILE_ERROR, "the code in " + module.relative(toolkitSources)
                    + " does not compile:\n" + toolkit.errors()));
        }
        List<Path> classPath = new ArrayList<>();
        classPath.add(toolkit.classes());
        classPath.addAll(earlier);
        return new Compiled(classPath, null);
    }

    /**
     * The class path on which a module's own programs (its experiments) run against one target:
     * the target's compiled classes, then the reference code of earlier modules.
     *
     * @throws IllegalStateException with the compiler's messages when the code does not compile
     */
    public List<Path> classPath(KitModule module, Target target) {
        Compiled compiled = compileToolkit(module, target.folder(), module.toolkitSources(target));
        if (compiled.problem() != null) {
            throw new IllegalStateException(compiled.problem().message());
        }
        return compiled.classPath();
    }

    /** The points the visible graded tests of a module declare. */
    public static int notGradedPossible(KitModule module) {
        return TaskInfo.fromSources(module.gradedTestSources()).values().stream().mapToInt(TaskInfo::points).sum();
    }

    /** A module that could not be graded at all: every declared task not run, and why. */
    public static ModuleResult notGraded(KitModule module, String target, Problem.Kind kind, String message) {
        return failed(module, target, TaskInfo.fromSources(module.gradedTestSources()), kind, message);
    }

    private static ModuleResult failed(KitModule module, String target, Map<String, TaskInfo> declared, Problem.Kind kind, String message) {
        List<TaskResult> tasks = declared.values().stream()
                .map(task -> TaskResult.of(task.id(), task.title(), task.points(), hint(module, task.id()), List.of()))
                .toList();
        return new ModuleResult(module.folder(), target, tasks, new Problem(kind, message));
    }

    public static String hint(KitModule module, String taskId) {
        Path hint = module.hint(taskId);
        return Files.isRegularFile(hint) ? module.relative(hint) : null;
    }
}
