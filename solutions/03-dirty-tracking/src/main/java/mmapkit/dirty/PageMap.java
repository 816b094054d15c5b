package mmapkit.dirty;

import mmapkit.mapping.Pages;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

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
        // SOLUTION-BEGIN 03.3
        KernelViewChecks.pageAlignedSegment("segment", segment);
        long pages = Pages.pageCount(0, segment.byteSize());
        if (pages > (Integer.MAX_VALUE - 8) / 8) {
            throw new IllegalArgumentException("segment of " + segment.byteSize() + " bytes has " + pages
                    + " pages, too many for one read: ask about slices of it");
        }
        long[] entries = entries(segment.address() / Pages.size(), (int) pages);
        PageFlags[] flags = new PageFlags[entries.length];
        for (int i = 0; i < entries.length; i++) {
            flags[i] = PageFlags.of(entries[i]);
        }
        return flags;
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 03.3: read the segment's entries of /proc/self/pagemap (see hint 03.3)");
        // SOLUTION-END
    }

    // SOLUTION-BEGIN 03.3
    /** The raw pagemap entries of {@code count} pages from virtual page {@code firstPage}. */
    static long[] entries(long firstPage, int count) {
        ByteBuffer buffer = ByteBuffer.allocate(count * 8).order(ByteOrder.nativeOrder());
        try (FileChannel pagemap = FileChannel.open(PAGEMAP, StandardOpenOption.READ)) {
            long position = firstPage * 8;
            while (buffer.hasRemaining()) {
                int read = pagemap.read(buffer, position + buffer.position());
                if (read <= 0) {
                    throw new IOException("pagemap ended after " + buffer.position() / 8 + " of " + count + " entries");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + PAGEMAP + " for page 0x" + Long.toHexString(firstPage), e);
        }
        long[] entries = new long[count];
        buffer.flip().asLongBuffer().get(entries);
        return entries;
    }
    // SOLUTION-END
}
