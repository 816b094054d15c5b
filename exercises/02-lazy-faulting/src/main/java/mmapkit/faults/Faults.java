package mmapkit.faults;

/**
 * Page-fault counts, as the kernel keeps them per thread and per process.
 *
 * <p>A <em>minor</em> fault was resolved without reading the disk: the page was already in the
 * page cache (or is a fresh zero page, or a copy made for copy-on-write). A <em>major</em> fault
 * had to wait for the disk. Neither counts pages: one fault may map many pages (fault-around,
 * large folios), and readahead brings in pages before any fault asks for them.
 *
 * @param minor faults that needed no disk read ({@code minflt})
 * @param major faults that waited for a disk read ({@code majflt})
 */
public record Faults(long minor, long major) {

    /** No faults. */
    public static final Faults NONE = new Faults(0, 0);

    /** The faults between {@code earlier} and these counts: {@code after.minus(before)}. */
    public Faults minus(Faults earlier) {
        // TODO 02.1 (see hint 02.1)
        throw new UnsupportedOperationException("TODO 02.1: subtract the earlier counts (see hint 02.1)");
    }

    /** Minor plus major faults. */
    public long total() {
        // TODO 02.1 (see hint 02.1)
        throw new UnsupportedOperationException("TODO 02.1: add minor and major faults (see hint 02.1)");
    }

    @Override
    public String toString() {
        return minor + " minor, " + major + " major";
    }
}
