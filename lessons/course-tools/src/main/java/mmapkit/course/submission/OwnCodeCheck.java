package mmapkit.course.submission;

import mmapkit.course.files.FileTrees;
import mmapkit.course.grading.Grader;
import mmapkit.course.grading.KitModule;
import mmapkit.course.grading.TaskInfo;
import mmapkit.course.grading.TestPlan;
import mmapkit.course.model.ModuleResult;
import mmapkit.course.model.ModuleResult.Problem;
import mmapkit.course.model.TaskResult;
import mmapkit.course.model.TestResult;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Grades a learner's own code in their own copy of the kit ({@code ./course check}, {@code ./course
 * status}) the way a submission's tests run: in a grading JVM of its own, reporting over the private
 * channel. Whatever the code under test does - {@code System.exit}, an endless loop, a crash of the
 * JVM, a thread that never ends - ends at most that JVM: the test it was in fails with the reason,
 * a fresh JVM runs the tests after it, and the command always prints its report.
 *
 * <p>Unlike a submission it is compiled in this JVM (the learner's own code, on the learner's own
 * machine), and it runs without the sandbox and the integrity scan, which guard an instructor's
 * machine and grades from a learner's code; the resource limits still apply. The test plan is
 * discovered from the tests compiled against the learner's code, and kept ({@link CachedTestPlans}):
 * a check of code that changed since the last one starts no JUnit Platform in the command's JVM. Its
 * grading JVMs map the classes of the JDK and of the tools' jars from an archive ({@link ChildClassArchive}).
 */
public final class OwnCodeCheck {

    /** Where the test plans of compiled graded tests are kept, in the compile cache. */
    private static final String PLANS = "test-plans";
    /** Where the class-data sharing archives of grading JVMs are kept, in the compile cache. */
    private static final String CLASS_ARCHIVES = "class-archives";

    /**
     * How a grading JVM of a check starts quickly: with the client compiler only, as the command's own
     * JVM runs, since a module's tests run for seconds, and on a small machine the optimising
     * compiler's threads cost them more time than its code wins back; without the performance-data file;
     * and with class-data sharing, which {@link ChildClassArchive} adds its archive to.
     */
    static final List<String> JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-Xshare:auto");

    /** How long one module's check may take in all, before the time scale. */
    private static final Duration MODULE_TIMEOUT = Duration.ofMinutes(10);

    private OwnCodeCheck() {
    }

    /**
     * Grades {@code toolkitSources} (normally the module's {@code exercises/} code) against the module's graded
     * tests.
     *
     * @param grader   compiles (with the kit's compile cache)
     * @param onlyTask only this task's tests run; the module's other tasks are listed as not run
     * @throws IllegalArgumentException when {@code onlyTask} is no task of the module
     */
    public static ModuleResult check(Grader grader, KitModule module, String targetName, Path toolkitSources,
                                     Optional<String> onlyTask, Duration testTimeout, Duration moduleTimeout) {
        Grader.CompiledModule compiled = grader.compileWithTests(module, targetName, toolkitSources, null);
        if (compiled.problem() != null) {
            // the tasks as the test sources declare them: what the report lists when nothing compiles
            if (Grader.declaredTasks(module, onlyTask).isEmpty()) {
                return Grader.nothingToGrade(module, targetName);
            }
            return Grader.notGraded(module, targetName, compiled.problem().kind(), compiled.problem().message());
        }
        // the tasks as the compiled tests declare them (kept with their plan): no parse of the sources on a quick check
        TestPlan all = new CachedTestPlans(grader.cache().resolve(PLANS)).plan(compiled.testClasses(),
                compiled.classPath());
        Map<String, TaskInfo> declared = Grader.requireTask(module, all.tasks(), onlyTask);
        if (declared.isEmpty()) {
            return Grader.nothingToGrade(module, targetName);
        }
        TestPlan plan = only(all, onlyTask);
        GradingTools tools = GradingTools.inPlace();
        ChildClassArchive archive = ChildClassArchive.of(grader.cache().resolve(CLASS_ARCHIVES), tools);
        List<String> jvmOptions = new ArrayList<>(JVM_OPTIONS);
        jvmOptions.addAll(archive.jvmOptions());
        Optional<ChildClassArchive.Making> making = Optional.empty();
        Path scratch = createTemp();
        try {
            making = archive.startMaking(); // beside the tests, when an earlier check listed the classes
            // short: a socket's path has at most 107 bytes
            Path channels = Files.createDirectories(scratch.resolve("c"));
            SubmissionGrader.Settings settings = new SubmissionGrader.Settings(module.root(), moduleTimeout,
                    testTimeout, SubmissionGrader.DEFAULT_MAX_HEAP, null,
                    Sandbox.none("checking your own code on your own machine"),
                    tools, false, channels, jvmOptions);
            PlannedTestRun run = new PlannedTestRun(settings, module, scratch,
                    System.nanoTime() + moduleTimeout.toNanos());
            PlannedTestRun.Outcome outcome = run.run("check", plan, List.of(compiled.testClasses()),
                    compiled.classPath());
            List<TaskResult> tasks = new ArrayList<>();
            for (TaskInfo task : declared.values()) {
                List<TestResult> results = outcome.byTask().getOrDefault(task.id(), List.of());
                tasks.add(TaskResult.of(task.id(), task.title(), task.points(), Grader.hint(module, task.id()),
                        results));
            }
            Problem problem = outcome.problem();
            if (problem == null && plan.tests().isEmpty()) {
                problem = new Problem(Problem.Kind.NO_TEST_RAN, "no graded test of module " + module + " ran"
                        + onlyTask.map(id -> " for task " + id).orElse("") + ": nothing was graded");
            }
            return new ModuleResult(module.folder(), targetName, tasks, problem);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run the graded tests of module " + module + " in " + scratch, e);
        } finally {
            making.ifPresent(archive::finish);
            FileTrees.deleteQuietly(scratch);
        }
    }

    /** The module's default timeout for a check, grown by the time scale of this run. */
    public static Duration defaultModuleTimeout() {
        return mmapkit.course.TimeBudget.scaled(MODULE_TIMEOUT);
    }

    /** The part of {@code plan} that belongs to {@code onlyTask} (all of it when empty). */
    private static TestPlan only(TestPlan plan, Optional<String> onlyTask) {
        if (onlyTask.isEmpty()) {
            return plan;
        }
        String id = onlyTask.get();
        List<TestPlan.PlannedTest> tests = plan.tests().stream().filter(test -> test.taskId().equals(id)).toList();
        Set<String> classIds = tests.stream().map(TestPlan.PlannedTest::classId).collect(Collectors.toSet());
        List<String> classes = plan.testClasses().stream()
                .filter(name -> classIds.stream().anyMatch(classId -> classId.contains("[class:" + name + "]")))
                .toList();
        return new TestPlan(Map.of(id, plan.tasks().get(id)), tests, classes);
    }

    private static Path createTemp() {
        try {
            return Files.createTempDirectory("mmap-check-").toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary folder", e);
        }
    }
}
