package mmapkit.device.special;

import mmapkit.faults.natives.AdviceCalls;
import mmapkit.mapping.natives.NativeCallException;
import mmapkit.mapping.proc.ProcField;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Huge pages, asked for and verified. A huge page (2 MiB on x86-64) maps with one page-table entry
 * what takes 512 entries of 4 KiB pages, so the TLB, the CPU's small cache of translations, reaches
 * 512 times as far, and a fault fills 2 MiB at once. Linux has two kinds:
 *
 * <ul>
 * <li><b>Transparent huge pages</b> (THP) for ordinary anonymous memory. The kernel uses them where it
 *     can find a free, aligned 2 MiB block, when {@link ThpMode} allows: always, or for regions marked
 *     with {@code madvise(MADV_HUGEPAGE)}. Nothing is promised: {@link #transparent} asks, and
 *     {@link HugePageRegion#report()} says what smaps shows ({@code AnonHugePages}).
 * <li><b>hugetlb pages</b> from a pool the administrator reserves ({@code vm.nr_hugepages}).
 *     {@code mmap(MAP_HUGETLB)} takes them from the pool or fails with ENOMEM; with no pool
 *     ({@code HugePages_Total: 0} in {@code /proc/meminfo}, the default) it always fails.
 *     {@link #hugetlb} says so clearly.
 * </ul>
 */
public final class HugePages {

    /** madvise advice: back this range with transparent huge pages where possible. */
    public static final int MADV_HUGEPAGE = AdviceCalls.MADV_HUGEPAGE;
    /** The system's memory counters, where the hugetlb pool is shown. */
    public static final Path MEMINFO = Path.of("/proc/meminfo");
    /**
     * The kernel's event counters, one {@code name value} line each: {@code thp_fault_alloc} (huge
     * pages a fault got), {@code thp_fault_fallback} (faults that wanted one and got 4 KiB pages),
     * {@code compact_stall} (times an allocation stopped to compact memory).
     */
    public static final Path VMSTAT = Path.of("/proc/vmstat");
    /** The size of a transparent huge page (a PMD entry maps it), in bytes. */
    public static final Path PMD_SIZE = Path.of("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size");
    /** The setting that says how hard a fault tries to make a huge page (compaction). */
    public static final Path DEFRAG = Path.of("/sys/kernel/mm/transparent_hugepage/defrag");

    private static final long DEFAULT_HUGE_PAGE = 2L << 20;

    private HugePages() {
    }

    /**
     * The size of a transparent huge page, from {@link #PMD_SIZE}; 2 MiB when the kernel has no
     * transparent huge pages (the x86-64 and arm64-with-4-KiB-pages value).
     */
    public static long transparentPageSize() {
        try {
            return Long.parseLong(Files.readString(PMD_SIZE).strip());
        } catch (NoSuchFileException e) {
            return DEFAULT_HUGE_PAGE;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + PMD_SIZE, e);
        }
    }

    /**
     * A field of {@code /proc/meminfo}, such as {@code HugePages_Total} (a count) or
     * {@code Hugepagesize} (bytes); empty when the kernel does not show it.
     */
    public static OptionalLong meminfo(String field) {
        try {
            for (String line : Files.readAllLines(MEMINFO)) {
                ProcField parsed = ProcField.parse(line).orElse(null);
                if (parsed != null && parsed.name().equals(field)) {
                    return OptionalLong.of(parsed.bytes());
                }
            }
            return OptionalLong.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + MEMINFO, e);
        }
    }

    /**
     * A counter of {@link #VMSTAT}, such as {@code thp_fault_alloc}, counted since boot for the whole
     * machine; empty when the kernel does not count it (built without THP, or an older kernel).
     */
    public static OptionalLong vmstat(String counter) {
        try {
            for (String line : Files.readAllLines(VMSTAT)) {
                int space = line.indexOf(' ');
                if (space > 0 && line.regionMatches(0, counter, 0, space) && counter.length() == space) {
                    return OptionalLong.of(Long.parseLong(line.substring(space + 1).strip()));
                }
            }
            return OptionalLong.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + VMSTAT, e);
        }
    }

    /**
     * Anonymous private memory of {@code length} bytes, aligned to a huge page and marked with
     * {@code madvise(MADV_HUGEPAGE)}. The kernel decides at the first touch of each 2 MiB block
     * whether it gets a huge page: {@link HugePageRegion#touch()} it, then ask
     * {@link HugePageRegion#report()}. A kernel that does not know the advice (EINVAL) gives a region
     * whose report says UNSUPPORTED; the memory works either way.
     *
     * @param length a positive multiple of {@link #transparentPageSize()}
     * @throws IllegalArgumentException for another length, naming it and the rule
     * @throws NativeCallException      when the kernel refuses the mapping
     */
    public static HugePageRegion transparent(long length) {
        long huge = transparentPageSize();
        // TODO 06.3 (see hint 06.3)
        throw new UnsupportedOperationException("TODO 06.3: map, align to a huge page, madvise (see hint 06.3)");
    }

    /**
     * Anonymous private memory of {@code length} bytes from the hugetlb pool:
     * {@code mmap(NULL, length, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB, -1, 0)}.
     *
     * @param length a positive multiple of {@code Hugepagesize} (of {@code /proc/meminfo})
     * @throws IllegalArgumentException       for another length, naming it and the rule
     * @throws HugePagesUnavailableException  when the pool cannot give the pages (the kernel's ENOMEM),
     *                                        saying why from {@code /proc/meminfo}: for an empty pool,
     *                                        "no huge pages reserved (HugePages_Total is 0 in /proc/meminfo;
     *                                        reserve some with vm.nr_hugepages)"
     * @throws NativeCallException            for any other refusal of the kernel
     */
    public static HugePageRegion hugetlb(long length) {
        String request = "MAP_HUGETLB for " + length + " bytes";
        OptionalLong size = meminfo("Hugepagesize");
        if (size.isEmpty()) {
            throw new HugePagesUnavailableException(request, "this kernel has no hugetlb pages (no Hugepagesize line in "
                    + MEMINFO + ")", null);
        }
        // TODO 06.3 (see hint 06.3)
        throw new UnsupportedOperationException("TODO 06.3: mmap with MAP_HUGETLB, explain ENOMEM (see hint 06.3)");
    }


    /** Refuses a length that is not a positive multiple of the huge page size, naming both. */
    private static void requireMultiple(long length, long hugePageSize) {
        if (length <= 0 || length % hugePageSize != 0) {
            throw new IllegalArgumentException("length " + length + " must be a positive multiple of the huge page size "
                    + hugePageSize);
        }
    }
}
