package mmapkit.dirty.natives;

import mmapkit.faults.natives.IoctlNumbers;
import mmapkit.faults.natives.UserfaultCalls;
import mmapkit.mapping.natives.NativeCallException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code PAGEMAP_SCAN} ioctl on {@code /proc/self/pagemap} (Linux 6.7): which pages of a range of
 * this process's memory are in given categories (written, present, file, ...), as runs of pages, in one
 * call; and, with {@link #PM_SCAN_WP_MATCHING}, write-protect the pages it reports in the same walk of
 * the page tables. With userfaultfd's asynchronous write protection ({@code UFFD_FEATURE_WP_ASYNC}),
 * "written" means: written since the page was last write-protected.
 *
 * <pre>
 * struct pm_scan_arg {                         struct page_region {
 *     __u64 size;          sizeof, 96              __u64 start;       first byte
 *     __u64 flags;         PM_SCAN_*               __u64 end;         byte after the run
 *     __u64 start, end;    the range to walk       __u64 categories;  PAGE_IS_* of its pages
 *     __u64 walk_end;      out: where it stopped };
 *     __u64 vec, vec_len;  page_region array
 *     __u64 max_pages;     0: no limit
 *     __u64 category_inverted, category_mask, category_anyof_mask, return_mask;
 * };
 * int ioctl(int pagemap_fd, PAGEMAP_SCAN, struct pm_scan_arg *arg);  the number of regions filled
 * </pre>
 *
 * <p>A page matches when {@code ((categories ^ category_inverted) & category_mask) == category_mask}
 * (and, if {@code category_anyof_mask} is not 0, it has one of those). Consecutive matching pages with
 * the same {@code categories & return_mask} become one region. The walk stops early when {@code vec}
 * is full: {@code walk_end} then says where to go on. The request number and the structs are the same
 * on x86-64 and arm64 ({@code _IOWR('f', 16, struct pm_scan_arg)}: 0xc0606610). A kernel before 6.7
 * answers ENOTTY (no such ioctl).
 */
public final class PagemapScanCall {

    /** Walk flag: write-protect the pages that match (asynchronous userfaultfd write protection). */
    public static final long PM_SCAN_WP_MATCHING = 1L << 0;
    /** Walk flag: stop with EPERM at a page whose range is not registered for async write protection. */
    public static final long PM_SCAN_CHECK_WPASYNC = 1L << 1;

    /** Category: the page's range is registered for asynchronous write protection. */
    public static final long PAGE_IS_WPALLOWED = 1L << 0;
    /** Category: the page was written since it was last write-protected. */
    public static final long PAGE_IS_WRITTEN = 1L << 1;
    /** Category: the page is backed by a file. */
    public static final long PAGE_IS_FILE = 1L << 2;
    /** Category: the page is present in memory. */
    public static final long PAGE_IS_PRESENT = 1L << 3;
    /** Category: the page is swapped out. */
    public static final long PAGE_IS_SWAPPED = 1L << 4;
    /** Category: the page is the shared zero page. */
    public static final long PAGE_IS_PFNZERO = 1L << 5;
    /** Category: the page is part of a transparent huge page or a hugetlb page. */
    public static final long PAGE_IS_HUGE = 1L << 6;

    /** errno when the kernel knows no such ioctl: a kernel before 6.7. */
    public static final int ENOTTY = 25;

    // tag::scan-layouts[]
    /** struct pm_scan_arg: twelve 64-bit fields, 96 bytes */
    public static final StructLayout ARG_LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("size"),
            ValueLayout.JAVA_LONG.withName("flags"),
            ValueLayout.JAVA_LONG.withName("start"),
            ValueLayout.JAVA_LONG.withName("end"),
            ValueLayout.JAVA_LONG.withName("walk_end"),
            ValueLayout.JAVA_LONG.withName("vec"),
            ValueLayout.JAVA_LONG.withName("vec_len"),
            ValueLayout.JAVA_LONG.withName("max_pages"),
            ValueLayout.JAVA_LONG.withName("category_inverted"),
            ValueLayout.JAVA_LONG.withName("category_mask"),
            ValueLayout.JAVA_LONG.withName("category_anyof_mask"),
            ValueLayout.JAVA_LONG.withName("return_mask"));
    /** struct page_region: start, end (exclusive) and categories, 24 bytes */
    public static final StructLayout REGION_LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("start"),
            ValueLayout.JAVA_LONG.withName("end"),
            ValueLayout.JAVA_LONG.withName("categories"));
    /** _IOWR('f', 16, struct pm_scan_arg) = 0xc0606610, on x86-64 and arm64 */
    public static final long PAGEMAP_SCAN =
            IoctlNumbers.readWrite('f', 16, ARG_LAYOUT.byteSize());
    // end::scan-layouts[]

    private PagemapScanCall() {
    }

    /**
     * One region of pages a scan reported.
     *
     * @param start      the address of its first byte
     * @param end        the address after its last byte
     * @param categories its pages' {@code PAGE_IS_*} bits, masked by the scan's return mask
     */
    public record Region(long start, long end, long categories) {
    }

    /**
     * What one {@code PAGEMAP_SCAN} call reported.
     *
     * @param regions the regions filled, in address order
     * @param walkEnd where the walk stopped: the scan's end, or earlier when the vector was full
     */
    public record Scan(List<Region> regions, long walkEnd) {
    }

    /**
     * Calls {@code ioctl(pagemapFd, PAGEMAP_SCAN, arg)} once for {@code [start, end)}, with room for
     * {@code maxRegions} regions and no limit on pages.
     *
     * @param pagemapFd a descriptor of {@code /proc/self/pagemap} open for reading
     * @throws NativeCallException ENOTTY before Linux 6.7; EINVAL for unaligned or unknown arguments;
     *                             EPERM with {@link #PM_SCAN_CHECK_WPASYNC} at a page not registered for
     *                             async write protection
     */
    public static Scan scan(int pagemapFd, long start, long end, long flags, long categoryMask, long returnMask,
                            int maxRegions) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment vec = arena.allocate(REGION_LAYOUT, maxRegions);
            MemorySegment arg = arena.allocate(ARG_LAYOUT);
            arg.set(ValueLayout.JAVA_LONG, 0, ARG_LAYOUT.byteSize());
            arg.set(ValueLayout.JAVA_LONG, 8, flags);
            arg.set(ValueLayout.JAVA_LONG, 16, start);
            arg.set(ValueLayout.JAVA_LONG, 24, end);
            arg.set(ValueLayout.JAVA_LONG, 40, vec.address());
            arg.set(ValueLayout.JAVA_LONG, 48, maxRegions);
            arg.set(ValueLayout.JAVA_LONG, 72, categoryMask);
            arg.set(ValueLayout.JAVA_LONG, 88, returnMask);
            int filled = UserfaultCalls.ioctl(pagemapFd, PAGEMAP_SCAN, arg, "PAGEMAP_SCAN, {0x" + Long.toHexString(start)
                    + "..0x" + Long.toHexString(end) + ", flags=" + flags + ", category_mask=0x"
                    + Long.toHexString(categoryMask) + "}");
            List<Region> regions = new ArrayList<>(filled);
            for (int i = 0; i < filled; i++) {
                long base = i * REGION_LAYOUT.byteSize();
                regions.add(new Region(vec.get(ValueLayout.JAVA_LONG, base), vec.get(ValueLayout.JAVA_LONG, base + 8),
                        vec.get(ValueLayout.JAVA_LONG, base + 16)));
            }
            return new Scan(List.copyOf(regions), arg.get(ValueLayout.JAVA_LONG, 32));
        }
    }
}
