package mmapkit.dirty;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * Argument checks for the user-space trackers ({@link DirtyTracker}, {@link PageHashTracker}),
 * whose messages name the argument, its value and the rule. Given code: use it in your solutions.
 */
final class TrackerArguments {

    private TrackerArguments() {
    }

    /**
     * Refuses a null segment, and one whose arena is closed: touching memory that was unmapped
     * would either fail or, worse, read or write whatever is mapped there now.
     *
     * @throws NullPointerException  for a null segment
     * @throws IllegalStateException for a segment of a closed arena (an unmapped mapping)
     */
    static MemorySegment liveSegment(String name, MemorySegment segment) {
        Objects.requireNonNull(segment, name);
        if (!segment.scope().isAlive()) {
            throw new IllegalStateException(name + " of " + segment.byteSize() + " bytes"
                    + (segment.isNative() ? " at 0x" + Long.toHexString(segment.address()) : "")
                    + " belongs to a closed arena (its mapping is gone): map the file again and track the new segment");
        }
        return segment;
    }

    /**
     * Refuses a write of {@code length} bytes at {@code offset} that does not lie inside
     * {@code [0, size)}. A zero-length write may start at {@code size} (it touches nothing).
     * Written so that {@code offset + length} cannot overflow.
     *
     * @throws IllegalArgumentException for a negative offset or length, or a range past the end
     */
    static void range(long offset, long length, long size) {
        if (offset < 0) {
            throw new IllegalArgumentException("offset " + offset + " must not be negative");
        }
        if (length < 0) {
            throw new IllegalArgumentException("length " + length + " must not be negative");
        }
        if (offset > size || length > size - offset) {
            throw new IllegalArgumentException("offset " + offset + " with length " + length + " ends past the end of the "
                    + size + "-byte segment: the last byte is at offset " + (size - 1));
        }
    }

    /** Refuses a page number outside {@code [0, pageCount)}. */
    static long page(String name, long page, long pageCount) {
        if (page < 0 || page >= pageCount) {
            throw new IllegalArgumentException(name + " " + page + " is outside the " + pageCount + " pages of the segment"
                    + (pageCount == 0 ? " (it has none)" : ": it must be in 0.." + (pageCount - 1)));
        }
        return page;
    }

    /**
     * Refuses a segment with more pages than one Java array can hold an entry for (8 TiB with
     * 4 KiB pages).
     */
    static long pagesOf(String name, MemorySegment segment, long pageSize) {
        long pages = segment.byteSize() / pageSize + (segment.byteSize() % pageSize == 0 ? 0 : 1);
        if (pages > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(name + " of " + segment.byteSize() + " bytes has " + pages
                    + " pages, more than one tracker can hold (" + (Integer.MAX_VALUE - 8) + "): track slices of it");
        }
        return pages;
    }
}
