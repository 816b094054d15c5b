package mmapkit.course.submission;

import mmapkit.course.files.FileTrees;
import mmapkit.course.grading.Grader;
import mmapkit.course.grading.KitModule;
import mmapkit.course.grading.TestPlan;
import mmapkit.course.model.Target;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The steps of one {@code ./course check} timed one by one, for bench/check-time: reading the tasks,
 * compiling (cached), the test plan (cached, then discovered), the grading JVMs, and for comparison
 * the graded tests run in this JVM. It lives in the package of the grading code to reach its steps.
 */
public final class CheckPhases {

    private CheckPhases() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getProperty("kit.root", ".")).toAbsolutePath().normalize();
        KitModule module = KitModule.named(root, args[0]);
        Grader grader = new Grader(root, root.resolve(".course/build"), Grader.DEFAULT_TEST_TIMEOUT);
        Path sources = module.toolkitSources(Target.EXERCISES);
        long t0 = System.nanoTime();
        Grader.declaredTasks(module, Optional.empty());
        long t1 = System.nanoTime();
        Grader.CompiledModule compiled = grader.compileWithTests(module, Target.EXERCISES.folder(), sources, null);
        long t2 = System.nanoTime();
        TestPlan plan = new CachedTestPlans(grader.cache().resolve("test-plans")).plan(compiled.testClasses(),
                compiled.classPath());
        long t3 = System.nanoTime();
        TestPlan.discover(compiled.testClasses(), compiled.classPath());
        long t4 = System.nanoTime();
        Path scratch = Files.createTempDirectory("mmap-check-phases-").toRealPath();
        Path channels = Files.createDirectories(scratch.resolve("c"));
        SubmissionGrader.Settings settings = new SubmissionGrader.Settings(module.root(),
                OwnCodeCheck.defaultModuleTimeout(), Grader.DEFAULT_TEST_TIMEOUT, SubmissionGrader.DEFAULT_MAX_HEAP,
                null, Sandbox.none("bench"), GradingTools.inPlace(), false, channels, OwnCodeCheck.JVM_OPTIONS);
        PlannedTestRun run = new PlannedTestRun(settings, module, scratch,
                System.nanoTime() + OwnCodeCheck.defaultModuleTimeout().toNanos());
        run.run("check", plan, List.of(compiled.testClasses()), compiled.classPath());
        long t5 = System.nanoTime();
        long jvms;
        try (var runs = Files.list(scratch)) {
            jvms = runs.filter(path -> path.getFileName().toString().startsWith("check-run-")).count();
        }
        FileTrees.deleteQuietly(scratch);
        long t6 = System.nanoTime();
        grader.grade(module, Target.EXERCISES.folder(), sources, Optional.empty());
        long t7 = System.nanoTime();
        System.out.printf("phases-ms tasks %d compile %d plan (cached) %d plan discovered %d grading JVMs (%d) %d"
                + " | in-process grade (JUnit warm) %d%n", ms(t1 - t0), ms(t2 - t1), ms(t3 - t2), ms(t4 - t3), jvms,
                ms(t5 - t4), ms(t7 - t6));
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }
}
