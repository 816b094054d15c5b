package mmapkit.sync;

/**
 * What one flush of dirty runs did.
 *
 * @param calls how many {@code msync} calls it made: one per run of consecutive dirty pages
 * @param pages how many pages those calls covered
 * @param bytes how many bytes of the segment those pages hold (the last page of a segment may be partial)
 */
public record FlushReport(long calls, long pages, long bytes) {

    /** A flush that found nothing dirty. */
    public static final FlushReport NOTHING = new FlushReport(0, 0, 0);

    /**
     * @throws IllegalArgumentException for a negative count
     */
    public FlushReport {
        if (calls < 0 || pages < 0 || bytes < 0) {
            throw new IllegalArgumentException("calls " + calls + ", pages " + pages + " and bytes " + bytes
                    + " must not be negative");
        }
    }

    @Override
    public String toString() {
        return calls + " msync call(s), " + pages + " page(s), " + bytes + " bytes";
    }
}
