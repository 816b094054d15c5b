package mmapkit.course.submission;

import mmapkit.course.TimeBudget;
import mmapkit.course.grading.Grader;
import mmapkit.course.grading.KitModule;
import mmapkit.course.grading.TestPlan;
import mmapkit.course.grading.TestPlan.PlannedTest;
import mmapkit.course.model.ModuleResult.Problem;
import mmapkit.course.model.TestResult;

import java.io.IOException;
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

/**
 * Runs the planned tests of one module in as many grading JVMs as it takes, reads what each reports
 * over its channel, checks every line against the plan, and turns it into test results: an outcome
 * for a planned test (or an invocation of one), once; a failed set-up of a planned class. When a JVM
 * ends in a test, or a test outlives the watchdog, that test fails with the reason and a fresh JVM
 * grades the tests not done yet.
 */
final class PlannedTestRun {

    /** How long a grading JVM may take to start and connect to its channel. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(60);
    /** How much longer than the test timeout the grader waits for a test before it stops the JVM itself. */
    static final Duration WATCHDOG_GRACE = Duration.ofSeconds(10);

    private final SubmissionGrader.Settings settings;
    private final KitModule module;
    private final Path scratch;
    private final long deadline;

    PlannedTestRun(SubmissionGrader.Settings settings, KitModule module, Path scratch, long deadline) {
        this.settings = settings;
        this.module = module;
        this.scratch = scratch;
        this.deadline = deadline;
    }

    private KitModule module() {
        return module;
    }

    private long remainingMillis() {
        return TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
    }

    private static String seconds(Duration duration) {
        return ModuleGrading.seconds(duration);
    }

    /** What the grading JVMs reported for one plan, checked against it; or why the module earns nothing. */
    record Outcome(Map<String, List<TestResult>> byTask, Problem problem) {
        static final Outcome EMPTY = new Outcome(Map.of(), null);
    }


    /**
     * Runs a plan in as many grading JVMs as it takes: when one ends in a test, that test fails with
     * the reason, and a fresh JVM grades the tests not done yet.
     */
    Outcome run(String label, TestPlan testPlan, List<Path> testClasses, List<Path> classPath) throws IOException {
        Map<String, List<TestResult>> recorded = new LinkedHashMap<>(); // planned id -> its results
        Set<String> done = new LinkedHashSet<>(); // planned ids and class ids that need not run again
        Problem problem = null;
        int maxRuns = testPlan.tests().size() + 2; // every restart finishes at least one test, or grading stops
        for (int runs = 1; ; runs++) {
            Path work = Files.createDirectories(scratch.resolve(label + "-run-" + runs));
            RunState state = new RunState();
            GradingProcess.Run child;
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
                            + seconds(settings.moduleTimeout())
                            + " (an endless loop, or a wait that is never woken?); its JVM was stopped");
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
                if (recorded.values().stream().flatMap(List::stream).allMatch(PlannedTestRun::notGraded)) {
                    problem = new Problem(Problem.Kind.GRADING_JVM_FAILED, why);
                }
                break;
            }
            fail(recorded, culprit, reason(child, state));
            done.add(culprit.uniqueId());
            if (runs >= maxRuns) {
                failRemaining(testPlan, recorded, "not graded: grading stopped after " + runs
                        + " grading JVMs, each of which ended in a test");
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
        if (problem == null && byTask.values().stream().flatMap(List::stream).allMatch(PlannedTestRun::notGraded)) {
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

    private GradingProcess.Run runGradingJvm(TestPlan testPlan, List<Path> testClasses, List<Path> classPath, Path work,
                                             GradingChannel channel, Set<String> done, Map<String, List<TestResult>> recorded,
                                             RunState state) throws IOException {
        Files.createDirectories(work.resolve("tmp"));
        Files.createDirectories(work.resolve("home"));
        state.doneBefore = done.size();
        List<Path> path = new ArrayList<>();
        path.addAll(testClasses);
        path.addAll(classPath.subList(1, classPath.size())); // earlier modules: the kit's, before the learner's
        // the class path: the tools' libraries first (an archive of their classes needs its class path to be the start
        // of the JVM's, see ChildClassArchive; no package is in both), then the graded tests, earlier modules, the code
        List<String> command = new ArrayList<>(List.of(settings.tools().java().toString(),
                "-Xmx" + settings.maxHeap(), "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError", "-XX:-CreateCoredumpOnCrash",
                "-XX:ErrorFile=" + work.resolve("hs_err_%p.log")));
        command.addAll(settings.jvmOptions());
        command.addAll(List.of("--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=deny", "-Djava.io.tmpdir=" + work.resolve("tmp"), "-Duser.home=" + work.resolve("home"),
                "-D" + TimeBudget.SCALE_PROPERTY + "=" + TimeBudget.scale(),
                "--module-path", settings.tools().modulePathText(), "--add-modules", "ALL-MODULE-PATH",
                "-cp", settings.tools().testLibraries() + java.io.File.pathSeparator
                        + String.join(java.io.File.pathSeparator, path.stream().map(Path::toString).toList())
                        + java.io.File.pathSeparator + classPath.getFirst(),
                "-m", settings.tools().harnessMain(), channel.socket().toString()));
        List<Path> readOnly = new ArrayList<>(path);
        readOnly.add(classPath.getFirst());
        readOnly.addAll(settings.tools().readOnlyPaths());
        readOnly.add(channel.folder());
        return GradingProcess.run(settings, command, readOnly, List.of(work), work, remainingMillis(), process -> {
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
    private boolean record(TestPlan testPlan, GradingChannel.Event event, Map<String, List<TestResult>> recorded,
                           Set<String> reportedLeaves, Set<String> done, RunState state) {
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
    private String reason(GradingProcess.Run child, RunState state) {
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
}
