package mmapkit.faults;

/**
 * Consecutive pages, such as a run of resident pages.
 *
 * @param firstPage the first page's number
 * @param pageCount how many pages, at least 1
 */
public record PageRun(long firstPage, long pageCount) {

    public PageRun {
        if (firstPage < 0) {
            throw new IllegalArgumentException("firstPage " + firstPage + " must not be negative");
        }
        if (pageCount <= 0) {
            throw new IllegalArgumentException("pageCount " + pageCount + " must be positive");
        }
    }

    /** The page after the run: {@code firstPage + pageCount}. */
    public long endPage() {
        return firstPage + pageCount;
    }

    @Override
    public String toString() {
        return pageCount == 1 ? "page " + firstPage : "pages " + firstPage + ".." + (endPage() - 1);
    }
}
