package mmapkit.device.experiments;

import mmapkit.device.special.HugePageRegion;
import mmapkit.device.special.HugePages;
import mmapkit.device.special.HugePagesUnavailableException;
import mmapkit.device.special.ThpMode;
import mmapkit.faults.bench.Summary;
import mmapkit.faults.natives.AdviceCalls;
import mmapkit.mapping.Pages;
import mmapkit.mapping.RawMapping;
import mmapkit.mapping.natives.MemoryMapCalls;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Experiment: huge pages asked for, and what this machine granted. Prints the settings, asks for
 * 8 MiB of transparent huge pages and reports before and after touching them, then asks the
 * hugetlb pool for one page. Last, it measures what huge pages buy: the time to fault in 256 MiB,
 * and the time of random 8-byte reads over it, each at an address that depends on the value read
 * before (so that the reads cannot overlap and each pays its full latency: the cache miss and, for
 * 4 KiB pages, the TLB miss), with {@code MADV_HUGEPAGE} (twice in a row) and with
 * {@code MADV_NOHUGEPAGE}. It times each 2 MiB block's fault-in on its own and counts, in
 * {@code /proc/vmstat}, the huge pages faults got, the fallbacks to small pages and the compaction
 * stalls, so that a slow round can be told apart from a refused one. A first round, not shown,
 * warms up the JIT and the memory.
 */
public final class HugePagesAskedFor {

    private static final long MIB = 1L << 20;
    private static final long BIG = 256 * MIB;
    private static final int READS = 3_000_000;
    private static final int ROUNDS = 3;

    private HugePagesAskedFor() {
    }

    public static void main(String[] args) throws IOException {
        System.out.println("Settings of this machine:");
        System.out.println("  " + ThpMode.ENABLED + ": " + Files.readString(ThpMode.ENABLED).strip());
        System.out.println("  " + HugePages.DEFRAG + ": " + Files.readString(HugePages.DEFRAG).strip());
        System.out.println("  transparent huge page size: " + HugePages.transparentPageSize() / 1024 + " kB");
        for (String field : new String[] {"HugePages_Total", "HugePages_Free", "Hugepagesize"}) {
            long value = HugePages.meminfo(field).orElse(-1);
            System.out.println("  /proc/meminfo " + field + ": " + (field.equals("Hugepagesize") ? value / 1024 + " kB" : value));
        }
        System.out.println();
        // tag::ask-and-verify[]
        try (HugePageRegion region = HugePages.transparent(8 * MIB)) {
            System.out.println("transparent, 8 MiB at 0x" + Long.toHexString(region.segment().address()));
            System.out.println("  before the first touch: " + region.report());
            region.touch();
            System.out.println("  after touching it:      " + region.report());
        }
        // end::ask-and-verify[]
        System.out.println();
        try (HugePageRegion pool = HugePages.hugetlb(HugePages.meminfo("Hugepagesize").orElse(2 * MIB))) {
            pool.touch();
            System.out.println("hugetlb: " + pool.report());
        } catch (HugePagesUnavailableException e) {
            System.out.println("hugetlb: refused: " + e.getMessage());
            System.out.println("  the kernel's answer: " + e.getCause().getMessage());
        }
        System.out.println();
        System.out.printf("What they buy, on %d MiB (%,d dependent random 8-byte reads):%n", BIG / MIB, READS);
        measure("warm-up", AdviceCalls.MADV_HUGEPAGE, false);
        measure("warm-up", AdviceCalls.MADV_NOHUGEPAGE, false);
        System.out.printf("  %-16s %11s %10s %23s %11s %20s%n", "", "AnonHuge", "fault-in", "per 2 MiB block (µs)",
                "random", "/proc/vmstat");
        System.out.printf("  %-16s %11s %10s %7s %7s %7s %11s %6s %6s %6s%n", "", "Pages", "all", "min", "median", "max",
                "read", "thp", "fall-", "comp.");
        System.out.printf("  %-16s %11s %10s %7s %7s %7s %11s %6s %6s %6s%n", "", "", "", "", "", "", "", "alloc", "back",
                "stall");
        double[] hugeMillis = new double[ROUNDS];
        double[] againMillis = new double[ROUNDS];
        double[] smallMillis = new double[ROUNDS];
        for (int round = 0; round < ROUNDS; round++) {
            hugeMillis[round] = measure("MADV_HUGEPAGE", AdviceCalls.MADV_HUGEPAGE, true);
            againMillis[round] = measure("  and again", AdviceCalls.MADV_HUGEPAGE, true);
            smallMillis[round] = measure("MADV_NOHUGEPAGE", AdviceCalls.MADV_NOHUGEPAGE, true);
        }
        System.out.println("(" + ROUNDS + " rounds each, to show the spread; /proc/vmstat: how much the machine's");
        System.out.println(" counters thp_fault_alloc, thp_fault_fallback and compact_stall rose during the fault-in)");
        double huge = Summary.of("ms", false, hugeMillis).median();
        double again = Summary.of("ms", false, againMillis).median();
        double small = Summary.of("ms", false, smallMillis).median();
        System.out.printf("fault-in, median of the rounds: %.1f ms with huge pages (%.1f ms at once again), %.1f ms"
                + " without: huge pages %s%n", huge, again, small, huge <= small
                        ? String.format("%.1f times faster", small / huge)
                        : String.format("%.1f times SLOWER", huge / small));
    }

    /** Faults in and reads 256 MiB with {@code advice}; the fault-in time in milliseconds. */
    private static double measure(String name, int advice, boolean print) {
        long huge = HugePages.transparentPageSize();
        int prot = MemoryMapCalls.PROT_READ | MemoryMapCalls.PROT_WRITE;
        try (RawMapping mapping = RawMapping.anonymous(BIG + huge, prot, MemoryMapCalls.MAP_PRIVATE)) {
            long aligned = (mapping.address() + huge - 1) & -huge;
            AdviceCalls.madvise(aligned, BIG, advice);
            MemorySegment segment = mapping.segment().asSlice(aligned - mapping.address(), BIG);
            long[] before = thpCounters();
            double[] blockMicros = new double[(int) (BIG / huge)]; // the time to fault in each 2 MiB block
            long start = System.nanoTime();
            for (int block = 0; block < blockMicros.length; block++) {
                long blockStart = System.nanoTime();
                for (long offset = block * huge; offset < (block + 1) * huge; offset += Pages.size()) {
                    segment.set(ValueLayout.JAVA_BYTE, offset, (byte) 1);
                }
                blockMicros[block] = (System.nanoTime() - blockStart) / 1e3;
            }
            long faultNanos = System.nanoTime() - start;
            Summary blocks = Summary.of("µs", false, blockMicros);
            long[] after = thpCounters();
            long granted = anonHugePages(aligned);
            int shift = 64 - Long.numberOfTrailingZeros(BIG / Long.BYTES); // an index of the 2^25 longs
            long state = 6;
            start = System.nanoTime();
            for (int i = 0; i < READS; i++) {
                long value = segment.getAtIndex(ValueLayout.JAVA_LONG, state >>> shift);
                state = state * 6364136223846793005L + 1442695040888963407L + value; // depends on the read
            }
            long readNanos = System.nanoTime() - start;
            if (print) {
                System.out.printf("  %-16s %8d kB %7.1f ms %7.0f %7.0f %7.0f %8.1f ns %6d %6d %6d%s%n", name,
                        granted / 1024, faultNanos / 1e6, blocks.best(), blocks.median(), blocks.worst(),
                        (double) readNanos / READS, after[0] - before[0], after[1] - before[1], after[2] - before[2],
                        state == 42 ? " " : "");
            }
            return faultNanos / 1e6;
        }
    }

    /** thp_fault_alloc, thp_fault_fallback and compact_stall now (0 where the kernel does not count them). */
    private static long[] thpCounters() {
        return new long[] {HugePages.vmstat("thp_fault_alloc").orElse(0), HugePages.vmstat("thp_fault_fallback").orElse(0),
                HugePages.vmstat("compact_stall").orElse(0)};
    }

    private static long anonHugePages(long address) {
        try {
            boolean inside = false;
            for (String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
                if (mmapkit.mapping.proc.MapsEntry.isEntryLine(line)) {
                    if (inside) {
                        break;
                    }
                    inside = mmapkit.mapping.proc.MapsEntry.parse(line).contains(address);
                } else if (inside && line.startsWith("AnonHugePages:")) {
                    return mmapkit.mapping.proc.ProcField.parse(line).orElseThrow().bytes();
                }
            }
            return 0;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
