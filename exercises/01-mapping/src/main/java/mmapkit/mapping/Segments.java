package mmapkit.mapping;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * Checks of a segment before it is handed to a system call (mincore, madvise, pagemap, ...), with
 * messages that name the argument, its value and the rule. The kernel works on addresses, not on
 * segments: a heap segment has no address it knows, and a segment of a closed arena points at
 * memory that is unmapped, or mapped again for something else.
 */
public final class Segments {

    private Segments() {
    }

    /**
     * Refuses null, a heap segment, or a segment of a closed mapping.
     *
     * @throws NullPointerException     for a null segment
     * @throws IllegalArgumentException for a heap segment
     * @throws IllegalStateException    for a segment whose arena is closed
     */
    public static MemorySegment requireLiveNative(String name, MemorySegment segment) {
        Objects.requireNonNull(segment, name);
        if (!segment.isNative()) {
            throw new IllegalArgumentException(name + " " + segment + " must be native memory (a mapping), not a heap segment");
        }
        if (!segment.scope().isAlive()) {
            throw new IllegalStateException(name + " at 0x" + Long.toHexString(segment.address())
                    + " belongs to a closed mapping (its arena is closed): map the file again");
        }
        return segment;
    }

    /**
     * As {@link #requireLiveNative}, and the segment must start on a page boundary.
     *
     * @throws IllegalArgumentException also for a segment that does not start on a page boundary
     */
    public static MemorySegment requirePageAligned(String name, MemorySegment segment) {
        requireLiveNative(name, segment);
        if (!Pages.isAligned(segment.address())) {
            throw new IllegalArgumentException(name + " address 0x" + Long.toHexString(segment.address())
                    + " must be a multiple of the page size " + Pages.size()
                    + " (slice the mapping at a page boundary, or use MappedFile.pageSpan())");
        }
        return segment;
    }
}
