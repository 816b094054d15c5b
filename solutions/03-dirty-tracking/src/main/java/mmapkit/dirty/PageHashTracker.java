package mmapkit.dirty;

import mmapkit.faults.PageRun;
import mmapkit.mapping.Pages;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Finds the pages of a segment whose content changed since a snapshot, by comparing one 64-bit
 * hash per page ({@link PageHash}, XXH64) with the hash taken then. It sees every change, however
 * it was made: through {@link DirtyTracker}, a plain store into the segment, native code, another
 * process sharing the file, {@code write(2)} to the file.
 *
 * {@snippet :
 * PageHashTracker hashes = PageHashTracker.snapshot(file.segment()); // reads every page once
 * file.segment().set(ValueLayout.JAVA_BYTE, 3 * 4096 + 7, (byte) 1); // assuming that byte was not 1
 * hashes.changedPages();                                             // [3]: reads every page again
 * hashes.resnapshot();                                               // page 3's new content is the baseline
 * }
 *
 * <h2>Pages</h2>
 * As in {@link DirtyTracker}: page {@code p} is the bytes {@code [p * Pages.size(), (p + 1) * Pages.size())}
 * counted from the segment's first byte, and the last page may be partial (its hash covers the
 * bytes it has).
 *
 * <h2>What it costs, and what it misses</h2>
 * <ul>
 * <li>One full read per snapshot and per question. A hash depends on every byte of its page, so
 *     {@link #snapshot}, {@link #changedPages}, {@link #changedRuns} and {@link #resnapshot} each
 *     read the whole segment, however few pages changed. On a mapping that also means touching
 *     every page: pages not yet resident fault in (from disk, for a file not in the page cache)
 *     and stay resident. The hashes themselves are small: 8 bytes per page, 1/512 of the data.</li>
 * <li>Changes, not writes. A write that stores the bytes already there, or a page changed and then
 *     changed back between two questions, is invisible: its hash is the same. For deciding what
 *     to write back that is right (the bytes on disk are still correct); for knowing what was
 *     written it is not.</li>
 * <li>Collisions. A changed page whose new hash equals its old one is missed; for ordinary data
 *     that happens about once in 2<sup>64</sup> comparisons (see {@link PageHash} for the odds and
 *     for data chosen by an adversary).</li>
 * </ul>
 *
 * <h2>Threads</h2>
 * Not thread-safe: use one tracker from one thread, or guard every call with one lock. Other
 * threads or processes may write the segment while it scans: a page written while it is being
 * hashed may show up as changed now or only at the next question, but a change made after
 * {@link #resnapshot()} hashed its page is never lost. One written between {@link #changedPages()} and
 * {@link #resnapshot()} becomes part of the new baseline unreported.
 */
public final class PageHashTracker {

    private static final long PAGE = Pages.size();

    private final MemorySegment segment;
    private final int pageCount;
    /** The hash of every page at the last snapshot: {@code hashes[p]} for page p. */
    private final long[] hashes;

    private PageHashTracker(MemorySegment segment, long pageCount) {
        this.segment = segment;
        this.pageCount = (int) pageCount;
        this.hashes = new long[(int) pageCount];
    }

    /**
     * Hashes every page of {@code segment} (reading all of it) and remembers the hashes as the
     * baseline to compare with. A read-only segment is fine: the tracker only reads.
     *
     * @throws NullPointerException  for a null segment
     * @throws IllegalStateException for a segment of a closed arena; the message says it is "closed"
     */
    public static PageHashTracker snapshot(MemorySegment segment) {
        // SOLUTION-BEGIN 03.6
        TrackerArguments.liveSegment("segment", segment);
        PageHashTracker tracker = new PageHashTracker(segment, TrackerArguments.pagesOf("segment", segment, PAGE));
        tracker.resnapshot();
        return tracker;
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 03.6: hash every page of the segment (see hint 03.6)");
        // SOLUTION-END
    }

    /** The segment the tracker reads. */
    public MemorySegment segment() {
        return segment;
    }

    /** How many pages the segment has: its size divided by {@link Pages#size()}, rounded up. */
    public long pageCount() {
        return pageCount;
    }

    /**
     * The pages whose hash differs from the baseline, in ascending order; empty when none changed.
     * Reads the whole segment; does not change the baseline (asking twice gives the same answer
     * when nothing was written in between).
     *
     * @throws IllegalStateException when the segment's arena is closed (the message says "closed")
     */
    public long[] changedPages() {
        // SOLUTION-BEGIN 03.6
        TrackerArguments.liveSegment("segment", segment);
        long[] changed = new long[16];
        int count = 0;
        for (int page = 0; page < pageCount; page++) {
            if (hashOf(page) != hashes[page]) {
                if (count == changed.length) {
                    changed = Arrays.copyOf(changed, Math.min(pageCount, 2 * count));
                }
                changed[count++] = page;
            }
        }
        return Arrays.copyOf(changed, count);
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 03.6: compare each page's hash with the snapshot (see hint 03.6)");
        // SOLUTION-END
    }

    /**
     * The changed pages ({@link #changedPages()}) as runs of consecutive pages, in page order, each as
     * long as it can be: pages 2, 3, 4 and 9 give {@code [PageRun(2, 3), PageRun(9, 1)]}.
     *
     * @throws IllegalStateException when the segment's arena is closed (the message says "closed")
     */
    public List<PageRun> changedRuns() {
        // SOLUTION-BEGIN 03.6
        long[] changed = changedPages();
        List<PageRun> runs = new ArrayList<>();
        int i = 0;
        while (i < changed.length) {
            int first = i;
            while (i + 1 < changed.length && changed[i + 1] == changed[i] + 1) {
                i++;
            }
            runs.add(new PageRun(changed[first], i - first + 1L));
            i++;
        }
        return List.copyOf(runs);
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 03.6: turn the changed pages into runs (see hint 03.6)");
        // SOLUTION-END
    }

    /**
     * Takes a new snapshot: the segment's present content becomes the baseline, so no page is
     * changed right afterwards. Reads the whole segment.
     *
     * @throws IllegalStateException when the segment's arena is closed (the message says "closed")
     */
    public void resnapshot() {
        // SOLUTION-BEGIN 03.6
        TrackerArguments.liveSegment("segment", segment);
        for (int page = 0; page < pageCount; page++) {
            hashes[page] = hashOf(page);
        }
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 03.6: hash every page again (see hint 03.6)");
        // SOLUTION-END
    }

    // SOLUTION-BEGIN 03.6
    /** The hash of page {@code page}: {@code Pages.size()} bytes, fewer for a partial last page. */
    private long hashOf(int page) {
        long offset = page * PAGE;
        return PageHash.of(segment, offset, Math.min(PAGE, segment.byteSize() - offset));
    }
    // SOLUTION-END

    @Override
    public String toString() {
        return "PageHashTracker[" + segment.byteSize() + " bytes, " + pageCount + " pages]";
    }
}
