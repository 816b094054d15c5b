package mmapkit.sync.experiments;

import mmapkit.dirty.DirtyTracker;
import mmapkit.faults.Advice;
import mmapkit.faults.PageControl;
import mmapkit.faults.bench.Bench;
import mmapkit.faults.bench.Comparison;
import mmapkit.faults.bench.Result;
import mmapkit.faults.bench.Sample;
import mmapkit.faults.bench.ScratchFiles;
import mmapkit.faults.bench.ScratchFolder;
import mmapkit.faults.bench.Summary;
import mmapkit.faults.bench.Table;
import mmapkit.faults.bench.Trial;
import mmapkit.faults.bench.Variant;
import mmapkit.mapping.MapMode;
import mmapkit.mapping.MappedFile;
import mmapkit.mapping.Pages;
import mmapkit.sync.DirtyFlush;
import mmapkit.sync.Msync;
import mmapkit.sync.SyncFlag;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Experiment: what an {@code msync} costs. A 64 MiB file on a disk file system is mapped shared
 * (with {@code MADV_RANDOM}, so that each page is cached and written alone), written once and
 * flushed, so that every block is allocated. Then each variant dirties some pages again (untimed)
 * and times only the flush: one page, a run of 256 or 4096 pages, 16 scattered pages flushed run by
 * run ({@link DirtyFlush}) or with one call over the whole mapping, {@link MemorySegment#force()},
 * {@code MS_ASYNC}, and a whole-mapping {@code MS_SYNC} with nothing dirty. The variants run
 * interleaved, in rounds, with the one-page flush as the baseline of every ratio.
 */
public final class MsyncCost {

    private static final long MIB = 1L << 20;
    private static final long SIZE = 64 * MIB;
    private static final long PAGE = Pages.size();
    private static final long PAGES = SIZE / PAGE;
    /** A sample repeats dirty-then-flush until its flushes took this long in total. */
    private static final long SAMPLE_NANOS = 2_000_000;

    private MsyncCost() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Files.createTempFile(ScratchFolder.onDisk(), "msync-cost-", ".bin");
        ScratchFiles.hole(file, SIZE);
        try (MappedFile mapping = MappedFile.map(file, MapMode.SHARED)) {
            MemorySegment segment = mapping.segment();
            PageControl.advise(segment, Advice.RANDOM);
            for (long p = 0; p < PAGES; p++) {
                segment.set(ValueLayout.JAVA_LONG, p * PAGE, p); // allocate every block once
            }
            mapping.force();
            long[] scattered = new long[16];
            for (int i = 0; i < scattered.length; i++) {
                scattered[i] = (i * 997L + 13) % PAGES; // 16 pages far apart
            }
            DirtyTracker tracker = DirtyTracker.over(segment);
            // tag::variants[]
            Variant onePage = flushing("1 dirty page: MS_SYNC of its page", 1, () -> dirty(segment, 0, 1),
                    () -> Msync.flush(segment, 0, PAGE, SyncFlag.SYNC));
            List<Variant> others = new ArrayList<>(List.of(
                    flushing("1 dirty page: MS_SYNC of all 64 MiB", 1, () -> dirty(segment, 0, 1),
                            () -> Msync.flush(segment, SyncFlag.SYNC)),
                    flushing("256 dirty pages in a run: MS_SYNC of the run", 256, () -> dirty(segment, 0, 256),
                            () -> Msync.flush(segment, 0, 256 * PAGE, SyncFlag.SYNC)),
                    flushing("4096 dirty pages in a run: MS_SYNC of the run", 4096,  // not a page size: a count of pages
                            () -> dirty(segment, 0, 4096),  // not a page size: a count of pages
                            () -> Msync.flush(segment, 0, 4096 * PAGE, SyncFlag.SYNC)),  // not a page size: a count of pages
                    flushing("16 scattered pages: DirtyFlush, 16 calls", 16, () -> {
                        for (long page : scattered) {
                            tracker.putLong(page * PAGE, System.nanoTime());
                        }
                    }, () -> DirtyFlush.flushDirtyRuns(tracker, SyncFlag.SYNC)),
                    flushing("16 scattered pages: MS_SYNC of all 64 MiB", 16,
                            () -> dirtyEach(segment, scattered),
                            () -> Msync.flush(segment, SyncFlag.SYNC)),
                    flushing("16 scattered pages: MemorySegment.force()", 16,
                            () -> dirtyEach(segment, scattered),
                            segment::force),
                    flushing("1 dirty page: MS_ASYNC of its page", 1, () -> dirty(segment, 0, 1),
                            () -> Msync.flush(segment, 0, PAGE, SyncFlag.ASYNC)),
                    flushing("nothing dirty: MS_SYNC of all 64 MiB", 0, () -> { },
                            () -> Msync.flush(segment, SyncFlag.SYNC))));
            // end::variants[]
            Bench bench = Bench.withDefaults().withSamples(15).withBudget(Duration.ofSeconds(15));
            Comparison comparison = bench.compare(onePage, others.toArray(Variant[]::new));
            mapping.force(); // the MS_ASYNC variant left a page dirty
            report(comparison, bench);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * A variant whose sample repeats: {@code dirty} untimed, then {@code flush} timed, until the
     * flushes add up to {@link #SAMPLE_NANOS}; one operation is one flush.
     */
    private static Variant flushing(String name, long pages, Runnable dirty, Runnable flush) {
        Trial trial = () -> {
            long timed = 0;
            long flushes = 0;
            while (timed < SAMPLE_NANOS && flushes < 100_000) {
                dirty.run();
                long start = System.nanoTime();
                flush.run();
                timed += System.nanoTime() - start;
                flushes++;
            }
            return new Sample(Math.max(timed, Bench.MIN_SAMPLE_NANOS), flushes, flushes * pages * PAGE);
        };
        return Variant.of(name, trial);
    }

    private static void dirty(MemorySegment segment, long firstPage, long count) {
        long stamp = System.nanoTime();
        for (long p = firstPage; p < firstPage + count; p++) {
            segment.set(ValueLayout.JAVA_LONG, p * PAGE, stamp);
        }
    }

    private static void dirtyEach(MemorySegment segment, long[] pages) {
        long stamp = System.nanoTime();
        for (long page : pages) {
            segment.set(ValueLayout.JAVA_LONG, page * PAGE, stamp);
        }
    }

    private static void report(Comparison comparison, Bench bench) {
        System.out.printf("Time of one flush, in µs (median and p90 of %d samples; each sample times its own loop of"
                + " dirty-then-flush%nuntil it has spent at least %d ms flushing, so the harness's minimum for repeated"
                + " operations below%ndoes not apply here); x: median of the per-round ratios to the first row.%n%n",
                comparison.baseline().count(), SAMPLE_NANOS / 1_000_000);
        Table table = Table.of(1, "variant", "median µs", "p90 µs", "x");
        for (Result result : comparison.all()) {
            Summary micros = result.summarize("µs", false, sample -> sample.nanosPerOperation() / 1e3);
            String ratio = result == comparison.baseline() ? "1" : Summary.format(comparison.timeRatio(result.name()).median());
            table.row(result.name(), micros.median(), micros.p90(), ratio);
        }
        System.out.print(table.toText());
        System.out.println();
        System.out.println(Table.wrap("Harness: " + bench.describe() + ".", 100));
    }
}
