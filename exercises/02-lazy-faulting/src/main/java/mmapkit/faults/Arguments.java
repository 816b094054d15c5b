package mmapkit.faults;

import mmapkit.mapping.Pages;
import mmapkit.mapping.Segments;

import java.lang.foreign.MemorySegment;

/**
 * Argument checks whose messages name the argument, its value and the rule. Given code: use it in
 * your solutions.
 */
final class Arguments {

    private Arguments() {
    }

    /**
     * Refuses a segment the kernel calls cannot take: null, not native memory, already closed, or not
     * starting on a page boundary.
     */
    static MemorySegment pageAlignedSegment(String name, MemorySegment segment) {
        return Segments.requirePageAligned(name, segment);
    }

    /** The pages a segment spans: its size rounded up to whole pages. */
    static long pagesOf(MemorySegment segment) {
        return Pages.pageCount(0, segment.byteSize());
    }

    /** Refuses a page number outside {@code [0, pageCount)}. */
    static long page(String name, long page, long pageCount) {
        if (page < 0 || page >= pageCount) {
            throw new IllegalArgumentException(name + " " + page + " is outside the " + pageCount + " pages of the range"
                    + (pageCount == 0 ? " (it has none)" : ": it must be in 0.." + (pageCount - 1)));
        }
        return page;
    }

    /** Refuses a value that is not positive. */
    static int positive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " " + value + " must be positive");
        }
        return value;
    }
}
