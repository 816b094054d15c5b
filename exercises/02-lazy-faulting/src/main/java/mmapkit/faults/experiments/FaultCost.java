package mmapkit.faults.experiments;

import mmapkit.faults.Advice;
import mmapkit.faults.FaultCounters;
import mmapkit.faults.FaultProbes;
import mmapkit.faults.Faults;
import mmapkit.faults.PageControl;
import mmapkit.faults.bench.Bench;
import mmapkit.faults.bench.Comparison;
import mmapkit.faults.bench.Result;
import mmapkit.faults.bench.Sample;
import mmapkit.faults.bench.ScratchFolder;
import mmapkit.faults.bench.Summary;
import mmapkit.faults.bench.Table;
import mmapkit.faults.bench.Variant;
import mmapkit.mapping.MapMode;
import mmapkit.mapping.MappedFile;
import mmapkit.mapping.Pages;
import mmapkit.mapping.RawMapping;
import mmapkit.mapping.natives.MemoryMapCalls;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.function.ToDoubleFunction;

/**
 * Experiment: what one page fault costs, in nanoseconds, for three kinds of fault.
 * <ol>
 * <li>A minor read fault of a page that is in the page cache: a 64 MiB file mapped MAP_SHARED,
 *     every page touched once, then {@code madvise(MADV_DONTNEED)} drops the page-table entries
 *     (the pages stay cached) and the timed part touches every page again. Fault-around maps up
 *     to 16 cached neighbours per fault, so there are fewer faults than pages.</li>
 * <li>The first store to anonymous memory: a fresh private anonymous mapping, one store per page;
 *     each fault takes a zeroed page. Where the kernel would give unadvised anonymous memory large
 *     folios (THP {@code always}, anonymous mTHP), the region is advised {@code MADV_NOHUGEPAGE}
 *     first, so that this row measures one page per fault on every kernel.</li>
 * <li>The first store to a private mapping of the cached file: copy-on-write, each fault copies
 *     the file's page into a private one.</li>
 * </ol>
 * The three kinds run interleaved (one sample of each per round) and each sample counts its own
 * faults ({@link FaultCounters#measure}), so the numbers are per fault actually taken.
 */
public final class FaultCost {

    private static final long MIB = 1L << 20;
    private static final long SIZE = 64 * MIB;

    private FaultCost() {
    }

    public static void main(String[] args) throws Exception {
        Path folder = ScratchFolder.onDisk();
        Path file = Files.createTempFile(folder, "fault-cost-", ".bin");
        try {
            writeAndCache(file);
            long pages = SIZE / Pages.size();
            Bench bench = Bench.withDefaults().withWarmups(3).withSamples(30).withBudget(Duration.ofSeconds(9));
            System.out.printf("A %d MiB file (%d pages of %d bytes) in the page cache, on %s (not tmpfs).%n",
                    SIZE / MIB, pages, Pages.size(), ScratchFolder.fileSystemType(folder));
            System.out.println("Harness: " + bench.describe().replace("; ", ";\n  ") + ".");
            System.out.println();
            Comparison comparison;
            try (MappedFile shared = MappedFile.map(file, MapMode.READ_ONLY)) {
                MemorySegment cached = shared.segment();
                readEveryPage(cached); // map the pages once; from now on they are in the page cache
                comparison = bench.compare(
                        Variant.of("(1) minor read, cached page", () -> minorReadFault(cached)),
                        Variant.of("(2) first store, anonymous", FaultCost::anonymousFirstTouch),
                        Variant.of("(3) copy-on-write, private", () -> copyOnWrite(file)));
            }
            print(comparison, pages);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** (1): drop the page-table entries (untimed), then time reading every page again. */
    private static Sample minorReadFault(MemorySegment cached) {
        PageControl.advise(cached, Advice.DONTNEED); // a shared file mapping keeps its data: only the entries go
        long[] elapsed = new long[1];
        Faults faults = FaultCounters.measure(() -> {
            long start = System.nanoTime();
            readEveryPage(cached);
            elapsed[0] = System.nanoTime() - start;
        });
        return sample(elapsed[0], faults, cached.byteSize());
    }

    // tag::minor-read-fault[]
    /** One load per page, at its first byte; the sum goes to the harness's sink. */
    private static void readEveryPage(MemorySegment segment) {
        long page = Pages.size();
        long sum = 0;
        for (long offset = 0; offset < segment.byteSize(); offset += page) {
            sum += segment.get(ValueLayout.JAVA_BYTE, offset);
        }
        Bench.consume(sum);
    }
    // end::minor-read-fault[]

    /** (2): a fresh anonymous mapping (untimed), then time one store per page. */
    private static Sample anonymousFirstTouch() {
        try (RawMapping anonymous = RawMapping.anonymous(SIZE, MemoryMapCalls.PROT_READ | MemoryMapCalls.PROT_WRITE,
                MemoryMapCalls.MAP_PRIVATE)) {
            MemorySegment memory = anonymous.segment();
            FaultProbes.onePagePerAnonymousFault(anonymous.address(), SIZE); // untimed, and only where needed
            long[] elapsed = new long[1];
            Faults faults = FaultCounters.measure(() -> {
                long start = System.nanoTime();
                writeEveryPage(memory);
                elapsed[0] = System.nanoTime() - start;
            });
            return sample(elapsed[0], faults, SIZE);
        }
    }

    /** (3): a fresh private mapping of the cached file (untimed), then time one store per page. */
    private static Sample copyOnWrite(Path file) throws IOException {
        try (MappedFile copy = MappedFile.map(file, MapMode.PRIVATE)) {
            MemorySegment memory = copy.segment();
            long[] elapsed = new long[1];
            Faults faults = FaultCounters.measure(() -> {
                long start = System.nanoTime();
                writeEveryPage(memory);
                elapsed[0] = System.nanoTime() - start;
            });
            return sample(elapsed[0], faults, SIZE);
        }
    }

    // tag::first-store[]
    /** One store per page, at its first byte: in anonymous memory and in a private file mapping alike. */
    private static void writeEveryPage(MemorySegment segment) {
        long page = Pages.size();
        for (long offset = 0; offset < segment.byteSize(); offset += page) {
            segment.set(ValueLayout.JAVA_BYTE, offset, (byte) 1);
        }
    }
    // end::first-store[]

    /** A sample counting faults as the operations (so ns/op is ns per fault) and the touched bytes. */
    private static Sample sample(long nanos, Faults faults, long bytes) {
        if (faults.total() <= 0) {
            throw new IllegalStateException("touching " + bytes / Pages.size() + " pages took no fault: the pages"
                    + " were still mapped, so this sample measures nothing");
        }
        return new Sample(Math.max(1, nanos), faults.total(), bytes);
    }

    private static void print(Comparison comparison, long pages) {
        ToDoubleFunction<Sample> nanosPerPage = sample -> sample.nanos() / (double) pages;
        Table table = Table.of(1, "kind", "pages", "faults", "pages/fault", "ns/fault", "p90", "min", "ns/page",
                "x (1)/page");
        for (Result result : comparison.all()) {
            Summary perFault = result.nanosPerOperation();
            double faults = result.summarize("faults", false, Sample::operations).median();
            Object ratio = result == comparison.baseline() ? "1"
                    : comparison.ratio(result.name(), "x", false, nanosPerPage).median();
            table.row(result.name(), pages, Math.round(faults), pages / faults, perFault.median(), perFault.p90(),
                    perFault.best(), result.summarize("ns/page", false, nanosPerPage).median(), ratio);
        }
        System.out.print(table.toText());
        System.out.printf("(%d rounds: median, p90 and min over the rounds; the ratio is taken round by round)%n%n",
                comparison.rounds());

        Result minor = comparison.baseline();
        double minorFaults = minor.summarize("faults", false, Sample::operations).median();
        System.out.printf("(1) cost %s ns per fault, but one fault mapped %s pages on average (fault-around maps%n"
                        + "up to 16 cached neighbours, and a large folio of the page cache may be mapped whole),%n"
                        + "so re-touching a cached page cost only %s ns.%n",
                Summary.format(minor.nanosPerOperation().median()), Summary.format(pages / minorFaults),
                Summary.format(minor.summarize("ns/page", false, nanosPerPage).median()));
        for (Result result : comparison.others()) {
            double faults = result.summarize("faults", false, Sample::operations).median();
            System.out.printf("%s: %s ns per fault, %s page(s) per fault, %s times (1) per page.%n",
                    result.name(), Summary.format(result.nanosPerOperation().median()), Summary.format(pages / faults),
                    Summary.format(comparison.ratio(result.name(), "x", false, nanosPerPage).median()));
        }
        boolean advised = !FaultProbes.anonymousFolioSizes().value().isEmpty();
        System.out.println(advised
                ? "(2) was advised MADV_NOHUGEPAGE: unadvised, this kernel may fault in more than one page of"
                + " anonymous memory\nat a first store (" + FaultProbes.anonymousFolioSizes().value().size()
                + " large size(s) on), and the row would no longer measure one page per fault."
                : "(2) needed no advice: this kernel gives unadvised anonymous memory one page per first-store fault.");
    }

    /** Writes the file (not a hole: every page has data) and flushes it, so its pages are cached and clean. */
    private static void writeAndCache(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer chunk = ByteBuffer.allocateDirect((int) MIB);
            for (int i = 0; chunk.hasRemaining(); i++) {
                chunk.put((byte) (i * 31 + 7));
            }
            for (long written = 0; written < SIZE; written += MIB) {
                chunk.clear();
                while (chunk.hasRemaining()) {
                    channel.write(chunk, written + chunk.position());
                }
            }
            channel.force(false);
        }
    }
}
