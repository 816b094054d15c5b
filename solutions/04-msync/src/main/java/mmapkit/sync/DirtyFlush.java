package mmapkit.sync;

import mmapkit.dirty.DirtyTracker;
import mmapkit.faults.PageRun;
import mmapkit.mapping.Pages;
import mmapkit.mapping.Segments;

import java.util.List;
import java.util.Objects;

/**
 * Flushes only what a {@link DirtyTracker} saw written: one {@code msync} per run of consecutive
 * dirty pages. What it costs follows the dirty runs, never the size of the mapping.
 *
 * <p>Measure before choosing it over one call for the whole mapping (the experiment
 * {@code MsyncCost} does): Linux finds a file's dirty pages through tags in its page-cache index,
 * so {@code MS_SYNC} of a whole mapping with few dirty pages is cheap too, while every call pays a
 * fixed price for the file system's sync (on ext4 a flush of the device's write cache). Many short
 * runs therefore cost more than one call over all of them. Flushing by runs pays off when other
 * pages of the mapping are dirty but must not be flushed yet, or when the runs are few and long.
 *
 * {@snippet :
 * DirtyTracker tracker = DirtyTracker.over(file.segment());   // file.segment() starts on a page
 * tracker.putLong(0, 1);
 * tracker.putLong(10 * 4096, 2);
 * DirtyFlush.flushDirtyRuns(tracker, SyncFlag.SYNC);          // 2 msync call(s), 2 page(s), 8192 bytes
 * tracker.dirtyPages();                                       // 0: flushed pages are clean again
 * }
 */
public final class DirtyFlush {

    private DirtyFlush() {
    }

    /**
     * Flushes each dirty run of {@code tracker} with one {@code msync}, then clears the tracker.
     * When a call fails, the tracker is left as it was (all its pages still marked), so that flushing
     * again retries every run; pages flushed twice cost a little, pages never flushed would be lost.
     *
     * @param tracker a tracker over a segment that starts on a page boundary, so that its pages are
     *                the kernel's pages
     * @param flags   exactly one of SYNC or ASYNC, and INVALIDATE optionally ({@link Msync#flagBits})
     * @return how many calls, pages and bytes it flushed; {@link FlushReport#NOTHING} when nothing was dirty
     * @throws NullPointerException     for a null tracker
     * @throws IllegalArgumentException for bad flags, even when nothing is dirty (the message as
     *                                  {@link Msync#flagBits} says: "exactly one of SYNC or ASYNC"), or a
     *                                  segment that does not start on a page boundary
     * @throws IllegalStateException    for a tracker over a closed mapping
     * @throws mmapkit.mapping.natives.NativeCallException when msync fails
     */
    public static FlushReport flushDirtyRuns(DirtyTracker tracker, SyncFlag... flags) {
        // SOLUTION-BEGIN 04.3
        Objects.requireNonNull(tracker, "tracker");
        Msync.flagBits(flags);
        Segments.requirePageAligned("tracker segment", tracker.segment());
        List<PageRun> runs = tracker.dirtyRuns();
        long page = Pages.size();
        long size = tracker.segment().byteSize();
        long pages = 0;
        long bytes = 0;
        for (PageRun run : runs) {
            long offset = run.firstPage() * page;
            long length = Math.min(run.pageCount() * page, size - offset);
            Msync.flush(tracker.segment(), offset, length, flags);
            pages += run.pageCount();
            bytes += length;
        }
        tracker.clear();
        return runs.isEmpty() ? FlushReport.NOTHING : new FlushReport(runs.size(), pages, bytes);
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 04.3: one msync per dirty run, then clear the tracker (see hint 04.3)");
        // SOLUTION-END
    }
}
