package mmapkit.faults;

import mmapkit.mapping.Pages;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

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
        Objects.requireNonNull(segment, name);
        if (!segment.isNative()) {
            throw new IllegalArgumentException(name + " " + segment + " must be native memory (a mapping), not a heap segment");
        }
        if (!segment.scope().isAlive()) {
            throw new IllegalStateException(name + " at 0x" + Long.toHexString(segment.address())
                    + " belongs to a closed mapping (its arena is closed): map the file again");
        }
        if (!Pages.isAligned(segment.address())) {
            throw new IllegalArgumentException(name + " address 0x" + Long.toHexString(segment.address())
                    + " must be a multiple of the page size " + Pages.size()
                    + " (slice the mapping at a page boundary, or use MappedFile.pageSpan())");
        }
        return segment;
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
