package mmapkit.dirty;

import mmapkit.dirty.natives.PagemapScanCall;
import mmapkit.faults.PageRun;
import mmapkit.faults.natives.UserfaultCalls;
import mmapkit.mapping.Pages;
import mmapkit.mapping.RawMapping;
import mmapkit.mapping.natives.MemoryMapCalls;
import mmapkit.mapping.natives.NativeCallException;
import mmapkit.mapping.natives.PosixFiles;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel tracks the writes: the pages of a range of this process's memory are write-protected
 * with userfaultfd's asynchronous write protection ({@code UFFD_FEATURE_WP_ASYNC}, Linux 6.7), so that
 * the first store to each page after protection takes a fault the kernel resolves by itself (no
 * message, no handler thread): it makes the page writable and marks it written. The
 * {@code PAGEMAP_SCAN} ioctl then reports the written pages as runs, and with
 * {@code PM_SCAN_WP_MATCHING} write-protects them again in the same walk, so that each
 * {@link #takeWrittenRuns()} closes one epoch and opens the next.
 *
 * <pre>{@code
 * try (WriteProtectTracker tracker = WriteProtectTracker.over(file.segment())) { // page-aligned
 *     file.segment().set(ValueLayout.JAVA_BYTE, 5 * 4096, (byte) 1);             // a plain store
 *     tracker.takeWrittenRuns();                                                  // [page 5]
 *     tracker.takeWrittenRuns();                                                  // []: a new epoch
 * }
 * }</pre>
 *
 * <h2>What it sees, what it costs</h2>
 * Every store through this process's page tables, by any thread, from Java or native code or a system
 * call writing into the range: no write API to go through, and no read of the data. It costs one
 * fault per page at the first store of each epoch (later stores to that page run at full speed) and
 * one walk of the range's page tables per scan. It does not see writes that do not go through this
 * process's page tables: {@code write(2)} to the file, other processes sharing it. It records writes,
 * not changes (a store of the bytes already there counts), per page, or per huge page when the range
 * is backed by transparent huge pages.
 *
 * <h2>Kernels</h2>
 * {@link #unsupportedReason()} says why it cannot work here (before 6.7, or without userfaultfd); then
 * {@link #over} throws {@link UnsupportedOperationException} with that reason.
 */
public final class WriteProtectTracker implements AutoCloseable {

    /** Where PAGEMAP_SCAN is asked. */
    public static final Path PAGEMAP = Path.of("/proc/self/pagemap");
    /** The features asked for: asynchronous write protection, also of pages not populated yet. */
    static final long FEATURES = UserfaultCalls.UFFD_FEATURE_WP_ASYNC | UserfaultCalls.UFFD_FEATURE_WP_UNPOPULATED;
    /** Regions one PAGEMAP_SCAN call may fill before the walk stops and is resumed. */
    static final int REGIONS_PER_CALL = 64;

    private static final long PAGE = Pages.size();
    private static volatile String reason;

    private final MemorySegment segment;
    private final long start;
    private final long length;
    private final int userfaultFd;
    private final int pagemapFd;
    private boolean closed;

    private WriteProtectTracker(MemorySegment segment, long length, int userfaultFd, int pagemapFd) {
        this.segment = segment;
        this.start = segment.address();
        this.length = length;
        this.userfaultFd = userfaultFd;
        this.pagemapFd = pagemapFd;
    }

    /**
     * Starts tracking the writes to {@code segment}: opens a userfaultfd with {@code WP_ASYNC} and
     * {@code WP_UNPOPULATED}, registers the segment's pages in write-protect mode, write-protects them
     * all, and opens {@code /proc/self/pagemap} for the scans. No page is written yet afterwards. When a
     * step fails, whatever was opened is closed again before the exception leaves.
     *
     * @param segment memory of this process that starts on a page boundary (a mapping, a
     *                {@code RawMapping}); its last page may be partial
     * @throws NullPointerException          for a null segment
     * @throws IllegalStateException         for a segment of a closed arena ("closed")
     * @throws IllegalArgumentException      for a segment that does not start on a page boundary, or is
     *                                       empty; the message names its address or size
     * @throws UnsupportedOperationException on a kernel where this cannot work, with {@link #unsupportedReason()}
     * @throws NativeCallException           when the kernel refuses (EBUSY: another userfaultfd has the range)
     */
    public static WriteProtectTracker over(MemorySegment segment) {
        TrackerArguments.liveSegment("segment", segment);
        if (!segment.isNative() || segment.address() % PAGE != 0) {
            throw new IllegalArgumentException("segment at 0x" + Long.toHexString(segment.address()) + " does not start"
                    + " on a page boundary (a multiple of " + PAGE + "): write protection works on whole pages of memory");
        }
        if (segment.byteSize() == 0) {
            throw new IllegalArgumentException("segment of 0 bytes has no page to track");
        }
        String unsupported = unsupportedReason();
        if (!unsupported.isEmpty()) {
            throw new UnsupportedOperationException(unsupported);
        }
        long length = Pages.alignUp(segment.byteSize());
        // SOLUTION-BEGIN 03.7
        int userfaultFd = UserfaultCalls.openForUserFaults(UserfaultCalls.O_CLOEXEC | UserfaultCalls.O_NONBLOCK);
        int pagemapFd = -1;
        try {
            UserfaultCalls.api(userfaultFd, FEATURES);
            UserfaultCalls.register(userfaultFd, segment.address(), length, UserfaultCalls.UFFDIO_REGISTER_MODE_WP);
            UserfaultCalls.writeProtect(userfaultFd, segment.address(), length, true); // epoch 0 starts: nothing written
            pagemapFd = PosixFiles.open(PAGEMAP, PosixFiles.O_RDONLY, 0);
            return new WriteProtectTracker(segment, length, userfaultFd, pagemapFd);
        } catch (RuntimeException e) {
            if (pagemapFd != -1) {
                PosixFiles.close(pagemapFd);
            }
            PosixFiles.close(userfaultFd); // closing also unregisters the range and lifts its protection
            throw e;
        }
        // SOLUTION-STUB
        // throw new UnsupportedOperationException(
        //         "TODO 03.7: open a userfaultfd with WP_ASYNC, register and protect the segment's " + length + " bytes (see hint 03.7)");
        // SOLUTION-END
    }

    /** The segment tracked. */
    public MemorySegment segment() {
        return segment;
    }

    /** How many pages are tracked: the segment's size divided by {@link Pages#size()}, rounded up. */
    public long pageCount() {
        return length / PAGE;
    }

    /**
     * The pages written since the last {@link #takeWrittenRuns()} or {@link #clear()} (or since
     * {@link #over}), as runs in page order, each as long as it can be. Looks without resetting: asking
     * twice with no store in between gives the same runs.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public List<PageRun> writtenRuns() {
        // SOLUTION-BEGIN 03.7
        return scan(0);
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 03.7: ask PAGEMAP_SCAN for the written pages (see hint 03.7)");
        // SOLUTION-END
    }

    /**
     * The pages written since the last epoch, as {@link #writtenRuns()}, and write-protects exactly those
     * pages again in the same call ({@code PM_SCAN_WP_MATCHING}): each call is one epoch. A store that
     * races with the call is reported by this call or by the next, never by neither.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public List<PageRun> takeWrittenRuns() {
        // SOLUTION-BEGIN 03.7
        return scan(PagemapScanCall.PM_SCAN_WP_MATCHING | PagemapScanCall.PM_SCAN_CHECK_WPASYNC);
        // SOLUTION-STUB
        // throw new UnsupportedOperationException(
        //         "TODO 03.7: ask PAGEMAP_SCAN for the written pages and protect them again (see hint 03.7)");
        // SOLUTION-END
    }

    // SOLUTION-BEGIN 03.7
    private List<PageRun> scan(long flags) {
        checkOpen();
        List<PageRun> runs = new ArrayList<>();
        long end = start + length;
        long from = start;
        while (from < end) { // a full vector stops the walk early: go on from where it stopped
            PagemapScanCall.Scan scan = PagemapScanCall.scan(pagemapFd, from, end, flags,
                    PagemapScanCall.PAGE_IS_WRITTEN, PagemapScanCall.PAGE_IS_WRITTEN, REGIONS_PER_CALL);
            appendRuns(runs, start, scan.regions());
            if (scan.walkEnd() <= from) {
                throw new IllegalStateException("PAGEMAP_SCAN made no progress at 0x" + Long.toHexString(from));
            }
            from = scan.walkEnd();
        }
        return List.copyOf(runs);
    }
    // SOLUTION-END

    /**
     * Adds the pages of {@code regions} (addresses, as PAGEMAP_SCAN reports them) to {@code runs} (page
     * numbers counted from {@code start}), extending the last run when a region continues it: a walk
     * resumed after a full vector may cut one run of written pages in two.
     *
     * @param runs    runs in page order so far; changed in place
     * @param start   the address of page 0
     * @param regions regions in address order, each starting at or after the end of the last run
     */
    static void appendRuns(List<PageRun> runs, long start, List<PagemapScanCall.Region> regions) {
        // SOLUTION-BEGIN 03.7
        for (PagemapScanCall.Region region : regions) {
            long first = (region.start() - start) / PAGE;
            long pages = (region.end() - region.start()) / PAGE;
            PageRun last = runs.isEmpty() ? null : runs.getLast();
            if (last != null && last.endPage() == first) { // one run, reported in two pieces
                runs.set(runs.size() - 1, new PageRun(last.firstPage(), last.pageCount() + pages));
            } else {
                runs.add(new PageRun(first, pages));
            }
        }
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 03.7: turn " + regions.size() + " regions into runs of pages (see hint 03.7)");
        // SOLUTION-END
    }

    /** How many pages {@link #writtenRuns()} holds. */
    public long writtenPages() {
        long count = 0;
        for (PageRun run : writtenRuns()) {
            count += run.pageCount();
        }
        return count;
    }

    /**
     * Write-protects every page again ({@code UFFDIO_WRITEPROTECT}): no page is written afterwards.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public void clear() {
        // SOLUTION-BEGIN 03.7
        checkOpen();
        UserfaultCalls.writeProtect(userfaultFd, start, length, true);
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 03.7: write-protect every page again (see hint 03.7)");
        // SOLUTION-END
    }

    /**
     * Stops tracking: unregisters the range (which lifts the protection, so stores no longer fault) and
     * closes both descriptors. The memory stays mapped and keeps its bytes. A second call does nothing.
     */
    @Override
    public void close() {
        // SOLUTION-BEGIN 03.7
        if (closed) {
            return;
        }
        closed = true;
        try {
            UserfaultCalls.unregister(userfaultFd, start, length);
        } finally {
            PosixFiles.close(pagemapFd);
            PosixFiles.close(userfaultFd);
        }
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 03.7: unregister the range and close both descriptors (see hint 03.7)");
        // SOLUTION-END
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the tracker of " + pageCount() + " pages at 0x" + Long.toHexString(start)
                    + " is closed: make a new one with WriteProtectTracker.over");
        }
    }

    /** Whether this kernel can track writes this way ({@link #unsupportedReason()} is empty). */
    public static boolean supported() {
        return unsupportedReason().isEmpty();
    }

    /**
     * Why this kernel cannot track writes with asynchronous write protection and {@code PAGEMAP_SCAN},
     * such as {@code "... UFFDIO_API ... failed: EINVAL ... (UFFD_FEATURE_WP_ASYNC came in Linux 6.7)"};
     * the empty string when it can. Found once, by trying both on one page of anonymous memory.
     */
    public static String unsupportedReason() {
        String known = reason;
        if (known == null) {
            known = probe();
            reason = known;
        }
        return known;
    }

    /** Whether UFFDIO_API grants {@code WP_ASYNC}; the empty string when it does, else why not. */
    static String asyncWriteProtectReason() {
        int fd;
        try {
            fd = UserfaultCalls.openForUserFaults(UserfaultCalls.O_CLOEXEC | UserfaultCalls.O_NONBLOCK);
        } catch (NativeCallException e) {
            return "cannot open a userfaultfd: " + e.getMessage();
        }
        try {
            long offered = UserfaultCalls.api(fd, FEATURES);
            return (offered & FEATURES) == FEATURES ? ""
                    : "UFFDIO_API offers " + UserfaultCalls.featureNames(offered) + ", without WP_ASYNC";
        } catch (NativeCallException e) {
            return e.getMessage() + ": this kernel (" + System.getProperty("os.version") + ") has no asynchronous"
                    + " write protection (UFFD_FEATURE_WP_ASYNC came in Linux 6.7, WP_UNPOPULATED in 6.4)";
        } finally {
            PosixFiles.close(fd);
        }
    }

    /** Whether PAGEMAP_SCAN answers on {@code /proc/self/pagemap}; the empty string when it does, else why not. */
    static String pagemapScanReason() {
        try (RawMapping page = RawMapping.anonymous(PAGE, MemoryMapCalls.PROT_READ | MemoryMapCalls.PROT_WRITE,
                MemoryMapCalls.MAP_PRIVATE)) {
            page.segment().set(ValueLayout.JAVA_BYTE, 0, (byte) 1);
            int fd = PosixFiles.open(PAGEMAP, PosixFiles.O_RDONLY, 0);
            try {
                PagemapScanCall.Scan scan = PagemapScanCall.scan(fd, page.address(), page.address() + PAGE, 0,
                        PagemapScanCall.PAGE_IS_PRESENT, PagemapScanCall.PAGE_IS_PRESENT, 1);
                return scan.regions().size() == 1 ? ""
                        : "PAGEMAP_SCAN did not report a page just written as present";
            } finally {
                PosixFiles.close(fd);
            }
        } catch (NativeCallException e) {
            return e.getMessage() + (e.errno() == PagemapScanCall.ENOTTY ? ": this kernel ("
                    + System.getProperty("os.version") + ") has no PAGEMAP_SCAN (it came in Linux 6.7)" : "");
        }
    }

    private static String probe() {
        String scan = pagemapScanReason();
        if (!scan.isEmpty()) {
            return scan;
        }
        return asyncWriteProtectReason();
    }

    @Override
    public String toString() {
        return "WriteProtectTracker[" + pageCount() + " pages at 0x" + Long.toHexString(start) + (closed ? ", closed" : "") + "]";
    }
}
