package mmapkit.dirty.experiments;

import mmapkit.dirty.CacheStat;
import mmapkit.dirty.DirtyTracker;
import mmapkit.dirty.MappingStats;
import mmapkit.dirty.PageCacheState;
import mmapkit.dirty.PageFlags;
import mmapkit.dirty.PageHashTracker;
import mmapkit.dirty.PageMap;
import mmapkit.dirty.SoftDirty;
import mmapkit.dirty.WriteProtectTracker;
import mmapkit.faults.Advice;
import mmapkit.faults.FaultProbes;
import mmapkit.faults.PageControl;
import mmapkit.faults.PageRun;
import mmapkit.faults.bench.Bench;
import mmapkit.faults.bench.Comparison;
import mmapkit.faults.bench.Result;
import mmapkit.faults.bench.ScratchFiles;
import mmapkit.faults.bench.ScratchFolder;
import mmapkit.faults.bench.Summary;
import mmapkit.faults.bench.Table;
import mmapkit.faults.bench.Variant;
import mmapkit.mapping.MapMode;
import mmapkit.mapping.MappedFile;
import mmapkit.mapping.Pages;
import mmapkit.mapping.RawMapping;
import mmapkit.mapping.natives.MemoryMapCalls;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Experiment: the ways of finding a mapping's dirty pages, side by side, on two 32 MiB files mapped
 * {@code SHARED} on a disk file system: A filled with {@code write()} and flushed (cached in
 * whatever folios {@code write()} chose, large ones on ext4 here), B sparse and mapped with
 * {@code MADV_RANDOM} (each page cached alone when first read).
 * <ol>
 * <li>The same writes, seen six ways. After a snapshot of the page hashes (and, where the kernel
 *     has soft-dirty bits, a {@code clear_refs}; where it has PAGEMAP_SCAN and asynchronous write
 *     protection, a {@link WriteProtectTracker} over the mapping), 96 pages get new bytes through a
 *     {@link DirtyTracker}, one more gets the bytes it already held through the tracker, and three
 *     more are changed by plain stores that bypass it. Then each way says what it found: the
 *     kernel's counters (smaps of the mapping, cachestat of the file), soft-dirty bits from pagemap,
 *     the tracker's bitmap, the page hashes and the pages written since the write protection.</li>
 * <li>What each way costs, measured with module 02's harness on B: an 8-byte write through the
 *     tracker against a plain store (interleaved, on touched anonymous memory so that no write fault
 *     lands in the timed loop), the bitmap's runs, a hash scan per MiB, one read
 *     of smaps, one cachestat call (on A and on B), a pagemap read of the mapping, a write to
 *     {@code clear_refs}, and for write protection the first store to a protected page and one
 *     {@code PAGEMAP_SCAN} epoch of the mapping.</li>
 * </ol>
 * The whole run takes about three seconds.
 */
public final class TrackingCompared {

    private static final long MIB = 1L << 20;
    private static final long SIZE = 32 * MIB;
    private static final long PAGE = Pages.size();
    private static final long PAGES = SIZE / PAGE;
    private static final int TRACKED = 96;
    private static final int BYPASSED = 3;
    private static final Duration SHORT = Duration.ofMillis(300);
    private static final Duration LONGER = Duration.ofMillis(800);

    private TrackingCompared() {
    }

    public static void main(String[] args) throws Exception {
        Path folder = ScratchFolder.onDisk();
        Path written = Files.createTempFile(folder, "tracking-compared-", ".bin");
        Path sparse = Files.createTempFile(folder, "tracking-compared-sparse-", ".bin");
        try {
            ScratchFiles.randomLongs(written, SIZE, 1); // written with write() and fsync'ed: cached and clean
            ScratchFiles.hole(sparse, SIZE); // a hole: nothing cached, nothing on disk
            System.out.printf("Two %d MiB files (%d pages of %d bytes) on %s, each mapped SHARED with no dirty page:%n"
                    + "A: filled with write() and fsync'ed, so cached in the folios write() chose;%n"
                    + "B: sparse (a hole), mapped with MADV_RANDOM, so each page is cached alone when first read.%n%n",
                    SIZE / MIB, PAGES, PAGE, ScratchFolder.fileSystemType(folder));
            Found inWritten;
            Found inSparse;
            Costs costs;
            try (MappedFile mapping = MappedFile.map(written, MapMode.SHARED)) {
                inWritten = sameWritesFiveWays(written, mapping.segment());
            }
            try (MappedFile mapping = MappedFile.map(sparse, MapMode.SHARED)) {
                PageControl.advise(mapping.segment(), Advice.RANDOM);
                inSparse = sameWritesFiveWays(sparse, mapping.segment());
                mapping.force();
                costs = measure(written, sparse, mapping.segment());
            }
            report(inWritten, inSparse, costs);
        } finally {
            Files.deleteIfExists(written);
            Files.deleteIfExists(sparse);
        }
    }

    /** What each way reported for the same writes. */
    private record Found(long written, long smapsDirty, String cachestat, String softDirty, List<PageRun> bitmapRuns,
                         long bitmapPages, long[] hashPages, String writeProtect, long bypassed, long sameBytes) {
    }

    private static Found sameWritesFiveWays(Path file, MemorySegment segment) {
        // tag::same-writes[]
        PageHashTracker hashes = PageHashTracker.snapshot(segment); // reads (and faults in) every page
        boolean softDirty = SoftDirty.supported();
        if (softDirty) {
            SoftDirty.clear(); // from here on, the kernel sets bit 55 of each page this process writes
        }
        WriteProtectTracker written = WriteProtectTracker.supported()
                ? WriteProtectTracker.over(segment) : null; // from here on, the kernel marks each page stored to
        DirtyTracker tracker = DirtyTracker.over(segment);
        SplittableRandom random = new SplittableRandom(3);
        TreeSet<Long> pages = new TreeSet<>();
        while (pages.size() < TRACKED + 1 + BYPASSED) {
            pages.add(random.nextLong(PAGES));
        }
        int i = 0;
        for (long page : pages) {
            long offset = page * PAGE + random.nextLong(PAGE - 8);
            if (i < TRACKED) {
                tracker.put(offset, new byte[] {(byte) ~segment.get(ValueLayout.JAVA_BYTE, offset)}); // new bytes
            } else if (i == TRACKED) {
                tracker.putLong(offset, segment.get(ValueLayout.JAVA_LONG_UNALIGNED, offset)); // the same bytes back
            } else {
                segment.set(ValueLayout.JAVA_BYTE, offset, (byte) ~segment.get(ValueLayout.JAVA_BYTE, offset)); // bypass
            }
            i++;
        }
        long smapsDirty = MappingStats.of(segment).dirtyPages();               // kernel: a count per mapping
        String cachestat = PageCacheState.supported()
                ? PageCacheState.of(file).dirty() + " pages" : "n/a";        // kernel: a count per file range
        String bits = softDirty ? countSoftDirty(PageMap.of(segment)) + " pages" : "n/a"; // kernel: per page
        List<PageRun> runs = tracker.dirtyRuns();                              // user space: API writes, per page
        long[] changed = hashes.changedPages();                                // user space: all changes, per page
        String wp = written == null ? "n/a" : written.writtenPages() + " pages";  // kernel: this process's stores, per page
        // end::same-writes[]
        if (written != null) {
            written.close();
        }
        return new Found(pages.size(), smapsDirty, cachestat, bits, runs, tracker.dirtyPages(), changed, wp, BYPASSED, 1);
    }

    private static long countSoftDirty(PageFlags[] flags) {
        long count = 0;
        for (PageFlags page : flags) {
            if (page.softDirty()) {
                count++;
            }
        }
        return count;
    }

    /** The measured costs, each a summary over the samples of the harness. */
    private record Costs(Comparison writes, Summary runsMicros, Summary hashMicrosPerMib, Summary smapsMicros,
                         Summary cachestatMicros, Summary cachestatWrittenMicros, Summary pagemapMicros,
                         Summary clearRefsMicros, Summary firstStoreNanos, Summary scanMicros, Summary emptyScanMicros,
                         String harness) {
    }

    private static Costs measure(Path written, Path file, MemorySegment segment) throws Exception {
        Bench bench = Bench.withDefaults();
        long[] offsets = randomOffsets(1 << 16, new SplittableRandom(8));
        // The stores are timed on touched anonymous memory: on the file mapping, writeback (ours or the
        // flusher's, started by any program's dirty pages) write-protects clean pages again, and the
        // write faults that follow would drown the few nanoseconds of bookkeeping being measured.
        MemorySegment memory = Arena.ofAuto().allocate(SIZE, PAGE).fill((byte) 1);
        DirtyTracker tracker = DirtyTracker.over(memory);
        // tag::write-cost[]
        Comparison writes = bench.withBudget(LONGER).compare(
                Variant.repeating("plain store", Long.BYTES, count -> {
                    for (long n = 0; n < count; n++) {
                        memory.set(ValueLayout.JAVA_LONG_UNALIGNED, offsets[(int) (n & 0xFFFF)], n);
                    }
                    return count;
                }),
                Variant.repeating("DirtyTracker.putLong", Long.BYTES, count -> {
                    for (long n = 0; n < count; n++) {
                        tracker.putLong(offsets[(int) (n & 0xFFFF)], n);
                    }
                    return tracker.dirtyPages();
                }));
        // end::write-cost[]
        Summary runs = micros(bench.withBudget(SHORT).measure(Variant.repeating("dirtyRuns", 0,
                count -> repeat(count, () -> tracker.dirtyRuns().size()))));
        PageHashTracker hashes = PageHashTracker.snapshot(segment);
        // tag::hash-cost[]
        Result scan = bench.withBudget(LONGER).measure(Variant.of("hash scan", () -> Bench.time(1, SIZE,
                () -> Bench.consume(hashes.changedPages().length))));
        Summary hashPerMib = scan.summarize("µs/MiB", false, sample -> sample.nanos() / 1e3 / (sample.bytes() / (double) MIB));
        // end::hash-cost[]
        Summary smaps = micros(bench.withBudget(SHORT).measure(Variant.repeating("smaps", 0,
                count -> repeat(count, () -> MappingStats.of(segment).privateDirty()))));
        Summary cachestat = PageCacheState.supported()
                ? micros(bench.withBudget(SHORT).measure(Variant.repeating("cachestat", 0,
                        count -> repeat(count, () -> cachestatDirty(file)))))
                : null;
        Summary cachestatWritten = PageCacheState.supported()
                ? micros(bench.withBudget(SHORT).measure(Variant.repeating("cachestat A", 0,
                        count -> repeat(count, () -> cachestatDirty(written)))))
                : null;
        Summary pagemap = micros(bench.withBudget(SHORT).measure(Variant.repeating("pagemap", 0,
                count -> repeat(count, () -> PageMap.of(segment).length))));
        // last: on a kernel with soft-dirty, clear_refs write-protects every page of the JVM
        Summary clearRefs = micros(bench.withBudget(SHORT).measure(Variant.repeating("clear_refs", 0,
                count -> repeat(count, () -> {
                    SoftDirty.clear();
                    return 1;
                }))));
        Summary firstStore = null;
        Summary epochScan = null;
        Summary emptyScan = null;
        if (WriteProtectTracker.supported()) {
            // on anonymous memory of one page per fault, so that a protected page is one page, not a huge one
            try (RawMapping protectedMemory = RawMapping.anonymous(SIZE, MemoryMapCalls.PROT_READ | MemoryMapCalls.PROT_WRITE,
                    MemoryMapCalls.MAP_PRIVATE)) {
                MemorySegment region = protectedMemory.segment();
                FaultProbes.onePagePerAnonymousFault(region.address(), SIZE);
                region.fill((byte) 1);
                long[] firstStores = distinctPageOffsets(2048, new SplittableRandom(11));
                long[] scattered = distinctPageOffsets(TRACKED, new SplittableRandom(12));
                try (WriteProtectTracker protection = WriteProtectTracker.over(region)) {
                    // tag::write-protect-cost[]
                    Result stores = bench.withBudget(LONGER).measure(Variant.of("first store after protection", () -> {
                        protection.clear(); // untimed: every page protected again
                        return Bench.time(firstStores.length, 0, () -> {
                            for (long offset : firstStores) { // each store takes a write fault the kernel resolves
                                region.set(ValueLayout.JAVA_LONG_UNALIGNED, offset, offset);
                            }
                        });
                    }));
                    Result epochs = bench.withBudget(LONGER).measure(Variant.of("PAGEMAP_SCAN epoch", () -> {
                        for (long offset : scattered) { // untimed: 96 pages written in this epoch
                            region.set(ValueLayout.JAVA_BYTE, offset, (byte) 2);
                        }
                        return Bench.time(1, SIZE, () -> Bench.consume(protection.takeWrittenRuns().size()));
                    }));
                    // end::write-protect-cost[]
                    Result empty = bench.withBudget(SHORT).measure(Variant.repeating("PAGEMAP_SCAN, nothing written", 0,
                            count -> repeat(count, () -> protection.takeWrittenRuns().size())));
                    firstStore = stores.summarize("ns", false, sample -> sample.nanosPerOperation());
                    epochScan = micros(epochs);
                    emptyScan = micros(empty);
                }
            }
        }
        String harness = bench.withBudget(LONGER).describe() + " (" + SHORT.toMillis() + " ms for all but the writes and"
                + " the hash scan)";
        return new Costs(writes, runs, hashPerMib, smaps, cachestat, cachestatWritten, pagemap, clearRefs, firstStore, epochScan,
                emptyScan, harness);
    }

    private static long cachestatDirty(Path file) {
        CacheStat stat = PageCacheState.of(file);
        return stat.dirty();
    }

    @FunctionalInterface
    private interface Once {
        long run() throws Exception;
    }

    private static long repeat(long count, Once once) throws Exception {
        long sum = 0;
        for (long n = 0; n < count; n++) {
            sum += once.run();
        }
        return sum;
    }

    private static Summary micros(Result result) {
        return result.summarize("µs", false, sample -> sample.nanosPerOperation() / 1e3);
    }

    private static String us(Summary micros) {
        return Summary.format(micros.median()) + " µs";
    }

    private static void report(Found a, Found b, Costs costs) {
        System.out.printf("In each, %d pages written: %d with new bytes through DirtyTracker, %d with the%nbytes it"
                        + " already held through DirtyTracker, %d with new bytes by plain stores that bypass it.%n"
                        + "What each way found:%n%n", a.written(), TRACKED, a.sameBytes(), a.bypassed());
        Table seen = Table.of(2, "way", "found", "A: write() file", "B: sparse file");
        seen.row("smaps Private_Dirty + Shared_Dirty", "a count for the mapping", a.smapsDirty() + " pages",
                b.smapsDirty() + " pages");
        seen.row("cachestat of the file", "a count for the file range", a.cachestat(), b.cachestat());
        seen.row("soft-dirty bits (pagemap)", "which pages", a.softDirty(), b.softDirty());
        seen.row("DirtyTracker bitmap", "which pages, in runs", a.bitmapPages() + " pages, " + a.bitmapRuns().size()
                + " runs", b.bitmapPages() + " pages, " + b.bitmapRuns().size() + " runs");
        seen.row("page hashes", "which pages", a.hashPages().length + " pages", b.hashPages().length + " pages");
        seen.row("write protection + PAGEMAP_SCAN", "which pages", a.writeProtect(), b.writeProtect());
        System.out.print(seen.toText());
        System.out.println();
        System.out.println(Table.wrap(String.format("The kernel counts the pages it must write back: in B every page stored to"
                        + " (%d), in A %s, since write() cached A in large folios and a store marks its whole folio"
                        + " dirty. The bitmap has every page written through it (%d: the %d bypassing stores are missing),"
                        + " the hashes every page whose bytes changed (%d: the page that got its own bytes back is"
                        + " missing), write protection every page this process stored to (%s), however it stored."
                        + " Of the ways that work here, only these say which pages.", b.written(), a.smapsDirty() + " pages",
                b.bitmapPages(), b.bypassed(), b.hashPages().length, b.writeProtect()), 96));
        System.out.println();

        Summary plain = costs.writes().baseline().nanosPerOperation();
        Summary tracked = costs.writes().result("DirtyTracker.putLong").nanosPerOperation();
        Summary ratio = costs.writes().timeRatio("DirtyTracker.putLong");
        System.out.println("Measured costs on this machine (median and p90 of the samples).");
        System.out.println("Harness: " + costs.harness().replace("; ", ";\n  ") + ".");
        Table cost = Table.of(2, "operation", "unit", "median", "p90");
        cost.row("8-byte store to a random page of " + SIZE / MIB + " MiB touched memory, plain", "ns", plain.median(), plain.p90());
        cost.row("8-byte store through DirtyTracker.putLong", "ns", tracked.median(), tracked.p90());
        cost.row("  DirtyTracker / plain", "x", ratio.median(), ratio.p90());
        cost.row("DirtyTracker.dirtyRuns(), " + PAGES + " pages", "µs", costs.runsMicros().median(), costs.runsMicros().p90());
        cost.row("PageHashTracker scan (XXH64 per page)", "µs per MiB", costs.hashMicrosPerMib().median(),
                costs.hashMicrosPerMib().p90());
        cost.row("  the same for the " + SIZE / MIB + " MiB mapping", "ms", costs.hashMicrosPerMib().median() * SIZE / MIB / 1e3,
                costs.hashMicrosPerMib().p90() * SIZE / MIB / 1e3);
        cost.row("MappingStats.of: read /proc/self/smaps once", "µs", costs.smapsMicros().median(), costs.smapsMicros().p90());
        if (costs.cachestatMicros() != null) {
            cost.row("cachestat of file B (page by page), one call", "µs", costs.cachestatMicros().median(),
                    costs.cachestatMicros().p90());
            cost.row("cachestat of file A (large folios), one call", "µs", costs.cachestatWrittenMicros().median(),
                    costs.cachestatWrittenMicros().p90());
        }
        cost.row("pagemap of the mapping (" + PAGES + " entries)", "µs", costs.pagemapMicros().median(),
                costs.pagemapMicros().p90());
        cost.row("write 4 to /proc/self/clear_refs", "µs", costs.clearRefsMicros().median(), costs.clearRefsMicros().p90());
        if (costs.firstStoreNanos() != null) {
            cost.row("first 8-byte store to a write-protected page", "ns", costs.firstStoreNanos().median(),
                    costs.firstStoreNanos().p90());
            cost.row("PAGEMAP_SCAN epoch, " + TRACKED + " pages written of " + PAGES, "µs", costs.scanMicros().median(),
                    costs.scanMicros().p90());
            cost.row("PAGEMAP_SCAN epoch, nothing written", "µs", costs.emptyScanMicros().median(),
                    costs.emptyScanMicros().p90());
        }
        System.out.print(cost.toText());
        System.out.println();

        String softDirtyHere = SoftDirty.supported() ? "yes" : "no: " + SoftDirty.unsupportedReason();
        String cachestatHere = PageCacheState.supported() ? "yes" : "no: " + PageCacheState.unsupportedReason();
        String cachestatCost = costs.cachestatMicros() == null ? "n/a"
                : us(costs.cachestatMicros()) + " (B) / " + us(costs.cachestatWrittenMicros()) + " (A) per call";
        double extra = tracked.median() - plain.median();
        // tag::comparison-table[]
        String[][] rows = {
                {"smaps Private_Dirty", "a count per mapping, whole folios", us(costs.smapsMicros()) + " per read of smaps",
                        "none for own process", "yes"},
                {"cachestat", "a count per file range, whole folios", cachestatCost, "an open descriptor of the file",
                        PageCacheState.supported() ? "yes" : "no"},
                {"soft-dirty (pagemap bit 55)", "per page, every store of this process",
                        us(costs.clearRefsMicros()) + " clear + " + us(costs.pagemapMicros()) + " pagemap, + a fault per page",
                        "none for own process", SoftDirty.supported() ? "yes" : "no"},
                {"DirtyTracker bitmap", "per page, writes through it only",
                        (extra >= 0 ? "+" : "") + Summary.format(extra) + " ns per 8-byte write (" + Summary.format(ratio.median()) + "x)",
                        "none", "yes"},
                {"page hashes", "per page, every change by anyone", us(costs.hashMicrosPerMib()) + " per MiB scanned",
                        "none", "yes"},
                {"write protection + PAGEMAP_SCAN", "per page, every store of this process",
                        costs.scanMicros() == null ? "n/a" : us(costs.scanMicros()) + " per scan of " + SIZE / MIB + " MiB, "
                                + Summary.format(costs.firstStoreNanos().median()) + " ns per first store",
                        "none for own memory", WriteProtectTracker.supported() ? "yes" : "no"}};
        // two tables, so that each fits a printed page
        Table ways = Table.of(3, "way", "precision", "on this kernel");
        Table prices = Table.of(3, "way", "measured cost", "privileges");
        for (String[] row : rows) {
            ways.row(row[0], row[1], row[4]);
            prices.row(row[0], row[2], row[3]);
        }
        // end::comparison-table[]
        System.out.print(ways.toText());
        System.out.println();
        System.out.print(prices.toText());
        System.out.println(Table.wrap("(costs: medians from the table above; smaps and soft-dirty for this process, others need"
                + " ptrace access to it)", 96));
        System.out.println();
        System.out.println(Table.wrap("soft-dirty here: " + softDirtyHere, 96));
        System.out.println("cachestat here: " + cachestatHere);
        System.out.println(Table.wrap("write protection + PAGEMAP_SCAN here: " + (WriteProtectTracker.supported() ? "yes"
                : "no: " + WriteProtectTracker.unsupportedReason()), 96));
    }

    /** The offsets of the first bytes of {@code count} different pages of the mapping, in random order. */
    private static long[] distinctPageOffsets(int count, SplittableRandom random) {
        long[] pages = random.longs(0, PAGES).distinct().limit(count).toArray();
        for (int i = 0; i < pages.length; i++) {
            pages[i] *= PAGE;
        }
        return pages;
    }

    /** Offsets of 8-byte slots in random pages of the mapping, drawn before measuring. */
    private static long[] randomOffsets(int count, SplittableRandom random) {
        long[] offsets = new long[count];
        for (int i = 0; i < count; i++) {
            offsets[i] = random.nextLong(PAGES) * PAGE + random.nextLong(PAGE / Long.BYTES) * Long.BYTES;
        }
        return offsets;
    }
}
