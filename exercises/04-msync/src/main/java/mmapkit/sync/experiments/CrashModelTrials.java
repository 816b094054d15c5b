package mmapkit.sync.experiments;

import mmapkit.faults.bench.Table;
import mmapkit.sync.FlushPolicy;
import mmapkit.sync.sim.CrashTrials;
import mmapkit.sync.sim.CrashTrials.Outcome;
import mmapkit.sync.sim.CrashTrials.Verdict;

/**
 * Experiment: the record log under the crash model, once per flush order. Each trial commits up to
 * six batches of records on a simulated page cache, cuts the power after a random number of writes
 * and flushes, lets the seed choose which dirty pages reached the disk, and recovers; the trial
 * passes when recovery gives the last completed commit or the one in progress ({@link CrashTrials}).
 */
public final class CrashModelTrials {

    private static final int TRIALS = 2000;

    private CrashModelTrials() {
    }

    public static void main(String[] args) {
        System.out.printf("%d trials per flush order (seeds 1 to %d), on %d pages of %d bytes; %d commits of"
                + " 1 to 4 records%nof 1 to 3000 bytes each, the power cut after 0 to %d writes and flushes.%n%n",
                TRIALS, TRIALS, CrashTrials.PAGES, CrashTrials.PAGE_SIZE, CrashTrials.COMMITS,
                CrashTrials.MAX_OPERATIONS_BEFORE_CUT - 1);
        Table table = Table.of(1, "flush order", "trials", "consistent", "lost committed", "wrong records", "corrupt");
        StringBuilder examples = new StringBuilder();
        long start = System.nanoTime();
        for (FlushPolicy policy : FlushPolicy.values()) {
            // tag::trials[]
            Outcome outcome = CrashTrials.run(policy, 1, TRIALS);
            // end::trials[]
            table.row(policy, outcome.trials(), outcome.count(Verdict.CONSISTENT), outcome.count(Verdict.LOST_COMMITTED),
                    outcome.count(Verdict.WRONG_RECORDS), outcome.count(Verdict.CORRUPT));
            outcome.examples().stream().limit(2).forEach(trial -> examples.append(Table.wrap(policy + ", " + trial, 100))
                    .append(System.lineSeparator()));
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.print(table.toText());
        System.out.printf("(%d trials in %d ms)%n%nFirst failed trials:%n%s", 3 * TRIALS, millis, examples);
    }
}
