package mmapkit.faults.experiments;

import mmapkit.faults.bench.Bench;
import mmapkit.faults.bench.Comparison;
import mmapkit.faults.bench.Result;
import mmapkit.faults.bench.Sample;
import mmapkit.faults.bench.ScratchFiles;
import mmapkit.faults.bench.ScratchFolder;
import mmapkit.faults.bench.Summary;
import mmapkit.faults.bench.Table;
import mmapkit.faults.bench.Variant;
import mmapkit.mapping.MapMode;
import mmapkit.mapping.MappedFile;
import mmapkit.mapping.Pages;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Experiment: reading a file that is already in the page cache, through a mapping and through
 * {@code FileChannel.read}, for two workloads.
 * <ul>
 * <li>Sequential: one pass summing every long of a 256 MiB file. The mapping either stays mapped
 *     between passes (its page-table entries filled by the warm-up) or is mapped for each pass
 *     and closed after it (so the pass pays the faults and the unmapping, as a program that reads
 *     a file once does); {@code read} fills one 1 MiB direct buffer at a time and the same loop
 *     sums it.</li>
 * <li>Random: 8-byte reads at random pages (and a random long inside each) of the same file,
 *     through the mapping (kept mapped, or mapped fresh for every 16384 reads) and through
 *     positional {@code FileChannel.read(buffer, position)} of 8 bytes, one system call each.</li>
 * </ul>
 * Every workload compares its variants with {@code read} in the same run, interleaved. The
 * numbers go to standard output as a table and, when a path is given as the first argument or
 * the system property {@code experiments.output} names a folder, to a CSV file
 * ({@code MappingVersusRead.csv} in that folder) that the book turns into a chart.
 */
public final class MappingVersusRead {

    private static final long MIB = 1L << 20;
    private static final long SIZE = 256 * MIB;
    private static final int BUFFER = (int) MIB;
    /** Random reads per sample of the variant that maps the file for every sample. */
    private static final int READS_PER_FRESH_MAPPING = 16_384;
    /** Time for each workload's measurement: the whole experiment stays under 20 s. */
    private static final Duration SEQUENTIAL_BUDGET = Duration.ofSeconds(6);
    private static final Duration RANDOM_BUDGET = Duration.ofSeconds(5);
    /** A ratio within 10 % of 1 is a tie on this noisy machine. */
    private static final double TIE = 0.10;

    private static final String SEQUENTIAL = "sequential pass";
    private static final String RANDOM = "random 8-byte reads";
    private static final String READ_SEQUENTIAL = "read, 1 MiB buffer";
    private static final String READ_RANDOM = "read(buffer, position)";
    private static final String MAPPING_KEPT = "mapping, kept";
    private static final String MAPPING_PER_PASS = "mapping, per pass";
    private static final String MAPPING_PER_SAMPLE = "mapping, per 16384 reads";

    private MappingVersusRead() {
    }

    public static void main(String[] args) throws Exception {
        Path csv = csvPath(args);
        Path folder = ScratchFolder.onDisk();
        Path file = Files.createTempFile(folder, "mapping-versus-read-", ".bin");
        try {
            write(file);
            Bench bench = Bench.withDefaults().withWarmups(3).withSamples(25);
            System.out.printf("A %d MiB file in the page cache (written, flushed and read once before measuring), on %s.%n",
                    SIZE / MIB, ScratchFolder.fileSystemType(folder));
            System.out.println("Harness: " + bench.withBudget(SEQUENTIAL_BUDGET).describe().replace("; ", ";\n  ")
                    + " (" + RANDOM_BUDGET.toSeconds() + " s for the random reads).");
            System.out.println();
            long[] offsets = randomOffsets(1 << 20, new SplittableRandom(42));
            Comparison sequential;
            Comparison random;
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
                 MappedFile kept = MappedFile.map(file, MapMode.READ_ONLY)) {
                MemorySegment mapped = kept.segment();
                ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER).order(ByteOrder.nativeOrder());
                check(sumByRead(channel, buffer), sumLongs(mapped, SIZE));
                sequential = bench.withBudget(SEQUENTIAL_BUDGET).compare(
                        Variant.of(READ_SEQUENTIAL, () -> pass(() -> sumByRead(channel, buffer))),
                        Variant.of(MAPPING_KEPT, () -> pass(() -> sumLongs(mapped, SIZE))),
                        Variant.of(MAPPING_PER_PASS, () -> pass(() -> sumByMappingOnce(file))));
                ByteBuffer eight = ByteBuffer.allocateDirect(Long.BYTES).order(ByteOrder.nativeOrder());
                Cursor byRead = new Cursor(offsets);
                Cursor byMapping = new Cursor(offsets);
                Cursor byFreshMapping = new Cursor(offsets);
                random = bench.withBudget(RANDOM_BUDGET).compare(
                        Variant.repeating(READ_RANDOM, Long.BYTES, count -> readRandom(channel, eight, byRead, count)),
                        Variant.repeating(MAPPING_KEPT, Long.BYTES, count -> loadRandom(mapped, byMapping, count)),
                        Variant.of(MAPPING_PER_SAMPLE, () -> freshMappingRandom(file, byFreshMapping)));
            }
            report(sequential, random, csv);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static Path csvPath(String[] args) {
        if (args.length > 0) {
            return Path.of(args[0]);
        }
        String folder = System.getProperty("experiments.output");
        return folder == null ? null : Path.of(folder).resolve(MappingVersusRead.class.getSimpleName() + ".csv");
    }

    // tag::sequential-mapping[]
    /** Sums every long of the first {@code length} bytes: the loop both sides of the sequential pass run. */
    private static long sumLongs(MemorySegment segment, long length) {
        long sum = 0;
        for (long offset = 0; offset + Long.BYTES <= length; offset += Long.BYTES) {
            sum += segment.get(ValueLayout.JAVA_LONG, offset);
        }
        return sum;
    }

    /** A program reading the file once: map, sum, unmap (faults and munmap are part of the pass). */
    private static long sumByMappingOnce(Path file) throws IOException {
        try (MappedFile mapping = MappedFile.map(file, MapMode.READ_ONLY)) {
            return sumLongs(mapping.segment(), mapping.length());
        }
    }
    // end::sequential-mapping[]

    // tag::sequential-read[]
    /** Reads the whole file into one 1 MiB direct buffer after the other, summing each with the same loop. */
    private static long sumByRead(FileChannel channel, ByteBuffer buffer) throws IOException {
        MemorySegment view = MemorySegment.ofBuffer(buffer);
        long sum = 0;
        long position = 0;
        int read;
        while ((read = channel.read(buffer.clear(), position)) > 0) {
            position += read;
            sum += sumLongs(view, read);
        }
        return sum;
    }
    // end::sequential-read[]

    // tag::random-mapping[]
    /** {@code count} loads of 8 bytes at the next random offsets. */
    private static long loadRandom(MemorySegment mapped, Cursor offsets, long count) {
        long sum = 0;
        for (long i = 0; i < count; i++) {
            sum += mapped.get(ValueLayout.JAVA_LONG, offsets.next());
        }
        return sum;
    }
    // end::random-mapping[]

    // tag::random-read[]
    /** {@code count} positional reads of 8 bytes at the next random offsets: one pread(2) each. */
    private static long readRandom(FileChannel channel, ByteBuffer eight, Cursor offsets, long count) throws IOException {
        long sum = 0;
        for (long i = 0; i < count; i++) {
            eight.clear();
            long position = offsets.next();
            while (eight.hasRemaining()) {
                if (channel.read(eight, position + eight.position()) < 0) {
                    throw new IOException("end of file at " + position);
                }
            }
            sum += eight.getLong(0);
        }
        return sum;
    }
    // end::random-read[]

    /** Map the file, do 16384 random loads, unmap: all timed, as a program that looks up a few keys. */
    private static Sample freshMappingRandom(Path file, Cursor offsets) throws IOException {
        long start = System.nanoTime();
        long sum;
        try (MappedFile mapping = MappedFile.map(file, MapMode.READ_ONLY)) {
            sum = loadRandom(mapping.segment(), offsets, READS_PER_FRESH_MAPPING);
        }
        long elapsed = System.nanoTime() - start;
        Bench.consume(sum);
        return new Sample(Math.max(1, elapsed), READS_PER_FRESH_MAPPING, (long) READS_PER_FRESH_MAPPING * Long.BYTES);
    }

    @FunctionalInterface
    private interface Pass {
        long run() throws IOException;
    }

    /** One sequential pass over the whole file as one sample. */
    private static Sample pass(Pass pass) throws IOException {
        long start = System.nanoTime();
        long sum = pass.run();
        long elapsed = System.nanoTime() - start;
        Bench.consume(sum);
        return new Sample(Math.max(1, elapsed), 1, SIZE);
    }

    /** Offsets of longs in random pages of the file, drawn before measuring so both sides read the same ones. */
    private static long[] randomOffsets(int count, SplittableRandom random) {
        long pages = SIZE / Pages.size();
        long longsPerPage = Pages.size() / Long.BYTES;
        long[] offsets = new long[count];
        for (int i = 0; i < count; i++) {
            offsets[i] = random.nextLong(pages) * Pages.size() + random.nextLong(longsPerPage) * Long.BYTES;
        }
        return offsets;
    }

    /** Walks round the offsets, so consecutive samples read different pages. */
    private static final class Cursor {
        private final long[] offsets;
        private int next;

        Cursor(long[] offsets) {
            this.offsets = offsets;
        }

        long next() {
            long offset = offsets[next];
            next = (next + 1) & (offsets.length - 1);
            return offset;
        }
    }

    private record Row(String workload, String variant, String unit, Summary throughput, Summary ratio) {
    }

    private static void report(Comparison sequential, Comparison random, Path csv) throws IOException {
        List<Row> rows = new ArrayList<>();
        rows(rows, SEQUENTIAL, "MB/s", sequential, Result::megabytesPerSecond);
        rows(rows, RANDOM, "reads/s", random, Result::operationsPerSecond);

        Table text = Table.of(2, "workload", "variant", "median", "p90", "best", "unit", "x read", "x read p90");
        Table data = Table.of(3, "workload", "variant", "unit", "median", "p90", "p99", "best", "samples",
                "ratio_to_read", "ratio_p90");
        for (Row row : rows) {
            Summary t = row.throughput();
            double scale = row.unit().equals("reads/s") ? 1e-6 : 1;
            String unit = row.unit().equals("reads/s") ? "M reads/s" : row.unit();
            Object ratio = row.ratio() == null ? "1" : row.ratio().median();
            Object ratioP90 = row.ratio() == null ? "" : row.ratio().p90();
            text.row(row.workload(), row.variant(), t.median() * scale, t.p90() * scale, t.best() * scale, unit, ratio,
                    ratioP90);
            data.row(row.workload(), row.variant(), row.unit(), t.median(), t.p90(), t.p99(), t.best(), (long) t.count(),
                    row.ratio() == null ? 1.0 : row.ratio().median(), row.ratio() == null ? 1.0 : row.ratio().p90());
        }
        System.out.print(text.toText());
        System.out.printf("(throughput: median, p90 (90 %% of the samples reached it) and best over %d and %d rounds;%n"
                        + " x read: mapping's throughput divided by read's, round by round, median and p90)%n%n",
                sequential.rounds(), random.rounds());
        if (csv != null) {
            data.writeCsv(csv);
            System.out.println("The same numbers are in " + csv.getFileName() + ".");
            System.out.println();
        }
        System.out.println(verdict(rows));
    }

    private static void rows(List<Row> rows, String workload, String unit, Comparison comparison,
                             java.util.function.Function<Result, Summary> throughput) {
        rows.add(new Row(workload, comparison.baseline().name(), unit, throughput.apply(comparison.baseline()), null));
        for (Result other : comparison.others()) {
            rows.add(new Row(workload, other.name(), unit, throughput.apply(other),
                    comparison.throughputRatio(other.name())));
        }
    }

    /**
     * The closing sentences, from the ratios measured: where mapping won, and then where it lost or
     * tied (a median ratio within {@link #TIE} of 1).
     */
    private static String verdict(List<Row> rows) {
        List<String> loses = new ArrayList<>();
        List<String> ties = new ArrayList<>();
        List<String> wins = new ArrayList<>();
        Row smallestLead = null;
        for (Row row : rows) {
            if (row.ratio() == null) {
                continue;
            }
            double ratio = row.ratio().median();
            String named = row.workload() + " with " + row.variant() + " (" + Summary.format(ratio) + "x)";
            if (ratio < 1 - TIE) {
                loses.add(named);
            } else if (ratio <= 1 + TIE) {
                ties.add(named);
            } else {
                wins.add(named);
                if (smallestLead == null || ratio < smallestLead.ratio().median()) {
                    smallestLead = row;
                }
            }
        }
        String tie = "within " + Math.round(TIE * 100) + " % of read";
        StringBuilder verdict = new StringBuilder();
        if (!wins.isEmpty()) {
            verdict.append("Mapping beat read on ").append(String.join(", ", wins)).append(". ");
        }
        if (loses.isEmpty() && ties.isEmpty()) {
            verdict.append("It neither lost nor tied (").append(tie).append(") on any workload in this run; its smallest")
                    .append(" lead was ").append(smallestLead.workload()).append(" with ").append(smallestLead.variant())
                    .append(" (").append(Summary.format(smallestLead.ratio().median())).append("x).");
        } else {
            verdict.append("In this run mapping");
            if (!loses.isEmpty()) {
                verdict.append(" lost on ").append(String.join(", ", loses));
            }
            if (!ties.isEmpty()) {
                verdict.append(loses.isEmpty() ? "" : " and").append(" tied (").append(tie).append(") on ")
                        .append(String.join(", ", ties));
            }
            verdict.append('.');
        }
        return Table.wrap(verdict.toString(), 100);
    }

    private static void check(long byRead, long byMapping) {
        if (byRead != byMapping) {
            throw new IllegalStateException("read summed " + byRead + " but the mapping " + byMapping
                    + ": the two sides do not read the same bytes");
        }
    }

    /** Writes the file with random longs, flushes it, and reads it once, so every page is cached and clean. */
    private static void write(Path file) throws IOException {
        ScratchFiles.randomLongs(file, SIZE, 7);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer sink = ByteBuffer.allocateDirect(BUFFER);
            long position = 0;
            int read;
            while ((read = channel.read(sink.clear(), position)) > 0) {
                position += read;
            }
        }
    }
}
