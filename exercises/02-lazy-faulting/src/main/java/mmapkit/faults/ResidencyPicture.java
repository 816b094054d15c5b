package mmapkit.faults;


/**
 * A residency map drawn as text, one character per group of pages, as {@code vmtouch -v} draws it:
 * {@code [OOo ] 5/8 pages} (8 pages in 4 columns, two pages a character). {@code 'O'}: every page
 * of the group is resident; {@code 'o'}: some are; {@code ' '}: none is. With no more pages than columns each page gets its own character;
 * otherwise each character stands for {@code ceil(pages / columns)} pages (the last group may be
 * smaller) and the picture may be a little narrower than {@code columns}.
 */
public final class ResidencyPicture {

    /** Every page of the group is resident. */
    public static final char ALL = 'O';
    /** Some pages of the group are resident. */
    public static final char SOME = 'o';
    /** No page of the group is resident. */
    public static final char NONE = ' ';

    private ResidencyPicture() {
    }

    /**
     * The picture and the totals: {@code "[OOOOO   ] 5/8 pages"} for 8 pages in 8 columns of which
     * the first 5 are resident, {@code "[OOo ] 5/8 pages"} for the same in 4 columns;
     * {@code "[] 0/0 pages"} for no page.
     *
     * @param columns the most characters the picture may have between the brackets, at least 1
     * @throws IllegalArgumentException when {@code columns} is not positive, naming its value
     */
    public static String render(ResidencyMap map, int columns) {
        // TODO 02.5 (see hint 02.5)
        throw new UnsupportedOperationException("TODO 02.5: draw one character per group of pages (see hint 02.5)");
    }

    /**
     * The same data as one JSON object, numbers and the picture only:
     * <pre>{"pageCount":8,"residentCount":5,"pagesPerGroup":1,"groups":[1,1,1,1,1,0,0,0],
     * "picture":"OOOOO   ","residentRuns":[[0,5]]}</pre>
     * {@code groups} holds the resident pages of each group; {@code residentRuns} the
     * {@code [firstPage, pageCount]} of each run of resident pages.
     *
     * @param columns the most groups, at least 1
     */
    public static String toJson(ResidencyMap map, int columns) {
        // TODO 02.5 (see hint 02.5)
        throw new UnsupportedOperationException("TODO 02.5: write the counts as JSON (see hint 02.5)");
    }

    /**
     * How many pages one character stands for: 1 when the pages fit in {@code columns}, else
     * {@code ceil(pageCount / columns)}.
     */
    public static long pagesPerGroup(long pageCount, int columns) {
        // TODO 02.5 (see hint 02.5)
        throw new UnsupportedOperationException("TODO 02.5: find how many pages one character stands for (see hint 02.5)");
    }

}
