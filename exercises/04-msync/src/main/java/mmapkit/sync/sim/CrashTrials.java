package mmapkit.sync.sim;

import mmapkit.sync.CorruptLogException;
import mmapkit.sync.FlushPolicy;
import mmapkit.sync.RecordLog;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * Crash tests of a {@link RecordLog} in the crash model: many seeded trials, each of which commits
 * a few batches of records on a {@link SimulatedPageCache}, cuts the power at a random point, lets
 * the seed pick which dirty pages reached the disk, and recovers. Each trial is judged against the
 * rule of a crash-consistent store: recovery yields the records of the last completed commit, or of
 * the commit that was in progress at the cut; nothing else.
 *
 * {@snippet :
 * CrashTrials.Outcome outcome = CrashTrials.run(FlushPolicy.DATA_THEN_MARK, 1, 1000);
 * outcome.failures();   // 0
 * }
 */
public final class CrashTrials {

    /** Pages of the simulated disk in each trial. */
    public static final int PAGES = 32;
    /** Page size of the simulated disk. */
    public static final int PAGE_SIZE = 4096;  // not a page size: the crash model's own page
    /** Commits each trial tries to make before the cut. */
    public static final int COMMITS = 6;
    /** The cut comes after a random number of operations below this (a trial has about 30). */
    public static final int MAX_OPERATIONS_BEFORE_CUT = 45;

    private CrashTrials() {
    }

    /** How one trial ended. */
    public enum Verdict {
        /** Recovered the last completed commit, or the one in progress at the cut. */
        CONSISTENT,
        /** Recovered fewer records than the last completed commit had: a committed record was lost. */
        LOST_COMMITTED,
        /** Recovered records that no commit ever had (wrong bytes, or more than were appended). */
        WRONG_RECORDS,
        /** Recovery refused the log ({@link CorruptLogException}): the store cannot be opened. */
        CORRUPT
    }

    /** One trial: its seed, when the power was cut, and what recovery gave. */
    public record Trial(long seed, long operationsBeforeCut, int completedCommits, boolean cutDuringCommit,
                        Verdict verdict, String detail) {

        @Override
        public String toString() {
            return "seed " + seed + ": power cut after " + operationsBeforeCut + " operations, " + completedCommits
                    + " commit(s) completed" + (cutDuringCommit ? ", one in progress" : "") + ": " + verdict
                    + (detail.isEmpty() ? "" : " (" + detail + ")");
        }
    }

    /**
     * The trials of one run.
     *
     * @param policy   the flush order tested
     * @param trials   how many trials ran
     * @param counts   how many trials ended with each verdict, indexed by {@link Verdict#ordinal()}
     * @param examples up to five failed trials, for the report
     */
    public record Outcome(FlushPolicy policy, int trials, int[] counts, List<Trial> examples) {

        /** How many trials ended with {@code verdict}. */
        public int count(Verdict verdict) {
            return counts[verdict.ordinal()];
        }

        /** How many trials did not recover a consistent state. */
        public int failures() {
            return trials - count(Verdict.CONSISTENT);
        }

        @Override
        public String toString() {
            return policy + ": " + trials + " trials, " + failures() + " failed (lost committed "
                    + count(Verdict.LOST_COMMITTED) + ", wrong records " + count(Verdict.WRONG_RECORDS)
                    + ", corrupt " + count(Verdict.CORRUPT) + ")";
        }
    }

    /** Runs {@code trials} trials with the seeds {@code firstSeed}, {@code firstSeed + 1}, ... */
    public static Outcome run(FlushPolicy policy, long firstSeed, int trials) {
        Objects.requireNonNull(policy, "policy");
        if (trials <= 0) {
            throw new IllegalArgumentException("trials " + trials + " must be positive");
        }
        int[] counts = new int[Verdict.values().length];
        List<Trial> examples = new ArrayList<>();
        for (int i = 0; i < trials; i++) {
            Trial trial = trial(policy, firstSeed + i);
            counts[trial.verdict().ordinal()]++;
            if (trial.verdict() != Verdict.CONSISTENT && examples.size() < 5) {
                examples.add(trial);
            }
        }
        return new Outcome(policy, trials, counts, List.copyOf(examples));
    }

    /** One trial with {@code seed}: the same seed always gives the same trial. */
    public static Trial trial(FlushPolicy policy, long seed) {
        Random random = new Random(seed);
        SimulatedPageCache cache = new SimulatedPageCache(PAGE_SIZE, PAGES);
        RecordLog log = RecordLog.create(cache, policy);
        long cutAfter = random.nextInt(MAX_OPERATIONS_BEFORE_CUT);
        cache.cutPowerAfter(cutAfter);

        // tag::trial[]
        List<byte[]> completed = new ArrayList<>();
        List<byte[]> inProgress = new ArrayList<>();
        boolean cutDuringCommit = false;
        int completedCommits = 0;
        try {
            for (int commit = 0; commit < COMMITS; commit++) {
                inProgress = new ArrayList<>(completed);
                int records = 1 + random.nextInt(4);
                for (int r = 0; r < records; r++) {
                    byte[] payload = new byte[1 + random.nextInt(3000)];
                    random.nextBytes(payload);
                    log.append(payload);
                    inProgress.add(payload);
                }
                cutDuringCommit = true;
                log.commit();
                cutDuringCommit = false;
                completed = inProgress;
                completedCommits++;
            }
        } catch (PowerCut cut) {
            // the program stops here; what reached the disk is decided by the crash below
        }
        SimulatedPageCache rebooted = cache.crash(seed);
        // end::trial[]
        List<byte[]> recovered;
        try {
            recovered = RecordLog.open(rebooted, policy).records();
        } catch (CorruptLogException e) {
            return new Trial(seed, cutAfter, completedCommits, cutDuringCommit, Verdict.CORRUPT, e.getMessage());
        }
        if (sameRecords(recovered, completed) || (cutDuringCommit && sameRecords(recovered, inProgress))) {
            return new Trial(seed, cutAfter, completedCommits, cutDuringCommit, Verdict.CONSISTENT, "");
        }
        boolean prefix = recovered.size() < completed.size() && sameRecords(recovered, completed.subList(0, recovered.size()));
        return prefix
                ? new Trial(seed, cutAfter, completedCommits, cutDuringCommit, Verdict.LOST_COMMITTED,
                        "recovered " + recovered.size() + " of " + completed.size() + " committed records")
                : new Trial(seed, cutAfter, completedCommits, cutDuringCommit, Verdict.WRONG_RECORDS,
                        "recovered " + recovered.size() + " records that no commit had");
    }

    private static boolean sameRecords(List<byte[]> a, List<byte[]> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!java.util.Arrays.equals(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }
}
