package mmapkit.dirty;

/**
 * One page's entry of {@code /proc/self/pagemap}: 64 bits the kernel keeps for each virtual page.
 *
 * <pre>
 * bit 63     present in memory
 * bit 62     swapped out
 * bit 61     a file page, or shared anonymous memory
 * bit 56     mapped by this process only (exclusively mapped)
 * bit 55     soft-dirty: written since soft-dirty bits were last cleared
 * bits 0-54  the physical page frame number, when present (0 without CAP_SYS_ADMIN)
 * </pre>
 *
 * @param present      the page is in memory (bit 63)
 * @param swapped      the page is in swap (bit 62)
 * @param fileOrShared the page belongs to a file or to shared anonymous memory (bit 61)
 * @param exclusive    no other process maps the page (bit 56)
 * @param softDirty    the page was written since the last {@link SoftDirty#clear()} (bit 55; never set by
 *                     kernels without soft-dirty support)
 * @param frame        the physical page frame number (bits 0-54) of a present page; 0 when the page is not
 *                     present, or when the process lacks CAP_SYS_ADMIN (the kernel hides it)
 */
public record PageFlags(boolean present, boolean swapped, boolean fileOrShared, boolean exclusive, boolean softDirty,
                        long frame) {

    /** Bit 63 of a pagemap entry: present. */
    public static final long PRESENT = 1L << 63;
    /** Bit 62: swapped. */
    public static final long SWAPPED = 1L << 62;
    /** Bit 61: file page or shared anonymous. */
    public static final long FILE_OR_SHARED = 1L << 61;
    /** Bit 56: exclusively mapped. */
    public static final long EXCLUSIVE = 1L << 56;
    /** Bit 55: soft-dirty. */
    public static final long SOFT_DIRTY = 1L << 55;
    /** Bits 0-54: the page frame number. */
    public static final long FRAME_MASK = (1L << 55) - 1;

    /**
     * Decodes one 64-bit pagemap entry. For example {@code 0xa1000000000abcdeL} (bits 63, 61, 56 and frame
     * 0xabcde) is a present, exclusively mapped file page in frame 0xabcde; {@code 0} is a page never touched.
     * The frame is taken only from a present page (the bits of a swapped page hold its swap location).
     */
    public static PageFlags of(long entry) {
        // SOLUTION-BEGIN 03.3
        boolean present = (entry & PRESENT) != 0;
        return new PageFlags(present, (entry & SWAPPED) != 0, (entry & FILE_OR_SHARED) != 0,
                (entry & EXCLUSIVE) != 0, (entry & SOFT_DIRTY) != 0, present ? entry & FRAME_MASK : 0);
        // SOLUTION-STUB
        // throw new UnsupportedOperationException(
        //         "TODO 03.3: decode the bits of pagemap entry 0x" + Long.toHexString(entry) + " (see hint 03.3)");
        // SOLUTION-END
    }
}
