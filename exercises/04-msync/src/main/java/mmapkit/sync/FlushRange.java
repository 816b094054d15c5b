package mmapkit.sync;

import mmapkit.mapping.Pages;

import java.lang.foreign.MemorySegment;

/**
 * The whole pages of memory that hold a byte range of a segment: what {@code msync} must be given,
 * since it takes only a page-aligned address and works on whole pages.
 *
 * {@snippet :
 * // a segment that starts on a page boundary, pages of 4096 bytes
 * FlushRange.covering(segment, 4097, 10);    // page 1: address + 4096, 4096 bytes
 * FlushRange.covering(segment, 4000, 200);   // pages 0 and 1: address, 8192 bytes
 * FlushRange.covering(segment, 8192, 0);     // no page: address + 8192, 0 bytes
 * }
 *
 * <p>The pages are pages of memory, counted from address 0, not from the segment: a segment that
 * starts inside a page (a mapping at a file offset that is not page-aligned) is flushed from the
 * start of that page. The bytes of that page before the segment belong to the same mapping, since
 * the kernel maps only whole pages.
 *
 * @param address the first byte of the first page, a multiple of {@link Pages#size()}
 * @param length  the bytes of all the pages, a multiple of {@link Pages#size()}; 0 for an empty range
 */
public record FlushRange(long address, long length) {

    /**
     * @throws IllegalArgumentException when the address or the length is not a multiple of the page
     *                                  size, or the length is negative
     */
    public FlushRange {
        if (!Pages.isAligned(address)) {
            throw new IllegalArgumentException("address 0x" + Long.toHexString(address)
                    + " must be a multiple of the page size " + Pages.size());
        }
        if (length < 0 || !Pages.isAligned(length)) {
            throw new IllegalArgumentException("length " + length
                    + " must be a non-negative multiple of the page size " + Pages.size());
        }
    }

    /**
     * The pages that hold the bytes {@code [offset, offset + length)} of {@code segment}: from the
     * page of the first byte to the page of the last byte, both included.
     *
     * @param offset where the range starts in the segment, from 0 to its size
     * @param length how many bytes, from 0 to what is left of the segment after {@code offset}
     * @throws NullPointerException      for a null segment
     * @throws IllegalArgumentException  for a heap segment, a negative offset or length, or a range
     *                                   that ends past the segment; for a bad range the message names
     *                                   the value at fault as in "offset -1" or "length -5", and for a
     *                                   range that ends past the segment both, as in "offset 40960" and
     *                                   "length 24577"
     * @throws IllegalStateException     for a segment of a closed mapping
     */
    public static FlushRange covering(MemorySegment segment, long offset, long length) {
        // TODO 04.1 (see hint 04.1)
        throw new UnsupportedOperationException(
                "TODO 04.1: the whole pages that hold " + length + " bytes at offset " + offset + " (see hint 04.1)");
    }

    /** How many pages the range holds. */
    public long pageCount() {
        return length / Pages.size();
    }

    /** The first byte after the range. */
    public long end() {
        return address + length;
    }

    @Override
    public String toString() {
        return pageCount() + " page(s) at 0x" + Long.toHexString(address) + " (" + length + " bytes)";
    }
}
