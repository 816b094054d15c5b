package mmapkit.dirty;

import mmapkit.faults.PageRun;
import mmapkit.mapping.Pages;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A write API over a segment that remembers which pages it wrote: one bit per page in a
 * {@code long[]} bitmap. A program that writes only through it knows exactly which pages to
 * flush, copy or send, without asking the kernel anything.
 *
 * {@snippet :
 * try (MappedFile file = MappedFile.map(path, MapMode.SHARED)) {   // 16 pages of 4096 bytes, say
 *     DirtyTracker tracker = DirtyTracker.over(file.segment());
 *     tracker.putLong(4090, 42);           // 8 bytes across the boundary of pages 0 and 1
 *     tracker.putByte(5 * 4096, (byte) 1); // page 5
 *     tracker.dirtyRuns();                 // [pages 0..1, page 5]
 *     tracker.clear();                     // forget the marks, keep the bytes
 * }
 * }
 *
 * <h2>Pages</h2>
 * Page {@code p} is the bytes {@code [p * Pages.size(), (p + 1) * Pages.size())} of the segment,
 * counted from its first byte; the last page may be partial. For a segment that starts on a page
 * boundary (a {@code MappedFile} mapped at a page-aligned offset, its {@code pageSpan()}, any
 * {@code RawMapping}) these are the pages of memory the kernel sees; for one that does not, they
 * are pages of the segment, not of memory. A write of {@code length > 0} bytes at {@code offset}
 * dirties the pages {@code offset / Pages.size()} to {@code (offset + length - 1) / Pages.size()},
 * both included; a write of no bytes dirties nothing.
 *
 * <h2>What it sees</h2>
 * Only writes made through this tracker. A store straight into the segment, by native code, by
 * another process sharing the file, or by {@code write(2)} to the file, leaves no mark: for those
 * compare page hashes ({@link PageHashTracker}) or ask the kernel. A write that stores the bytes
 * already there still counts: the tracker records writes, not changes.
 *
 * <h2>Threads</h2>
 * Not thread-safe: use one tracker from one thread, or guard every call with one lock. That is a
 * deliberate, learner-sized choice. Two threads marking pages of the same 64-page word with a
 * plain {@code words[i] |= bit} can lose a mark (both read the old word, each writes back its own
 * bit); making marks atomic ({@code VarHandle.getAndBitwiseOr} on each word) fixes only that,
 * since reading the runs and then clearing them would still drop the marks of writes that land in
 * between, which needs a swap of the whole bitmap. Each method checks everything first, then
 * writes, then marks: a refused or failed write changes neither the memory nor the bitmap.
 */
public final class DirtyTracker {

    private static final long PAGE = Pages.size();

    private final MemorySegment segment;
    private final long pageCount;
    /** Bit {@code p % 64} of {@code words[p / 64]} is set when page p was written since the last clear. */
    private final long[] words;

    private DirtyTracker(MemorySegment segment, long pageCount) {
        this.segment = segment;
        this.pageCount = pageCount;
        this.words = new long[(int) ((pageCount + 63) / 64)];
    }

    /**
     * A tracker of writes to {@code segment}, with no page dirty yet (whatever the kernel thinks
     * of the pages).
     *
     * @param segment a writable segment: a mapping ({@code MappedFile.segment()}), native or heap memory
     * @throws NullPointerException     for a null segment
     * @throws IllegalArgumentException for a read-only segment (such as a {@code READ_ONLY} mapping); the
     *                                  message says it is "read-only"
     * @throws IllegalStateException    for a segment of a closed arena; the message says it is "closed"
     */
    public static DirtyTracker over(MemorySegment segment) {
        // SOLUTION-BEGIN 03.5
        TrackerArguments.liveSegment("segment", segment);
        if (segment.isReadOnly()) {
            throw new IllegalArgumentException("segment of " + segment.byteSize() + " bytes is read-only"
                    + " (a READ_ONLY mapping?): a tracker of writes needs a writable one");
        }
        return new DirtyTracker(segment, TrackerArguments.pagesOf("segment", segment, PAGE));
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 03.5: check the segment and make a tracker with no page dirty (see hint 03.5)");
        // SOLUTION-END
    }

    /** The segment the tracker writes to. */
    public MemorySegment segment() {
        return segment;
    }

    /** How many pages the segment has: its size divided by {@link Pages#size()}, rounded up. */
    public long pageCount() {
        return pageCount;
    }

    /**
     * Copies {@code data} into the segment at {@code offset} and marks the pages it covers dirty.
     * An empty array writes and marks nothing; it may start at {@code segment().byteSize()}.
     *
     * @throws NullPointerException     for null data
     * @throws IllegalArgumentException for a negative offset, or when the bytes would end past the
     *                                  segment (the message names the offset and the length);
     *                                  nothing is written then
     * @throws IllegalStateException    when the segment's arena is closed (the message says "closed");
     *                                  nothing is marked then
     */
    public void put(long offset, byte[] data) {
        // SOLUTION-BEGIN 03.5
        Objects.requireNonNull(data, "data");
        TrackerArguments.liveSegment("segment", segment);
        TrackerArguments.range(offset, data.length, segment.byteSize());
        MemorySegment.copy(data, 0, segment, ValueLayout.JAVA_BYTE, offset, data.length);
        mark(offset, data.length);
        // SOLUTION-STUB
        // throw new UnsupportedOperationException(
        //         "TODO 03.5: copy " + (data == null ? "null" : data.length + " bytes") + " to offset " + offset
        //                 + " and mark their pages (see hint 03.5)");
        // SOLUTION-END
    }

    /**
     * Stores {@code value} (8 bytes, native byte order, any alignment) at {@code offset} and marks
     * its page, or both pages when the 8 bytes cross a page boundary.
     *
     * @throws IllegalArgumentException for a negative offset, or one past {@code segment().byteSize() - 8}
     *                                  (the message names the offset); nothing is written then
     * @throws IllegalStateException    when the segment's arena is closed (the message says "closed")
     */
    public void putLong(long offset, long value) {
        // SOLUTION-BEGIN 03.5
        TrackerArguments.liveSegment("segment", segment);
        TrackerArguments.range(offset, Long.BYTES, segment.byteSize());
        segment.set(ValueLayout.JAVA_LONG_UNALIGNED, offset, value);
        mark(offset, Long.BYTES);
        // SOLUTION-STUB
        // throw new UnsupportedOperationException(
        //         "TODO 03.5: store 8 bytes at offset " + offset + " and mark their pages (see hint 03.5)");
        // SOLUTION-END
    }

    /**
     * Stores one byte at {@code offset} and marks its page.
     *
     * @throws IllegalArgumentException for an offset outside {@code [0, segment().byteSize())} (the
     *                                  message names it)
     * @throws IllegalStateException    when the segment's arena is closed (the message says "closed")
     */
    public void putByte(long offset, byte value) {
        // SOLUTION-BEGIN 03.5
        TrackerArguments.liveSegment("segment", segment);
        TrackerArguments.range(offset, 1, segment.byteSize());
        segment.set(ValueLayout.JAVA_BYTE, offset, value);
        mark(offset, 1);
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 03.5: store a byte at offset " + offset + " and mark its page (see hint 03.5)");
        // SOLUTION-END
    }

    // SOLUTION-BEGIN 03.5
    /** Sets the bits of the pages {@code [offset, offset + length)} touches; nothing for length 0. */
    private void mark(long offset, long length) {
        if (length == 0) {
            return;
        }
        long first = offset / PAGE;
        long last = (offset + length - 1) / PAGE; // the page of the last byte written, not of the byte after it
        for (long page = first; page <= last; page++) {
            words[(int) (page >>> 6)] |= 1L << page; // a shift of a long uses only the low 6 bits: page % 64
        }
    }
    // SOLUTION-END

    /**
     * Whether page {@code page} was written through this tracker since it was made or last cleared.
     *
     * @throws IllegalArgumentException for a page outside {@code [0, pageCount())}; the message names it,
     *                                  as in {@code "page 16 is outside the 16 pages of the segment: ..."}
     */
    public boolean isDirty(long page) {
        // SOLUTION-BEGIN 03.5
        TrackerArguments.page("page", page, pageCount);
        return (words[(int) (page >>> 6)] & (1L << page)) != 0;
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 03.5: look up the bit of page " + page + " (see hint 03.5)");
        // SOLUTION-END
    }

    /** How many pages are dirty. */
    public long dirtyPages() {
        // SOLUTION-BEGIN 03.5
        long count = 0;
        for (long word : words) {
            count += Long.bitCount(word);
        }
        return count;
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 03.5: count the dirty pages (see hint 03.5)");
        // SOLUTION-END
    }

    /**
     * The dirty pages as runs of consecutive pages, in page order, each as long as it can be (two
     * runs never touch): pages 2, 3, 4 and 9 give {@code [PageRun(2, 3), PageRun(9, 1)]}. Empty when
     * nothing is dirty. A snapshot: later writes do not change the list.
     */
    public List<PageRun> dirtyRuns() {
        // SOLUTION-BEGIN 03.5
        List<PageRun> runs = new ArrayList<>();
        long page = 0;
        while (page < pageCount) {
            if (words[(int) (page >>> 6)] == 0) { // 64 clean pages at once
                page = (page | 63) + 1;
                continue;
            }
            if (!isDirty(page)) {
                page++;
                continue;
            }
            long first = page;
            while (page < pageCount && isDirty(page)) {
                page++;
            }
            runs.add(new PageRun(first, page - first));
        }
        return List.copyOf(runs);
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 03.5: find the runs of dirty pages (see hint 03.5)");
        // SOLUTION-END
    }

    /** Forgets every mark: no page is dirty afterwards. The bytes written stay as they are. */
    public void clear() {
        // SOLUTION-BEGIN 03.5
        Arrays.fill(words, 0);
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 03.5: clear the bitmap (see hint 03.5)");
        // SOLUTION-END
    }

    @Override
    public String toString() {
        return "DirtyTracker[" + segment.byteSize() + " bytes, " + pageCount + " pages]";
    }
}
