package mmapkit.dirty;


import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * The kernel's page table entries for a range of this process's memory, read from
 * {@code /proc/self/pagemap}: one 64-bit entry per virtual page, the entry of page {@code address / pageSize}
 * at byte {@code 8 * (address / pageSize)} of the file (a native-endian {@code long}).
 *
 * <p>Reading does not fault pages in: a page never touched reads as all zeros (not present).
 */
public final class PageMap {

    /** Where the kernel shows this process's page table entries. */
    public static final Path PAGEMAP = Path.of("/proc/self/pagemap");

    private PageMap() {
    }

    /**
     * The flags of every page of {@code segment}: element {@code i} is the page at
     * {@code segment.address() + i * pageSize}; the size is rounded up to whole pages.
     *
     * @param segment native memory starting on a page boundary, such as {@code MappedFile.pageSpan()}
     * @throws IllegalArgumentException for a heap segment, one not starting on a page boundary (naming its
     *                                  address in hex), or one of more pages than an array holds
     * @throws IllegalStateException    for a segment of a closed mapping, naming its address in hex
     * @throws UncheckedIOException     when pagemap cannot be read
     */
    public static PageFlags[] of(MemorySegment segment) {
        // TODO 03.3 (see hint 03.3)
        throw new UnsupportedOperationException("TODO 03.3: read the segment's entries of /proc/self/pagemap (see hint 03.3)");
    }

}
