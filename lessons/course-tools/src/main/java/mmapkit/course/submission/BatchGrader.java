package mmapkit.course.submission;

import mmapkit.course.model.ModuleResult;
import mmapkit.course.grading.KitModule;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Grades every submission in a folder, several at a time: each entry is a learner's folder, git
 * working copy or {@code .zip}, and the learner's name is the entry's name without {@code .zip}.
 *
 * <p>Each submission is graded by a {@link SubmissionGrader} (its modules one after the other,
 * each in grading JVMs of its own), {@code jobs} submissions at once. After each submission the
 * kit's fingerprint is compared with the one taken before the batch: when the kit changed, that
 * submission and those graded at the same time are marked untrusted and no further submission
 * is started (the kit they would be graded against is no longer the instructor's).
 */
public final class BatchGrader {

    /** One learner's outcome: the result, or why the submission could not be graded at all. */
    public record Entry(String learner, Path submission, SubmissionGrader.Result result, String error, long millis) {

        /** The modules graded, or none when the submission could not be read. */
        public List<ModuleResult> modules() {
            return result == null ? List.of() : result.modules();
        }

        public boolean trusted() {
            return result == null || result.trusted();
        }
    }

    /** The batch: every learner by name, and the kit's changes if there were any. */
    public record Outcome(List<Entry> entries, List<String> kitChanges, int jobs, long millis) {
        public Outcome {
            entries = List.copyOf(entries);
            kitChanges = List.copyOf(kitChanges);
        }
    }

    private final SubmissionGrader grader;
    private final Path kitRoot;
    private final int jobs;

    /** @param jobs how many submissions are graded at once */
    public BatchGrader(Path kitRoot, SubmissionGrader grader, int jobs) {
        if (jobs < 1) {
            throw new IllegalArgumentException("--jobs " + jobs + " must be at least 1");
        }
        this.kitRoot = kitRoot.toAbsolutePath().normalize();
        this.grader = grader;
        this.jobs = jobs;
    }

    /**
     * The default number of submissions graded at once: half the processors, rounded up. Grading
     * is CPU-bound (javac, the tests, and each grading JVM's own JIT and GC threads), and some
     * graded tests start processes of their own; one submission per two cores keeps the per-test
     * timeouts honest on a loaded machine.
     */
    public static int defaultJobs() {
        return Math.max(1, (Runtime.getRuntime().availableProcessors() + 1) / 2);
    }

    /**
     * The submissions in a folder, by learner name: its folders (not hidden ones) and {@code .zip} files.
     *
     * @throws IllegalArgumentException when the folder does not exist, holds none, or two entries give one name
     */
    public static Map<String, Path> submissions(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException("the batch folder " + folder + " does not exist or is no folder");
        }
        Map<String, Path> byName = new TreeMap<>();
        try (Stream<Path> children = Files.list(folder)) {
            for (Path child : children.sorted(Comparator.comparing(path -> path.getFileName().toString())).toList()) {
                String name = child.getFileName().toString();
                if (name.startsWith(".")) {
                    continue;
                }
                String learner;
                if (Files.isDirectory(child)) {
                    learner = name;
                } else if (name.toLowerCase(Locale.ROOT).endsWith(".zip") && Files.isRegularFile(child)) {
                    learner = name.substring(0, name.length() - ".zip".length());
                } else {
                    continue;
                }
                Path other = byName.put(learner, child);
                if (other != null) {
                    throw new IllegalArgumentException("two submissions of the learner '" + learner + "' in " + folder + ": "
                            + other.getFileName() + " and " + name + "; keep one");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the batch folder " + folder, e);
        }
        if (byName.isEmpty()) {
            throw new IllegalArgumentException("the batch folder " + folder + " holds no submission (a folder or a .zip per learner)");
        }
        return byName;
    }

    /**
     * Grades every submission of the folder.
     *
     * @param progress told of each learner as their grading ends (from grading threads, one at a time)
     */
    public Outcome grade(Path folder, List<KitModule> modules, Consumer<Entry> progress) {
        Map<String, Path> submissions = submissions(folder);
        long started = System.nanoTime();
        KitFingerprint before = KitFingerprint.of(kitRoot);
        AtomicBoolean kitChanged = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(jobs, runnable -> {
            Thread thread = new Thread(runnable, "batch-grader");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<Entry>> futures = new ArrayList<>();
            for (Map.Entry<String, Path> submission : submissions.entrySet()) {
                futures.add(pool.submit(() -> {
                    String learner = submission.getKey();
                    if (kitChanged.get()) {
                        return report(progress, new Entry(learner, submission.getValue(), null,
                                "the kit's files changed while an earlier submission was graded", 0));
                    }
                    long start = System.nanoTime();
                    Entry entry;
                    try {
                        SubmissionGrader.Result result = grader.gradeChecked(submission.getValue(), modules);
                        // compare with the kit before the batch: a change during a parallel grading shows in each
                        List<String> changes = before.changesIn(KitFingerprint.of(kitRoot));
                        if (!changes.isEmpty()) {
                            kitChanged.set(true);
                            result = new SubmissionGrader.Result(result.modules(), changes, result.sandbox());
                        }
                        entry = new Entry(learner, submission.getValue(), result, null, (System.nanoTime() - start) / 1_000_000);
                    } catch (IllegalArgumentException | UncheckedIOException e) {
                        entry = new Entry(learner, submission.getValue(), null, e.getMessage(), (System.nanoTime() - start) / 1_000_000);
                    } catch (RuntimeException | Error e) {
                        // whatever one submission does to the grader, the batch goes on with the others
                        entry = new Entry(learner, submission.getValue(), null, "the grader failed on this submission: " + e,
                                (System.nanoTime() - start) / 1_000_000);
                    }
                    return report(progress, entry);
                }));
            }
            List<Entry> entries = new ArrayList<>();
            for (Future<Entry> future : futures) {
                entries.add(future.get());
            }
            List<String> changes = before.changesIn(KitFingerprint.of(kitRoot));
            return new Outcome(entries, changes, jobs, (System.nanoTime() - started) / 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while grading the batch in " + folder, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("grading a submission of the batch failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private static synchronized Entry report(Consumer<Entry> progress, Entry entry) {
        progress.accept(entry);
        return entry;
    }
}
