package mmapkit.course.submission;

import mmapkit.course.model.ModuleResult;
import mmapkit.course.model.TaskResult;
import mmapkit.course.model.TestResult;
import mmapkit.course.grading.Grader;
import mmapkit.course.grading.SourceCompiler;
import mmapkit.course.grading.KitModule;
import mmapkit.course.grading.TaskInfo;

import mmapkit.course.model.ModuleResult.Problem;
import mmapkit.course.report.JsonReport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Grades a learner's submission (a folder, a git working copy or a zip) against the graded tests
 * of the instructor's kit.
 *
 * <p>Only the learner's exercise sources, {@code exercises/NN-name/src/main/java}, are taken
 * from the submission. For each module a staged copy of the kit is made in a temporary folder:
 * the module's graded tests and hints and the reference code of earlier modules from the
 * instructor's kit, the exercise sources from the submission. A child JVM
 * ({@link ModuleGradingJvm}, same {@code java} and class path as this one, a fixed heap, a fresh
 * working directory) grades it and reports the result as JSON. When it does not report within
 * the module timeout it is destroyed and the module earns 0, as it does when the child ends
 * before reporting ({@code System.exit}, a crash). The temporary folder is deleted afterwards.
 */
public final class SubmissionGrader {

    /** What reports call the code under test. */
    public static final String TARGET = "submission";

    /** How long grading one module may take before its JVM is stopped. */
    public static final Duration DEFAULT_MODULE_TIMEOUT = Duration.ofSeconds(600);

    /** The heap of a grading JVM: memory exhaustion stays in it. */
    public static final String DEFAULT_MAX_HEAP = "1g";

    private static final int STDERR_LINES_SHOWN = 15;

    private final Path kitRoot;
    private final Duration moduleTimeout;
    private final Duration testTimeout;
    private final String maxHeap;
    private final HiddenTests hidden;
    private final Map<String, Set<String>> hiddenIds;
    private final Sandbox sandbox;

    /**
     * A submission with all it earned, and whether the kit stayed as it was while it was graded.
     *
     * @param modules    the graded modules, in course order
     * @param kitChanges files of the kit that changed while this submission was graded (empty: none)
     * @param sandbox    how the grading JVMs were kept from writing to the kit
     */
    public record Result(List<ModuleResult> modules, List<String> kitChanges, Sandbox sandbox) {
        public Result {
            modules = List.copyOf(modules);
            kitChanges = List.copyOf(kitChanges);
        }

        /** False when the kit's files changed: a result to distrust, and a kit to restore. */
        public boolean trusted() {
            return kitChanges.isEmpty();
        }
    }

    public SubmissionGrader(Path kitRoot, Duration moduleTimeout, Duration testTimeout) {
        this(kitRoot, moduleTimeout, testTimeout, DEFAULT_MAX_HEAP);
    }

    /** @param maxHeap the {@code -Xmx} of each grading JVM, such as {@code 1g} */
    public SubmissionGrader(Path kitRoot, Duration moduleTimeout, Duration testTimeout, String maxHeap) {
        this(kitRoot, moduleTimeout, testTimeout, maxHeap, null, Sandbox.detect());
    }

    /**
     * @param hidden  the instructor's hidden tests, graded with the visible ones, or null
     * @param sandbox how to keep the grading JVMs from writing to the kit ({@link Sandbox#detect()})
     * @throws IllegalArgumentException when the hidden tests do not fit the kit ({@link HiddenTests#validate})
     */
    public SubmissionGrader(Path kitRoot, Duration moduleTimeout, Duration testTimeout, String maxHeap, HiddenTests hidden,
                            Sandbox sandbox) {
        this.kitRoot = kitRoot.toAbsolutePath().normalize();
        this.moduleTimeout = moduleTimeout;
        this.testTimeout = testTimeout;
        this.maxHeap = maxHeap;
        this.hidden = hidden;
        this.hiddenIds = hidden == null ? Map.of() : hidden.validate(this.kitRoot);
        this.sandbox = sandbox;
    }

    public Sandbox sandbox() {
        return sandbox;
    }

    /**
     * Grades these modules (of the instructor's kit) of one submission, in order.
     *
     * @throws IllegalArgumentException when the submission does not exist, is neither folder nor zip,
     *                                  or is a zip with an entry outside its folder
     * @throws IllegalStateException    when the kit's files changed while it was graded
     */
    public List<ModuleResult> grade(Path submission, List<KitModule> modules) {
        Result result = gradeChecked(submission, modules);
        if (!result.trusted()) {
            throw new IllegalStateException(kitChangedMessage(result.kitChanges()));
        }
        return result.modules();
    }

    /** What to say when the kit changed while a submission was graded. */
    public static String kitChangedMessage(List<String> changes) {
        return "the kit's files changed while the submission was graded, so its result cannot be trusted;"
                + " restore the kit (git status, git checkout) before grading again:\n  "
                + String.join("\n  ", changes.subList(0, Math.min(changes.size(), 20)))
                + (changes.size() > 20 ? "\n  ... and " + (changes.size() - 20) + " more" : "");
    }

    /**
     * Grades these modules of one submission and compares the kit's files before and after.
     *
     * @throws IllegalArgumentException when the submission does not exist, is neither folder nor zip,
     *                                  or is a zip with an entry outside its folder
     */
    public Result gradeChecked(Path submission, List<KitModule> modules) {
        if (!Files.exists(submission)) {
            throw new IllegalArgumentException("the submission " + submission + " does not exist");
        }
        KitFingerprint before = KitFingerprint.of(kitRoot);
        Path scratch = createTemp("mmap-course-submission-");
        try {
            Path sources;
            if (Files.isDirectory(submission)) {
                sources = submission.toAbsolutePath().normalize();
            } else if (submission.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".zip")) {
                sources = rootOf(unzip(submission, scratch.resolve("unzipped")));
            } else {
                throw new IllegalArgumentException("the submission " + submission + " is neither a folder nor a .zip");
            }
            List<ModuleResult> results = new ArrayList<>();
            for (KitModule module : modules) {
                results.add(markHidden(gradeModule(sources, module, scratch.resolve(module.folder()))));
            }
            return new Result(results, before.changesIn(KitFingerprint.of(kitRoot)), sandbox);
        } finally {
            deleteTree(scratch);
        }
    }

    private ModuleResult markHidden(ModuleResult result) {
        Set<String> ids = hiddenIds.getOrDefault(result.module(), Set.of());
        if (ids.isEmpty()) {
            return result;
        }
        List<TaskResult> tasks = result.tasks().stream()
                .map(task -> ids.contains(task.id()) ? task.asHidden(hidden.hint(result.module(), task.id())) : task)
                .toList();
        return new ModuleResult(result.module(), result.target(), tasks, result.problem());
    }

    private ModuleResult gradeModule(Path submission, KitModule module, Path scratch) {
        String exercise = "exercises/" + module.folder() + "/src/main/java";
        Path submitted = submission.resolve(exercise);
        if (!Files.isDirectory(submitted, LinkOption.NOFOLLOW_LINKS)) {
            return markHiddenNotGraded(module, Problem.Kind.NOT_SUBMITTED, "the submission has no " + exercise, scratch);
        }
        Path kit = scratch.resolve("kit");
        Path work = scratch.resolve("work");
        try {
            stage(module, submitted, kit);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stage module " + module + " of the submission in " + scratch, e);
        }
        try {
            return runChildren(module, kit, scratch.resolve("cache"), work);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot grade module " + module + " of the submission in " + scratch, e);
        }
    }

    /** A module not graded at all still lists its hidden tasks (so every learner's report has the same rows). */
    private ModuleResult markHiddenNotGraded(KitModule module, Problem.Kind kind, String message, Path scratch) {
        if (hidden == null || !Files.isDirectory(hidden.sources(module.folder()))) {
            return Grader.notGraded(module, TARGET, kind, message);
        }
        Path kit = scratch.resolve("kit");
        try {
            Path tests = kit.resolve("lessons").resolve(module.folder()).resolve("src/test/java");
            copyTree(module.gradedTestSources(), tests);
            copyTree(hidden.sources(module.folder()), tests);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ModuleResult staged = Grader.notGraded(new KitModule(kit, module.folder()), TARGET, kind, message);
        List<TaskResult> tasks = staged.tasks().stream().map(task -> {
            String hint = Grader.hint(module, task.id());
            return new TaskResult(task.id(), task.title(), task.points(), task.earned(), task.status(), hint, task.tests());
        }).toList();
        return new ModuleResult(module.folder(), TARGET, tasks, staged.problem());
    }

    /** A kit of this module alone: its tests and hints (and hidden ones), earlier modules' reference code, the submitted exercise. */
    private void stage(KitModule module, Path submitted, Path kit) throws IOException {
        for (KitModule other : KitModule.all(kitRoot)) {
            Files.createDirectories(kit.resolve("lessons").resolve(other.folder()));
        }
        for (KitModule earlier : module.earlier()) {
            Path staged = kit.resolve("solutions").resolve(earlier.folder());
            copyTree(kitRoot.resolve("solutions").resolve(earlier.folder()).resolve("src/main"), staged.resolve("src/main"));
            copyTree(earlier.releasedClasses(), staged.resolve("classes"));
        }
        Path lesson = kitRoot.resolve("lessons").resolve(module.folder());
        Path stagedLesson = kit.resolve("lessons").resolve(module.folder());
        copyTree(lesson.resolve("src/test"), stagedLesson.resolve("src/test"));
        copyTree(lesson.resolve("hints"), stagedLesson.resolve("hints"));
        if (hidden != null) {
            copyTree(hidden.sources(module.folder()), stagedLesson.resolve("src/test/java"));
            copyTree(hidden.hints(module.folder()), stagedLesson.resolve("hints"));
        }
        Path exercise = kit.resolve("exercises").resolve(module.folder()).resolve("src/main");
        copyTree(submitted, exercise.resolve("java"));
        copyTree(kitRoot.resolve("exercises").resolve(module.folder()).resolve("src/main/resources"), exercise.resolve("resources"));
    }

    /** What one grading JVM left behind: its events in order, and how it ended. */
    private record ChildRun(List<String> lines, int exitStatus, boolean killed, String stderrTail, boolean outOfMemory, String oomDetail) {
    }

    /**
     * Grades the staged module in as many grading JVMs as it takes: when one ends in a test, that
     * test fails with the reason, and a fresh JVM grades the tests not done yet.
     */
    private ModuleResult runChildren(KitModule module, Path kit, Path cache, Path work) throws IOException {
        KitModule staged = new KitModule(kit, module.folder());
        int declaredTests = countTests(staged.gradedTestSources());
        int maxRuns = declaredTests + 2; // every restart finishes at least one test, or grading stops
        Set<String> done = new LinkedHashSet<>();
        List<ModuleGradingJvm.Event> results = new ArrayList<>();
        ModuleResult last = null;
        Problem problem = null;
        for (int runs = 1; ; runs++) {
            Files.writeString(work.getParent().resolve("skip.txt"), String.join("\n", done) + "\n");
            ChildRun child = startChild(module, kit, cache, work, runs);
            int before = done.size();
            Map<String, ModuleGradingJvm.Event> inFlight = new LinkedHashMap<>();
            boolean restart = false;
            String reportText = null;
            StringBuilder reportBuffer = null;
            for (String line : child.lines()) {
                if (reportBuffer != null) {
                    if (line.equals(ModuleGradingJvm.END)) {
                        reportText = reportBuffer.toString();
                        reportBuffer = null;
                    } else {
                        reportBuffer.append(line).append('\n');
                    }
                } else if (line.equals(ModuleGradingJvm.BEGIN)) {
                    reportBuffer = new StringBuilder();
                } else if (line.startsWith(ModuleGradingJvm.STARTED)) {
                    ModuleGradingJvm.Event event = ModuleGradingJvm.Event.parse(line.substring(ModuleGradingJvm.STARTED.length()));
                    inFlight.put(event.id(), event);
                } else if (line.startsWith(ModuleGradingJvm.FINISHED)) {
                    inFlight.remove(line.substring(ModuleGradingJvm.FINISHED.length()));
                } else if (line.startsWith(ModuleGradingJvm.RESULT)) {
                    ModuleGradingJvm.Event event = ModuleGradingJvm.Event.parse(line.substring(ModuleGradingJvm.RESULT.length()));
                    if (done.add(event.id())) {
                        results.add(event);
                    }
                } else if (line.equals(ModuleGradingJvm.RESTART)) {
                    restart = true;
                }
            }
            if (reportText != null && !child.killed() && child.exitStatus() == 0) {
                List<ModuleResult> reported = JsonReport.parse(reportText).modules();
                if (reported.size() != 1 || !reported.getFirst().module().equals(module.folder())) {
                    throw new IllegalStateException("the grading JVM of module " + module + " reported " + reported.size() + " modules");
                }
                last = reported.getFirst();
                break;
            }
            if (restart && !child.killed() && child.exitStatus() == 0) {
                if (done.size() == before || runs >= maxRuns) {
                    problem = new Problem(Problem.Kind.GRADING_JVM_FAILED, "grading module " + module + " stopped after "
                            + runs + " grading JVMs: they made no progress");
                    break;
                }
                continue;
            }
            // the JVM ended (or was stopped) before it reported: fail the test it was in, go on with the rest
            ModuleGradingJvm.Event culprit = inFlight.isEmpty() ? null : List.copyOf(inFlight.values()).getLast();
            if (culprit == null || done.contains(culprit.id())) {
                problem = child.killed()
                        ? new Problem(Problem.Kind.TIMED_OUT, "timed out: grading module " + module + " took longer than "
                        + seconds(moduleTimeout) + " (an endless loop, or a wait that is never woken?); its JVM was stopped")
                        : new Problem(Problem.Kind.GRADING_JVM_FAILED, "the grading JVM ended with status " + child.exitStatus()
                        + " before reporting (does the code call System.exit, or exhaust memory?)" + child.stderrTail());
                break;
            }
            done.add(culprit.id());
            results.add(new ModuleGradingJvm.Event(culprit.id(), culprit.task(), culprit.testClass(), culprit.name(),
                    new TestResult(culprit.testClass(), culprit.name(), TestResult.Status.FAILED, reason(child), null)));
            if (runs >= maxRuns) {
                problem = new Problem(Problem.Kind.GRADING_JVM_FAILED, "grading module " + module + " stopped after " + runs
                        + " grading JVMs, each of which ended in a test");
                break;
            }
        }
        return merge(staged, module, last, problem, results);
    }

    /** Why the grading JVM ended in the test that was running: the message of that failed test. */
    private String reason(ChildRun child) {
        if (child.killed()) {
            return "timed out: this test was still running when the module timeout (" + seconds(moduleTimeout)
                    + ") passed, and the per-test timeout could not stop it (an endless loop that ignores interrupts?);"
                    + " its grading JVM was stopped and the tests after it ran in a fresh one";
        }
        if (child.outOfMemory()) {
            return "the grading JVM ran out of memory in this test (java.lang.OutOfMemoryError: " + child.oomDetail()
                    + ", with a heap of " + maxHeap + "): does the code allocate without bound?"
                    + " The tests after it ran in a fresh JVM";
        }
        String how = child.exitStatus() > 128
                ? "was killed by signal " + (child.exitStatus() - 128) + " (a crash?)"
                : "ended with status " + child.exitStatus() + " (System.exit, Runtime.halt or a crash)";
        return "the test ended the grading JVM: it " + how + "; the tests after it ran in a fresh JVM" + child.stderrTail();
    }

    /** The module's result from every test result the grading JVMs streamed, under the tasks the module declares. */
    private ModuleResult merge(KitModule staged, KitModule module, ModuleResult last, Problem problem,
                               List<ModuleGradingJvm.Event> results) {
        Map<String, List<TestResult>> byTask = new LinkedHashMap<>();
        for (ModuleGradingJvm.Event event : results) {
            byTask.computeIfAbsent(event.task(), id -> new ArrayList<>()).add(event.result());
        }
        List<TaskResult> tasks = new ArrayList<>();
        if (last != null) {
            for (TaskResult task : last.tasks()) {
                tasks.add(TaskResult.of(task.id(), task.title(), task.points(), task.hint(), byTask.getOrDefault(task.id(), List.of())));
            }
            problem = last.problem();
            if (problem != null && problem.kind() == Problem.Kind.NO_TEST_RAN && !results.isEmpty()) {
                problem = null; // the last JVM had nothing left to run: earlier ones ran the tests
            }
        } else {
            for (TaskInfo task : TaskInfo.fromSources(staged.gradedTestSources()).values()) {
                tasks.add(TaskResult.of(task.id(), task.title(), task.points(), Grader.hint(staged, task.id()),
                        byTask.getOrDefault(task.id(), List.of())));
            }
        }
        return new ModuleResult(module.folder(), TARGET, tasks, problem);
    }

    private ChildRun startChild(KitModule module, Path kit, Path cache, Path work, int run) throws IOException {
        List<String> command = new ArrayList<>(sandbox.prefix(kitRoot));
        command.addAll(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + maxHeap,
                "-XX:+UseSerialGC",
                "-XX:+ExitOnOutOfMemoryError",
                "-XX:-CreateCoredumpOnCrash",
                "-XX:ErrorFile=" + work.resolve("hs_err_%p.log"),
                "--enable-native-access=ALL-UNNAMED",
                "-Djava.io.tmpdir=" + work.resolve("tmp"),
                "-Duser.home=" + work.resolve("home"),
                "-cp", System.getProperty("java.class.path"),
                ModuleGradingJvm.class.getName(),
                kit.toString(), module.folder(), cache.toString(), Long.toString(testTimeout.toMillis()),
                work.getParent().resolve("skip.txt").toString()));
        Files.createDirectories(work.resolve("tmp"));
        Files.createDirectories(work.resolve("home"));
        Path stdout = work.getParent().resolve("stdout-" + run + ".txt");
        Path stderr = work.getParent().resolve("stderr-" + run + ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile())
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile());
        Process process = null;
        try {
            process = builder.start();
            process.getOutputStream().close();
            boolean killed = !process.waitFor(moduleTimeout.toMillis(), TimeUnit.MILLISECONDS);
            if (killed) {
                destroy(process);
            }
            List<String> lines = readLines(stdout);
            List<String> errors = readLines(stderr);
            String oom = Stream.concat(lines.stream(), errors.stream())
                    .filter(line -> line.startsWith("Terminating due to java.lang.OutOfMemoryError"))
                    .map(line -> line.substring(line.indexOf("OutOfMemoryError") + "OutOfMemoryError".length()).replaceFirst("^:\\s*", ""))
                    .findFirst().orElse(null);
            return new ChildRun(lines, killed ? -1 : process.exitValue(), killed, tail(errors), oom != null, oom);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while grading module " + module, e);
        } finally {
            if (process != null) {
                destroy(process);
            }
        }
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).lines().toList();
        } catch (IOException | UncheckedIOException e) {
            return List.of();
        }
    }

    /** About how many tests a module declares (each {@code @Test}, {@code @ParameterizedTest} ...): bounds the restarts. */
    private static int countTests(Path sources) throws IOException {
        int count = 0;
        for (Path file : SourceCompiler.javaFiles(sources)) {
            String text = Files.readString(file);
            for (int at = text.indexOf("Test"); at >= 0; at = text.indexOf("Test", at + 1)) {
                count++;
            }
        }
        return Math.max(count, 1);
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

    private static String seconds(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }

    /**
     * The last lines the grading JVM wrote to its standard error since the last test started
     * (the graded code's own output), if any.
     */
    private static String tail(List<String> lines) {
        int from = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(ModuleGradingJvm.STDERR_MARKER)) {
                from = i + 1;
            }
        }
        List<String> since = lines.subList(from, lines.size()).stream()
                .filter(line -> !line.startsWith("Terminating due to java.lang.OutOfMemoryError")).toList();
        if (since.isEmpty()) {
            return "";
        }
        List<String> last = since.subList(Math.max(0, since.size() - STDERR_LINES_SHOWN), since.size());
        return "; its last output:\n" + String.join("\n", last);
    }

    /**
     * Unpacks a zip into {@code into}, refusing any entry that is absolute or climbs out of it ({@code ../}).
     *
     * @throws IllegalArgumentException naming the entry, before anything is written outside
     */
    static Path unzip(Path zip, Path into) {
        Path target = into.toAbsolutePath().normalize();
        try (ZipFile file = new ZipFile(zip.toFile())) {
            Enumeration<? extends ZipEntry> entries = file.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                String name = entry.getName().replace('\\', '/');
                Path resolved = target.resolve(name).normalize();
                boolean climbs = Stream.of(name.split("/")).anyMatch(".."::equals);
                if (name.startsWith("/") || name.matches("^[A-Za-z]:.*") || climbs || !resolved.startsWith(target)) {
                    throw new IllegalArgumentException("the zip " + zip + " holds the entry '" + entry.getName()
                            + "', which points outside the folder it unpacks to: refusing to unpack it");
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(resolved);
                } else {
                    Files.createDirectories(resolved.getParent());
                    try (InputStream in = file.getInputStream(entry)) {
                        Files.copy(in, resolved, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            Files.createDirectories(target);
            return target;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot unpack the zip " + zip + ": " + e.getMessage(), e);
        }
    }

    /** The folder that holds {@code exercises/}: the unpacked root, or its only folder (a zip of the repository's folder). */
    private static Path rootOf(Path unpacked) {
        if (Files.isDirectory(unpacked.resolve("exercises"))) {
            return unpacked;
        }
        try (Stream<Path> children = Files.list(unpacked)) {
            List<Path> folders = children.filter(Files::isDirectory).toList();
            return folders.size() == 1 && Files.isDirectory(folders.getFirst().resolve("exercises")) ? folders.getFirst() : unpacked;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies the regular files under {@code from} (if it exists); symbolic links are left out. */
    private static void copyTree(Path from, Path to) throws IOException {
        if (!Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : paths.toList()) {
                Path copy = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(copy);
                } else if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(copy.getParent());
                    Files.copy(path, copy, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static Path createTemp(String prefix) {
        try {
            return Files.createTempDirectory(prefix).toAbsolutePath().normalize();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary folder", e);
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException ignored) {
                    // a file a killed JVM still held open; the temporary folder is the system's to clean
                }
            });
        } catch (IOException | UncheckedIOException ignored) {
            // as above
        }
    }
}
