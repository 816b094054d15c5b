package mmapkit.course.submission;

import mmapkit.course.files.FileTrees;
import mmapkit.course.grading.KitModule;
import mmapkit.course.model.ModuleResult;
import mmapkit.course.model.ModuleResult.Problem;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Grades learners' submissions (a folder, a git working copy or a zip) against the graded tests
 * of the instructor's kit, treating every submission as hostile.
 *
 * <p>The trusted side is this JVM, which never loads learner code. It plans each module's tests
 * from the kit ({@link ModulePlan}: test ids, tasks, points), takes only the learner's exercise
 * sources ({@link SubmissionSources}), compiles them in the sandbox, scans the compiled classes
 * ({@link IntegrityScan}), runs the planned tests in sandboxed grading JVMs that report outcomes
 * over a private channel, and decides the points itself ({@link ModuleGrading}). The kit's files
 * (with its compiled tools, its git configuration and the hidden tests) are fingerprinted before
 * and after each submission ({@link KitFingerprint}).
 */
public final class SubmissionGrader implements AutoCloseable {

    /** What reports call the code under test. */
    public static final String TARGET = "submission";

    /** How long grading one module may take, every grading JVM and restart included. */
    public static final Duration DEFAULT_MODULE_TIMEOUT = Duration.ofSeconds(600);

    /** The heap of a grading JVM: memory exhaustion stays in it. */
    public static final String DEFAULT_MAX_HEAP = "1g";

    /**
     * How submissions are graded.
     *
     * @param hidden       the instructor's hidden tests, or null
     * @param allowFlagged grade modules the integrity scan flagged (after an instructor reviewed them)
     * @param jvmOptions   options of every grading JVM besides the grader's fixed ones (none for a submission)
     */
    record Settings(Path kitRoot, Duration moduleTimeout, Duration testTimeout, String maxHeap, HiddenTests hidden, Sandbox sandbox,
                    GradingTools tools, boolean allowFlagged, Path channels, List<String> jvmOptions) {
        Settings {
            jvmOptions = List.copyOf(jvmOptions);
        }
    }

    /**
     * A submission with all it earned, and whether the kit stayed as it was while it was graded.
     *
     * @param modules    the graded modules, in course order
     * @param kitChanges files of the kit that changed while this submission was graded (empty: none)
     * @param sandbox    how the grading processes were isolated
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

    private final Settings settings;
    private final Path scratchRoot;
    private final Map<String, ModulePlan> plans = new ConcurrentHashMap<>();

    public SubmissionGrader(Path kitRoot, Duration moduleTimeout, Duration testTimeout) {
        this(kitRoot, moduleTimeout, testTimeout, DEFAULT_MAX_HEAP);
    }

    /** @param maxHeap the {@code -Xmx} of each grading JVM, such as {@code 1g} */
    public SubmissionGrader(Path kitRoot, Duration moduleTimeout, Duration testTimeout, String maxHeap) {
        this(kitRoot, moduleTimeout, testTimeout, maxHeap, null, Sandbox.detect());
    }

    public SubmissionGrader(Path kitRoot, Duration moduleTimeout, Duration testTimeout, String maxHeap, HiddenTests hidden,
                            Sandbox sandbox) {
        this(kitRoot, moduleTimeout, testTimeout, maxHeap, hidden, sandbox, false);
    }

    /**
     * @param hidden       the instructor's hidden tests, graded with the visible ones, or null
     * @param sandbox      how to isolate the grading processes ({@link Sandbox#detect()})
     * @param allowFlagged grade modules the integrity scan flags (after review)
     * @throws IllegalArgumentException when the hidden tests do not fit the kit ({@link HiddenTests#validate})
     */
    public SubmissionGrader(Path kitRoot, Duration moduleTimeout, Duration testTimeout, String maxHeap, HiddenTests hidden,
                            Sandbox sandbox, boolean allowFlagged) {
        Path root = kitRoot.toAbsolutePath().normalize();
        if (hidden != null) {
            hidden.validate(root);
        }
        try {
            this.scratchRoot = Files.createTempDirectory("mmap-grader-").toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary folder", e);
        }
        Path scratch = scratchRoot;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> FileTrees.deleteQuietly(scratch), "delete-grader-scratch"));
        GradingTools tools = GradingTools.snapshot(scratchRoot.resolve("tools"));
        Path channels;
        try {
            channels = Files.createDirectories(scratchRoot.resolve("c")); // short: a socket's path has at most 107 bytes
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.settings = new Settings(root, moduleTimeout, testTimeout, maxHeap, hidden, sandbox, tools, allowFlagged,
                channels, List.of());
    }

    public Sandbox sandbox() {
        return settings.sandbox();
    }

    /**
     * Grades these modules (of the instructor's kit) of one submission, in order.
     *
     * @throws IllegalArgumentException when the submission cannot be taken (see {@link SubmissionSources})
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
                + " restore the kit (git status shows what changed) before grading again:\n  "
                + String.join("\n  ", changes.subList(0, Math.min(changes.size(), 20)))
                + (changes.size() > 20 ? "\n  ... and " + (changes.size() - 20) + " more" : "");
    }

    /**
     * Grades these modules of one submission and compares the kit's files before and after.
     *
     * @throws IllegalArgumentException when the submission cannot be taken (see {@link SubmissionSources})
     */
    public Result gradeChecked(Path submission, List<KitModule> modules) {
        if (!Files.exists(submission)) {
            throw new IllegalArgumentException("the submission " + submission + " does not exist");
        }
        List<ModulePlan> planned = modules.stream().map(this::plan).toList(); // before any submission's code can run
        KitFingerprint before = fingerprint();
        Path scratch = createTemp();
        try {
            Path sources = SubmissionSources.take(submission, scratch.resolve("submitted"), settings.sandbox());
            List<ModuleResult> results = new ArrayList<>();
            for (ModulePlan plan : planned) {
                results.add(gradeModule(sources, plan, scratch.resolve(plan.module().folder())));
            }
            return new Result(results, before.changesIn(fingerprint()), settings.sandbox());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot grade the submission " + submission + " in " + scratch, e);
        } finally {
            FileTrees.deleteQuietly(scratch);
        }
    }

    private ModuleResult gradeModule(Path sources, ModulePlan plan, Path scratch) {
        ModuleGrading grading = new ModuleGrading(settings, plan, scratch);
        Path submitted = sources.resolve("exercises").resolve(plan.module().folder()).resolve("src/main/java");
        try {
            Files.createDirectories(scratch);
            return grading.grade(Files.isDirectory(submitted, LinkOption.NOFOLLOW_LINKS) ? submitted : null);
        } catch (IOException | RuntimeException e) {
            // whatever went wrong here is the grader's problem, never a reason to lose the other modules
            return grading.notGraded(Problem.Kind.GRADING_JVM_FAILED, "grading module " + plan.module() + " failed in the grader: " + e);
        }
    }

    /**
     * The plan of a module, made once per grader, before any submission is graded with it. In the
     * sandbox no graded code can reach the kit's compile cache ({@code .course/build}), so the plan
     * reuses what earlier runs compiled there. Without the sandbox, or with hidden tests (whose
     * compiled classes must not be left in the kit's folder), the plan is compiled afresh in the
     * grader's own temporary folder.
     */
    private ModulePlan plan(KitModule module) {
        Path cache = settings.sandbox().isolated() && settings.hidden() == null ? settings.kitRoot().resolve(".course/build")
                : scratchRoot.resolve("plans");
        return plans.computeIfAbsent(module.folder(), folder -> ModulePlan.of(new KitModule(settings.kitRoot(), folder), cache,
                settings.hidden() == null || !Files.isDirectory(settings.hidden().sources(folder)) ? null
                        : settings.hidden().sources(folder)));
    }

    /** The kit's files, the grader's copy of its tools, and the hidden tests when there are any. */
    private KitFingerprint fingerprint() {
        Path tools = settings.tools().copy().orElseThrow(() -> new IllegalStateException(
                "a submission is graded with a copy of the grader's tools, never with its class path in place"));
        KitFingerprint kit = KitFingerprint.of(settings.kitRoot()).with("grader-tools:", KitFingerprint.of(tools));
        return settings.hidden() == null ? kit : kit.with("hidden:", KitFingerprint.of(settings.hidden().root()));
    }

    private Path createTemp() {
        try {
            return Files.createTempDirectory(scratchRoot, "submission-").toAbsolutePath().normalize();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary folder", e);
        }
    }

    /** Deletes the grader's scratch folder (its copy of the tools, its plans). */
    @Override
    public void close() {
        FileTrees.deleteQuietly(scratchRoot);
    }
}
