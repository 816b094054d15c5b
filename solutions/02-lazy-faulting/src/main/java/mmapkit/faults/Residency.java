package mmapkit.faults;

import mmapkit.faults.natives.ResidencyCalls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

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
        // SOLUTION-BEGIN 02.2
        Arguments.pageAlignedSegment("segment", segment);
        long pages = Arguments.pagesOf(segment);
        if (pages > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("segment of " + segment.byteSize() + " bytes has " + pages
                    + " pages, more than one map can hold (" + (Integer.MAX_VALUE - 8) + "): ask about slices of it");
        }
        if (pages == 0) {
            return ResidencyMap.fromVector(new byte[0]);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment vector = arena.allocate(pages);
            ResidencyCalls.mincore(segment.address(), segment.byteSize(), vector);
            return ResidencyMap.fromVector(vector.toArray(ValueLayout.JAVA_BYTE));
        }
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 02.2: call mincore on the segment's pages (see hint 02.2)");
        // SOLUTION-END
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
        // SOLUTION-BEGIN 02.2
        Objects.requireNonNull(file, "file");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ); Arena arena = Arena.ofConfined()) {
            long size = channel.size();
            MincoreVisibility visibility = MincoreVisibility.of(file);
            if (size == 0) {
                return new FileResidency(file, 0, ResidencyMap.fromVector(new byte[0]), visibility);
            }
            MemorySegment mapping = channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            return new FileResidency(file, size, of(mapping), visibility);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot map " + file + " to ask mincore about it", e);
        }
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 02.2: map the file, ask mincore, unmap (see hint 02.2)");
        // SOLUTION-END
    }
}
