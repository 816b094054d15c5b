package mmapkit.course.submission;

import mmapkit.course.files.FileTrees;
import mmapkit.course.grading.Grader;
import mmapkit.course.grading.KitModule;
import mmapkit.course.grading.TaskInfo;
import mmapkit.course.grading.TestPlan;
import mmapkit.course.grading.TestPlan.PlannedTest;
import mmapkit.course.harness.GradingChild;
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
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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
    /** How long a grading JVM may take to start and connect to its channel. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(60);
    /** How much longer than the test timeout the grader waits for a test before it stops the JVM itself. */
    static final Duration WATCHDOG_GRACE = Duration.ofSeconds(10);

    private static final int STDERR_LINES_SHOWN = 15;

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
        Outcome visible = run("visible", plan.visible(), List.of(compiled.tests()), compiled.classPath());
        Outcome hidden = null;
        if (plan.hidden() != null) {
            // hidden tests in JVMs of their own: the JVMs whose messages the learner reads never see a hidden class
            hidden = run("hidden", plan.hidden(), List.of(compiled.hidden(), compiled.tests()), compiled.classPath());
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
        List<TaskResult> tasks = new ArrayList<>(tasks(plan.visible(), Outcome.EMPTY, false));
        if (plan.hidden() != null) {
            tasks.addAll(tasks(plan.hidden(), Outcome.EMPTY, true));
        }
        return new ModuleResult(module().folder(), SubmissionGrader.TARGET, tasks, new Problem(kind, message));
    }

    private List<TaskResult> tasks(TestPlan testPlan, Outcome outcome, boolean hidden) {
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
        List<Path> readOnly = new ArrayList<>(List.of(kit, settings.tools().folder()));
        if (hiddenSources != null) {
            command.add(hiddenSources.toString());
            readOnly.add(hiddenSources);
        }
        ChildRun child = runProcess(command, readOnly, List.of(work), work, Math.min(COMPILE_TIMEOUT.toMillis(), remainingMillis()), null);
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

    // ---------------------------------------------------------------- running the planned tests

    /** What the grading JVMs reported for one plan, checked against it; or why the module earns nothing. */
    private record Outcome(Map<String, List<TestResult>> byTask, Problem problem) {
        static final Outcome EMPTY = new Outcome(Map.of(), null);
    }

    /** What one grading process left behind. */
    private record ChildRun(int exitStatus, boolean killed, String stderrTail, boolean outOfMemory, String oomDetail, long outputBytes) {
    }

    /**
     * Runs a plan in as many grading JVMs as it takes: when one ends in a test, that test fails with
     * the reason, and a fresh JVM grades the tests not done yet.
     */
    private Outcome run(String label, TestPlan testPlan, List<Path> testClasses, List<Path> classPath) throws IOException {
        Map<String, List<TestResult>> recorded = new LinkedHashMap<>(); // planned id -> its results
        Set<String> done = new LinkedHashSet<>(); // planned ids and class ids that need not run again
        Problem problem = null;
        int maxRuns = testPlan.tests().size() + 2; // every restart finishes at least one test, or grading stops
        for (int runs = 1; ; runs++) {
            Path work = Files.createDirectories(scratch.resolve(label + "-run-" + runs));
            RunState state = new RunState();
            ChildRun child;
            try (GradingChannel channel = GradingChannel.open(Files.createTempDirectory(settings.channels(), label.substring(0, 1)))) {
                child = runGradingJvm(testPlan, testClasses, classPath, work, channel, done, recorded, state);
            }
            if (state.violation != null) {
                failRemaining(testPlan, recorded, "not graded: the grading JVM's report broke the grader's rules (" + state.violation
                        + "), so nothing after that point is trusted");
                break;
            }
            if (state.completed) {
                break;
            }
            if (remainingMillis() <= 0) {
                String timeout = "the module timeout (" + seconds(settings.moduleTimeout()) + ") passed";
                if (state.inFlight != null) {
                    fail(recorded, state.inFlight, "timed out: this test was still running when " + timeout
                            + " (an endless loop, or a wait that is never woken?); its grading JVM was stopped");
                    failRemaining(testPlan, recorded, "not graded: " + timeout + " before this test ran");
                } else {
                    failRemaining(testPlan, recorded, "not graded: " + timeout + " before this test ran");
                    problem = new Problem(Problem.Kind.TIMED_OUT, "timed out: grading module " + module() + " took longer than "
                            + seconds(settings.moduleTimeout()) + " (an endless loop, or a wait that is never woken?); its JVM was stopped");
                }
                break;
            }
            if (state.restart) {
                if (done.size() == state.doneBefore || runs >= maxRuns) {
                    failRemaining(testPlan, recorded, "not graded: the grading JVMs made no progress");
                    break;
                }
                continue;
            }
            // the JVM ended (or was stopped) before it reported 'done': fail the test it was in, go on with the rest
            PlannedTest culprit = state.inFlight;
            if (culprit == null) {
                String why = !state.connected ? "the grading JVM never connected to the grader (it ended with status "
                        + child.exitStatus() + ")" + child.stderrTail()
                        : "the grading JVM ended with status " + child.exitStatus() + " outside any test" + child.stderrTail();
                failRemaining(testPlan, recorded, "not graded: " + why);
                if (recorded.values().stream().flatMap(List::stream).allMatch(ModuleGrading::notGraded)) {
                    problem = new Problem(Problem.Kind.GRADING_JVM_FAILED, why);
                }
                break;
            }
            fail(recorded, culprit, reason(child, state));
            done.add(culprit.uniqueId());
            if (runs >= maxRuns) {
                failRemaining(testPlan, recorded, "not graded: grading stopped after " + runs + " grading JVMs, each of which ended in a test");
                break;
            }
        }
        Map<String, List<TestResult>> byTask = new LinkedHashMap<>();
        for (PlannedTest test : testPlan.tests()) {
            List<TestResult> results = recorded.get(test.uniqueId());
            if (results == null || results.isEmpty()) {
                results = List.of(new TestResult(test.testClass(), test.name(), TestResult.Status.FAILED,
                        NO_OUTCOME, null));
            }
            byTask.computeIfAbsent(test.taskId(), id -> new ArrayList<>()).addAll(results);
        }
        if (problem == null && byTask.values().stream().flatMap(List::stream).allMatch(ModuleGrading::notGraded)) {
            problem = new Problem(Problem.Kind.NO_TEST_RAN, "no graded test of module " + module() + " ran: nothing was graded");
        }
        return new Outcome(byTask, problem);
    }

    /** A result the grader made up because the test never ran (as opposed to one it ran and failed). */
    private static boolean notGraded(TestResult result) {
        return result.status() == TestResult.Status.FAILED && result.message() != null
                && (result.message().startsWith("not graded") || result.message().equals(NO_OUTCOME));
    }

    private static final String NO_OUTCOME = "no outcome was reported for this test";

    /** What the grader saw of one grading JVM. */
    private static final class RunState {
        boolean connected;
        boolean completed;
        boolean restart;
        String violation;
        PlannedTest inFlight;
        long inFlightSince;
        int doneBefore;
    }

    private ChildRun runGradingJvm(TestPlan testPlan, List<Path> testClasses, List<Path> classPath, Path work, GradingChannel channel,
                                   Set<String> done, Map<String, List<TestResult>> recorded, RunState state) throws IOException {
        Files.createDirectories(work.resolve("tmp"));
        Files.createDirectories(work.resolve("home"));
        state.doneBefore = done.size();
        List<Path> path = new ArrayList<>();
        path.addAll(testClasses);
        path.addAll(classPath.subList(1, classPath.size())); // earlier modules: the kit's, before the learner's
        List<String> command = new ArrayList<>(List.of(settings.tools().java().toString(),
                "-Xmx" + settings.maxHeap(), "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError", "-XX:-CreateCoredumpOnCrash",
                "-XX:ErrorFile=" + work.resolve("hs_err_%p.log"), "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=deny", "-Djava.io.tmpdir=" + work.resolve("tmp"), "-Duser.home=" + work.resolve("home"),
                "--module-path", settings.tools().modulePathText(), "--add-modules", "ALL-MODULE-PATH",
                "-cp", String.join(java.io.File.pathSeparator, path.stream().map(Path::toString).toList())
                        + java.io.File.pathSeparator + settings.tools().testLibraries()
                        + java.io.File.pathSeparator + classPath.getFirst(),
                "-m", settings.tools().harnessMain(), channel.socket().toString()));
        List<Path> readOnly = new ArrayList<>(path);
        readOnly.add(classPath.getFirst());
        readOnly.add(settings.tools().folder());
        readOnly.add(channel.folder());
        return runProcess(command, readOnly, List.of(work), work, remainingMillis(), process -> {
            try {
                state.connected = channel.accept(process, CONNECT_TIMEOUT, settings.testTimeout().toMillis(), testPlan.testClasses(), done);
                if (!state.connected) {
                    return;
                }
                follow(testPlan, channel, process, done, recorded, state);
            } catch (IOException e) {
                state.violation = "the channel failed: " + e.getMessage();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** Reads the grading JVM's events until it is done, dies, breaks a rule, or a test outlives the watchdog. */
    private void follow(TestPlan testPlan, GradingChannel channel, Process process, Set<String> done,
                        Map<String, List<TestResult>> recorded, RunState state) throws InterruptedException {
        long watchdog = settings.testTimeout().plus(WATCHDOG_GRACE).toNanos();
        Set<String> reportedLeaves = new LinkedHashSet<>();
        while (true) {
            if (remainingMillis() <= 0) {
                return;
            }
            GradingChannel.Event event = channel.next(Duration.ofMillis(200));
            if (event == null) {
                if (state.inFlight != null && System.nanoTime() - state.inFlightSince > watchdog) {
                    state.restart = false;
                    return; // the caller stops the JVM; the test fails as timed out
                }
                if (!process.isAlive()) {
                    event = channel.next(Duration.ofMillis(500)); // what it sent just before it ended
                    if (event == null) {
                        return;
                    }
                } else {
                    continue;
                }
            }
            if (event == GradingChannel.CLOSED) {
                return;
            }
            if (event.isMalformed()) {
                state.violation = event.malformed();
                return;
            }
            switch (event.kind()) {
                case "started" -> {
                    String id = event.field(0);
                    PlannedTest test = testPlan.testOf(id).orElse(null);
                    if (test == null && testPlan.tests().stream().noneMatch(planned -> planned.classId().equals(id)
                            || planned.uniqueId().startsWith(id + "/"))) {
                        state.violation = "it reported a test the plan does not have: " + id;
                        return;
                    }
                    if (test != null) {
                        state.inFlight = test;
                        state.inFlightSince = System.nanoTime();
                    } else {
                        state.inFlightSince = System.nanoTime(); // a class's set-up: the watchdog covers it too
                        state.inFlight = testPlan.tests().stream().filter(planned -> planned.uniqueId().startsWith(id + "/")
                                && !done.contains(planned.uniqueId())).findFirst().orElse(null);
                    }
                }
                case "result" -> {
                    if (!record(testPlan, event, recorded, reportedLeaves, done, state)) {
                        return;
                    }
                }
                case "finished" -> {
                    String id = event.field(0);
                    testPlan.testOf(id).filter(test -> test.uniqueId().equals(id)).ifPresent(test -> done.add(test.uniqueId()));
                    if (testPlan.tests().stream().anyMatch(planned -> planned.classId().equals(id))) {
                        done.add(id);
                    }
                    if (state.inFlight != null && (state.inFlight.covers(id) || state.inFlight.uniqueId().startsWith(id + "/"))) {
                        state.inFlight = null;
                    }
                }
                case "restart" -> {
                    state.restart = true;
                    return;
                }
                case "done" -> {
                    state.completed = true;
                    return;
                }
                default -> {
                    state.violation = "an unknown event " + event.kind();
                    return;
                }
            }
        }
    }

    /** Records a result, checked: a planned test (or an invocation of one) reported once, or a class's set-up that failed. */
    private boolean record(TestPlan testPlan, GradingChannel.Event event, Map<String, List<TestResult>> recorded, Set<String> reportedLeaves,
                           Set<String> done, RunState state) {
        String id = event.field(0);
        TestResult.Status status;
        try {
            status = TestResult.Status.valueOf(event.field(3));
        } catch (IllegalArgumentException e) {
            state.violation = "a result with the status '" + event.field(3) + "'";
            return false;
        }
        String message = event.field(4).isEmpty() ? null : event.field(4);
        String location = location(event.field(5));
        PlannedTest test = testPlan.testOf(id).orElse(null);
        if (test != null) {
            if (!reportedLeaves.add(id) || (done.contains(test.uniqueId()) && test.uniqueId().equals(id))) {
                state.violation = "it reported the test " + test.testClass() + " > " + test.name() + " twice";
                return false;
            }
            recorded.computeIfAbsent(test.uniqueId(), key -> new ArrayList<>())
                    .add(new TestResult(test.testClass(), id.equals(test.uniqueId()) ? test.name() : event.field(2), status, message,
                            location));
            if (Boolean.parseBoolean(event.field(6))) {
                done.add(test.uniqueId());
            }
            return true;
        }
        List<PlannedTest> underClass = testPlan.tests().stream().filter(planned -> planned.uniqueId().startsWith(id + "/")).toList();
        if (underClass.isEmpty() || status != TestResult.Status.FAILED) {
            state.violation = "it reported a result for something the plan does not have: " + id;
            return false;
        }
        // a class whose set-up failed: each of its tests not yet reported fails with this message
        TestResult failed = new TestResult(underClass.getFirst().testClass(), event.field(2), status, message, location);
        for (PlannedTest planned : underClass) {
            if (!recorded.containsKey(planned.uniqueId())) {
                recorded.put(planned.uniqueId(), new ArrayList<>(List.of(failed)));
                done.add(planned.uniqueId());
            }
        }
        done.add(id);
        return true;
    }

    /** {@code class|file|line} of the failing line in a graded test, as a path in the kit. */
    private String location(String frame) {
        String[] parts = frame.split("\\|");
        if (parts.length != 3 || !parts[2].matches("\\d{1,7}") || !parts[1].matches("[\\w$]+\\.java")) {
            return null;
        }
        return Grader.location(module(), parts[0], parts[1], Integer.parseInt(parts[2]));
    }

    private static void fail(Map<String, List<TestResult>> recorded, PlannedTest test, String why) {
        recorded.put(test.uniqueId(), new ArrayList<>(List.of(new TestResult(test.testClass(), test.name(), TestResult.Status.FAILED,
                why, null))));
    }

    private static void failRemaining(TestPlan testPlan, Map<String, List<TestResult>> recorded, String why) {
        for (PlannedTest test : testPlan.tests()) {
            recorded.computeIfAbsent(test.uniqueId(), id -> new ArrayList<>(List.of(new TestResult(test.testClass(), test.name(),
                    TestResult.Status.FAILED, why, null))));
        }
    }

    /** Why the grading JVM ended in the test that was running: the message of that failed test. */
    private String reason(ChildRun child, RunState state) {
        if (child.killed() || (state.inFlight != null && System.nanoTime() - state.inFlightSince
                > settings.testTimeout().plus(WATCHDOG_GRACE).toNanos())) {
            return "timed out: this test ran longer than the test timeout (" + seconds(settings.testTimeout())
                    + ") and could not be stopped from inside (an endless loop that ignores interrupts, or one in a class's"
                    + " initialiser?); its grading JVM was stopped and the tests after it ran in a fresh one";
        }
        if (child.outOfMemory()) {
            return "the grading JVM ran out of memory in this test (" + child.oomDetail() + "): does the code allocate without bound?"
                    + " The tests after it ran in a fresh JVM";
        }
        String how = child.exitStatus() > 128
                ? "was killed by signal " + (child.exitStatus() - 128) + " (a crash, or the memory limit?)"
                : "ended with status " + child.exitStatus() + " (System.exit, Runtime.halt or a crash)";
        return "the test ended the grading JVM: it " + how + "; the tests after it ran in a fresh JVM" + child.stderrTail();
    }

    // ---------------------------------------------------------------- processes

    /** Follows a running process (reads its channel) until it should end. */
    private interface Follower {
        void follow(Process process);
    }

    /**
     * Starts a command in the sandbox and its own control group, drains its output with a cap,
     * lets {@code follower} read its channel, and makes sure it and everything it started are gone
     * when this returns.
     */
    private ChildRun runProcess(List<String> command, List<Path> readOnly, List<Path> writable, Path workDir, long timeoutMillis,
                                Follower follower) throws IOException {
        try (Limits.Group group = settings.sandbox().limits().newGroup()) {
            List<String> line = settings.sandbox().wrap(command, readOnly, writable, workDir, group);
            ProcessBuilder builder = new ProcessBuilder(line).directory(workDir.toFile());
            builder.environment().clear();
            builder.environment().put("PATH", "/usr/local/bin:/usr/bin:/bin");
            builder.environment().put("LANG", "C.UTF-8");
            builder.environment().put("HOME", workDir.resolve("home").toString());
            Process process = builder.start();
            try {
                process.getOutputStream().close();
                BoundedOutput out = BoundedOutput.drain(process.getInputStream(), "grading-stdout");
                BoundedOutput err = BoundedOutput.drain(process.getErrorStream(), "grading-stderr");
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(timeoutMillis, 0));
                boolean killed;
                if (follower != null) {
                    follower.follow(process);
                    killed = !process.waitFor(5, TimeUnit.SECONDS); // it reported 'done' and halts, or it must be stopped now
                } else {
                    killed = !process.waitFor(Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())),
                            TimeUnit.MILLISECONDS);
                }
                destroy(process);
                out.awaitEnd(2000);
                err.awaitEnd(2000);
                List<String> errors = err.lines();
                String oom = java.util.stream.Stream.concat(out.lines().stream(), errors.stream())
                        .filter(text -> text.startsWith("Terminating due to java.lang.OutOfMemoryError"))
                        .map(text -> "java.lang.OutOfMemoryError" + text.substring(text.indexOf("OutOfMemoryError") + "OutOfMemoryError".length())
                                + ", with a heap of " + settings.maxHeap())
                        .findFirst().orElse(group.memoryExhausted() ? "the memory limit of its control group (" + (Limits.memoryBytes() >> 20)
                                + " MiB, native memory included) was reached" : null);
                return new ChildRun(killed ? -1 : process.exitValue(), killed, tail(errors), oom != null, oom, out.total() + err.total());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while grading module " + module(), e);
            } finally {
                destroy(process);
            }
        }
    }

    private static void destroy(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private long remainingMillis() {
        return TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
    }

    static String seconds(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }

    /** The last lines the process wrote to its standard error since the last test started, if any. */
    private static String tail(List<String> lines) {
        int from = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(GradingChild.STDERR_MARKER)) {
                from = i + 1;
            }
        }
        List<String> since = lines.subList(from, lines.size()).stream()
                .filter(line -> !line.startsWith("Terminating due to java.lang.OutOfMemoryError"))
                .map(line -> line.length() > 300 ? line.substring(0, 300) + " ..." : line).toList();
        if (since.isEmpty()) {
            return "";
        }
        List<String> last = since.subList(Math.max(0, since.size() - STDERR_LINES_SHOWN), since.size());
        return "; its last output:\n" + String.join("\n", last);
    }
}
