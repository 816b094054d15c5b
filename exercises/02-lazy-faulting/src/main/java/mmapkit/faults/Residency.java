package mmapkit.faults;


import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * Residency through {@code mincore(2)}: which pages of a mapping, or of a file, are in memory.
 *
 * <p>For a file mapping, "resident" means "in the page cache", whoever put it there: a page another
 * process read is resident in your mapping too, before you touch it. For anonymous memory it means
 * the page exists (touched and not swapped out).
 */
public final class Residency {

    private Residency() {
    }

    /**
     * Asks mincore about every page of {@code segment}.
     *
     * @param segment native memory starting on a page boundary (such as {@code MappedFile.pageSpan()} or
     *                {@code RawMapping.segment()}); its size is rounded up to whole pages
     * @throws IllegalArgumentException for a heap segment or one that does not start on a page boundary
     * @throws IllegalStateException    for a segment of a closed mapping
     */
    public static ResidencyMap of(MemorySegment segment) {
        // TODO 02.2 (see hint 02.2)
        throw new UnsupportedOperationException("TODO 02.2: call mincore on the segment's pages (see hint 02.2)");
    }

    /**
     * How much of {@code file} is in the page cache: maps it read-only, asks mincore, unmaps. Mapping
     * and asking fault nothing in. Tells whether mincore may be believed for this file
     * ({@link FileResidency#reliable()}). An empty file has no page: its residency is 0 of 0 pages
     * (an empty file cannot be mapped, so do not try).
     *
     * @throws UncheckedIOException when the file cannot be opened or mapped
     */
    public static FileResidency ofFile(Path file) {
        // TODO 02.2 (see hint 02.2)
        throw new UnsupportedOperationException("TODO 02.2: map the file, ask mincore, unmap (see hint 02.2)");
    }
}
