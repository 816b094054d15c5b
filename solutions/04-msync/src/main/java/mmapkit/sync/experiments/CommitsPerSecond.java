package mmapkit.sync.experiments;

import mmapkit.faults.bench.Bench;
import mmapkit.faults.bench.Comparison;
import mmapkit.faults.bench.Result;
import mmapkit.faults.bench.Sample;
import mmapkit.faults.bench.ScratchFolder;
import mmapkit.faults.bench.Summary;
import mmapkit.faults.bench.Table;
import mmapkit.faults.bench.Variant;
import mmapkit.sync.FlushPolicy;
import mmapkit.sync.MappedStorage;
import mmapkit.sync.RecordLog;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/**
 * Experiment: what durability costs. A {@link RecordLog} on a 64 MiB file on a disk file system
 * takes 100-byte records, committed one by one with the crash-consistent flush order (two
 * {@code msync(MS_SYNC)} per commit: records, then mark), in groups of 16 and 256 records per
 * commit (group commit), and one by one with no flush at all (survives a killed process, not a
 * power cut). Each sample appends and commits for at least 20 ms; the variants run interleaved, the
 * one-by-one durable commit is the baseline of the ratios. A log that fills up is formatted again,
 * untimed.
 */
public final class CommitsPerSecond {

    private static final long SIZE = 64L << 20;
    private static final int RECORD = 100;
    private static final long SAMPLE_NANOS = 20_000_000;

    private CommitsPerSecond() {
    }

    public static void main(String[] args) throws Exception {
        Path folder = ScratchFolder.onDisk();
        Path[] files = new Path[4];
        MappedStorage[] storages = new MappedStorage[4];
        try {
            for (int i = 0; i < files.length; i++) {
                files[i] = Files.createTempFile(folder, "commits-", ".log");
                storages[i] = MappedStorage.open(files[i], SIZE);
            }
            Variant durableEach = committing("durable, 1 record per commit", storages[0], FlushPolicy.DATA_THEN_MARK, 1);
            Variant group16 = committing("durable, 16 records per commit", storages[1], FlushPolicy.DATA_THEN_MARK, 16);
            Variant group256 = committing("durable, 256 records per commit", storages[2], FlushPolicy.DATA_THEN_MARK, 256);
            Variant noFlush = committing("no flush, 1 record per commit", storages[3], FlushPolicy.NO_FLUSH, 1);
            Bench bench = Bench.withDefaults().withSamples(9).withBudget(Duration.ofSeconds(8));
            Comparison comparison = bench.compare(durableEach, group16, group256, noFlush);
            report(comparison, bench);
        } finally {
            for (int i = 0; i < files.length; i++) {
                if (storages[i] != null) {
                    storages[i].close();
                }
                if (files[i] != null) {
                    Files.deleteIfExists(files[i]);
                }
            }
        }
    }

    /** A variant that appends {@code perCommit} records, commits, and repeats for a sample's time. */
    private static Variant committing(String name, MappedStorage storage, FlushPolicy policy, int perCommit) {
        RecordLog[] log = {RecordLog.create(storage, policy)};
        byte[] record = new byte[RECORD];
        Arrays.fill(record, (byte) 'r');
        long roomPerCommit = perCommit * (RECORD + 8L) + 8;
        return Variant.of(name, () -> {
            long commits = 0;
            long start = System.nanoTime();
            long elapsed;
            do {
                if (SIZE - log[0].committedEnd() < roomPerCommit) {
                    long paused = System.nanoTime();
                    log[0] = RecordLog.create(storage, policy); // full: start again, untimed
                    start += System.nanoTime() - paused;
                }
                // tag::group-commit[]
                for (int r = 0; r < perCommit; r++) {
                    log[0].append(record);
                }
                log[0].commit();
                // end::group-commit[]
                commits++;
                elapsed = System.nanoTime() - start;
            } while (elapsed < SAMPLE_NANOS);
            return new Sample(elapsed, commits, commits * perCommit * (long) RECORD);
        });
    }

    private static double recordsPerSecond(Sample sample) {
        return sample.bytes() / (double) RECORD * 1e9 / sample.nanos();
    }

    private static void report(Comparison comparison, Bench bench) {
        System.out.printf("%d-byte records into a RecordLog on a mapped file (median and p90 of %d samples of at least"
                + " %d ms);%np90 (worse): the rate that 90 %% of the samples reached, so it is below the median;"
                + "%nx: median of the per-round ratios of records per second to the first row.%n%n",
                RECORD, comparison.baseline().count(), SAMPLE_NANOS / 1_000_000);
        Table table = Table.of(1, "commits", "commits/s", "p90 (worse)", "records/s", "x");
        for (Result result : comparison.all()) {
            Summary commits = result.operationsPerSecond();
            Summary records = result.summarize("records/s", true, CommitsPerSecond::recordsPerSecond);
            String ratio = result == comparison.baseline() ? "1"
                    : Summary.format(comparison.ratio(result.name(), "x", true, CommitsPerSecond::recordsPerSecond).median());
            table.row(result.name(), commits.median(), commits.p90(), records.median(), ratio);
        }
        System.out.print(table.toText());
        System.out.println();
        System.out.println(Table.wrap("Harness: " + bench.describe() + ".", 100));
    }
}
