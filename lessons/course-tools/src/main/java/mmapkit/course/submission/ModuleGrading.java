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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Grades one module of one submission: stages it, compiles it in the sandbox, scans the learner's
 * classes, runs the planned tests in sandboxed grading JVMs (restarting after a JVM that died in a
 * test) and turns their reported outcomes into points from the plan.
 *
 * <p>Only the learner's exercise files (those with solution regions in the kit) and files of their
 * own are taken from the submission; every other file of the module comes from the kit. The visible
 * tests run in grading JVMs that never see a hidden test; hidden tests run in JVMs of their own.
 */
final class ModuleGrading {

    /** How long the compiler may take for one module. */
    static final Duration COMPILE_TIMEOUT = Duration.ofSeconds(300);

    private final SubmissionGrader.Settings settings;
    private final ModulePlan plan;
    private final Path scratch;
    private final long deadline;

    ModuleGrading(SubmissionGrader.Settings settings, ModulePlan plan, Path scratch) {
        this.settings = settings;
        this.plan = plan;
        this.scratch = scratch;
        this.deadline = System.nanoTime() + settings.moduleTimeout().toNanos();
    }

    private KitModule module() {
        return plan.module();
    }

    /**
     * Grades the module.
     *
     * @param submitted the learner's {@code exercises/NN-name/src/main/java} (a private copy), or null when not submitted
     */
    ModuleResult grade(Path submitted) throws IOException {
        if (submitted == null) {
            return notGraded(Problem.Kind.NOT_SUBMITTED, "the submission has no exercises/" + module().folder() + "/src/main/java");
        }
        Path kit = scratch.resolve("kit");
        Set<String> learnerFiles = stage(submitted, kit);
        Path hiddenSources = null;
        if (plan.hidden() != null) {
            hiddenSources = scratch.resolve("hidden-sources");
            FileTrees.copy(settings.hidden().sources(module().folder()), hiddenSources);
        }
        Compilation compiled = compile(kit, hiddenSources);
        if (compiled.problem() != null) {
            return notGraded(compiled.problem().kind(), compiled.problem().message());
        }
        List<IntegrityScan.Finding> findings = IntegrityScan.scan(compiled.classPath().getFirst(), learnerFiles::contains,
                plan.ownPackages(), plan.reservedNames(), plan.allowances());
        if (!findings.isEmpty() && !settings.allowFlagged()) {
            return notGraded(Problem.Kind.FLAGGED, "the integrity scan flagged the submitted code of module " + module()
                    + ", so it was not run and earns 0 (an instructor who reviewed it can accept it with --allow-flagged):\n  "
                    + findings.stream().limit(30).map(IntegrityScan.Finding::toString).collect(Collectors.joining("\n  "))
                    + (findings.size() > 30 ? "\n  ... and " + (findings.size() - 30) + " more" : ""));
        }
        PlannedTestRun runs = new PlannedTestRun(settings, module(), scratch, deadline);
        PlannedTestRun.Outcome visible = runs.run("visible", plan.visible(), List.of(compiled.tests()), compiled.classPath());
        PlannedTestRun.Outcome hidden = null;
        if (plan.hidden() != null) {
            // hidden tests in JVMs of their own: the JVMs whose messages the learner reads never see a hidden class
            hidden = runs.run("hidden", plan.hidden(), List.of(compiled.hidden(), compiled.tests()), compiled.classPath());
        }
        List<TaskResult> tasks = new ArrayList<>(tasks(plan.visible(), visible, false));
        if (hidden != null) {
            tasks.addAll(tasks(plan.hidden(), hidden, true));
        }
        Problem problem = visible.problem() != null ? visible.problem() : hidden == null ? null : hidden.problem();
        return new ModuleResult(module().folder(), SubmissionGrader.TARGET, tasks, problem);
    }

    /** Every planned task, none run, and why. */
    ModuleResult notGraded(Problem.Kind kind, String message) {
        List<TaskResult> tasks = new ArrayList<>(tasks(plan.visible(), PlannedTestRun.Outcome.EMPTY, false));
        if (plan.hidden() != null) {
            tasks.addAll(tasks(plan.hidden(), PlannedTestRun.Outcome.EMPTY, true));
        }
        return new ModuleResult(module().folder(), SubmissionGrader.TARGET, tasks, new Problem(kind, message));
    }

    private List<TaskResult> tasks(TestPlan testPlan, PlannedTestRun.Outcome outcome, boolean hidden) {
        List<TaskResult> tasks = new ArrayList<>();
        for (TaskInfo task : testPlan.tasks().values()) {
            List<TestResult> results = outcome.byTask().getOrDefault(task.id(), List.of());
            if (hidden) {
                tasks.add(TaskResult.of(task.id(), task.title(), task.points(), null, results)
                        .asHidden(settings.hidden().hint(module().folder(), task.id())));
            } else {
                tasks.add(TaskResult.of(task.id(), task.title(), task.points(), Grader.hint(module(), task.id()), results));
            }
        }
        return tasks;
    }

    // ---------------------------------------------------------------- staging and compiling

    /**
     * A kit of this module alone: the kit's exercise folder with the learner's exercise files and
     * own files over it, the graded tests, and the earlier modules' compiled reference code.
     *
     * @return the learner's files, relative to {@code src/main/java}
     */
    private Set<String> stage(Path submitted, Path kit) throws IOException {
        for (KitModule other : KitModule.all(settings.kitRoot())) {
            Files.createDirectories(kit.resolve("lessons").resolve(other.folder()));
        }
        List<KitModule> earlier = plan.earlierModules();
        for (int i = 0; i < earlier.size(); i++) {
            FileTrees.copy(plan.earlierClasses().get(i), kit.resolve("solutions").resolve(earlier.get(i).folder()).resolve("classes"));
        }
        FileTrees.copy(module().gradedTestSources(), kit.resolve("lessons").resolve(module().folder()).resolve("src/test/java"));
        Path kitExercise = settings.kitRoot().resolve("exercises").resolve(module().folder()).resolve("src/main");
        Path exercise = kit.resolve("exercises").resolve(module().folder()).resolve("src/main");
        FileTrees.copy(kitExercise, exercise);
        Set<String> kitFiles = new LinkedHashSet<>();
        for (Path file : FileTrees.javaFiles(kitExercise.resolve("java"))) {
            kitFiles.add(relative(kitExercise.resolve("java"), file));
        }
        Set<String> learnerFiles = new LinkedHashSet<>();
        for (Path file : FileTrees.javaFiles(submitted)) {
            String relative = relative(submitted, file);
            if (kitFiles.contains(relative) && !plan.exerciseFiles().contains(relative)) {
                continue; // a file the kit gives ready-made: the kit's copy is graded, whatever the submission holds
            }
            Path target = exercise.resolve("java").resolve(relative);
            Files.createDirectories(target.getParent());
            Files.copy(file, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            learnerFiles.add(relative);
        }
        return learnerFiles;
    }

    private static String relative(Path root, Path file) {
        return root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
    }

    /** The compiled module: code under test first, then earlier modules; the visible and hidden tests. */
    private record Compilation(List<Path> classPath, Path tests, Path hidden, Problem problem) {
    }

    private Compilation compile(Path kit, Path hiddenSources) throws IOException {
        Path work = Files.createDirectories(scratch.resolve("compile"));
        Path result = work.resolve("result.txt");
        Files.createDirectories(work.resolve("home"));
        Files.createDirectories(work.resolve("tmp"));
        List<String> command = new ArrayList<>(List.of(settings.tools().java().toString(), "-Xmx1g", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-XX:-CreateCoredumpOnCrash", "-Djava.io.tmpdir=" + work.resolve("tmp"),
                "-Duser.home=" + work.resolve("home"), "-cp", settings.tools().classPath(),
                CompileJvm.class.getName(), kit.toString(), module().folder(), work.resolve("cache").toString(), result.toString()));
        List<Path> readOnly = new ArrayList<>(List.of(kit));
        readOnly.addAll(settings.tools().readOnlyPaths());
        if (hiddenSources != null) {
            command.add(hiddenSources.toString());
            readOnly.add(hiddenSources);
        }
        GradingProcess.Run child = GradingProcess.run(settings, command, readOnly, List.of(work), work,
                Math.min(COMPILE_TIMEOUT.toMillis(), remainingMillis()), null);
        if (child.killed()) {
            return new Compilation(null, null, null, new Problem(Problem.Kind.COMPILE_ERROR, "compiling module " + module()
                    + " did not finish within " + seconds(Duration.ofMillis(Math.min(COMPILE_TIMEOUT.toMillis(), remainingMillis())))
                    + "; the compiler was stopped"));
        }
        String text = Files.exists(result) && Files.size(result) < (4 << 20) ? Files.readString(result, StandardCharsets.UTF_8) : null;
        if (child.exitStatus() != 0 || text == null) {
            return new Compilation(null, null, null, new Problem(Problem.Kind.COMPILE_ERROR, "the compiler of module " + module()
                    + " ended with status " + child.exitStatus() + " and no result" + child.stderrTail()));
        }
        if (text.startsWith("problem ")) {
            String kind = text.substring("problem ".length(), text.indexOf('\n') < 0 ? text.length() : text.indexOf('\n'));
            String message = text.indexOf('\n') < 0 ? "" : text.substring(text.indexOf('\n') + 1);
            return new Compilation(null, null, null, new Problem(Problem.Kind.valueOf(kind), message));
        }
        List<Path> classPath = new ArrayList<>();
        Path tests = null;
        Path hidden = null;
        for (String line : text.lines().toList()) {
            Path path = Path.of(line.substring(line.indexOf(' ') + 1)).toAbsolutePath().normalize();
            if (!path.startsWith(work) && !path.startsWith(kit)) {
                throw new IllegalStateException("the compiler named a folder outside its own: " + path);
            }
            if (line.startsWith("classpath ")) {
                classPath.add(path);
            } else if (line.startsWith("tests ")) {
                tests = path;
            } else if (line.startsWith("hidden ")) {
                hidden = path;
            }
        }
        return new Compilation(classPath, tests, hidden, null);
    }

    private long remainingMillis() {
        return TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
    }

    static String seconds(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }
}
