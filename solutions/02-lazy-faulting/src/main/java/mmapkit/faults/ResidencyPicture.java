package mmapkit.faults;

import java.util.Objects;

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
        // SOLUTION-BEGIN 02.5
        Objects.requireNonNull(map, "map");
        Arguments.positive("columns", columns);
        return "[" + picture(map, columns) + "] " + map.residentCount() + "/" + map.pageCount() + " pages";
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 02.5: draw one character per group of pages (see hint 02.5)");
        // SOLUTION-END
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
        // SOLUTION-BEGIN 02.5
        Objects.requireNonNull(map, "map");
        Arguments.positive("columns", columns);
        long perGroup = pagesPerGroup(map.pageCount(), columns);
        StringBuilder json = new StringBuilder();
        json.append("{\"pageCount\":").append(map.pageCount())
                .append(",\"residentCount\":").append(map.residentCount())
                .append(",\"pagesPerGroup\":").append(perGroup)
                .append(",\"groups\":[");
        long groups = groupCount(map.pageCount(), perGroup);
        for (long group = 0; group < groups; group++) {
            json.append(group == 0 ? "" : ",").append(residentIn(map, group, perGroup));
        }
        // the picture holds only 'O', 'o' and ' ': nothing in it needs escaping
        json.append("],\"picture\":\"").append(picture(map, columns)).append("\",\"residentRuns\":[");
        String separator = "";
        for (PageRun run : map.residentRuns()) {
            json.append(separator).append('[').append(run.firstPage()).append(',').append(run.pageCount()).append(']');
            separator = ",";
        }
        return json.append("]}").toString();
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 02.5: write the counts as JSON (see hint 02.5)");
        // SOLUTION-END
    }

    /**
     * How many pages one character stands for: 1 when the pages fit in {@code columns}, else
     * {@code ceil(pageCount / columns)}.
     */
    public static long pagesPerGroup(long pageCount, int columns) {
        // SOLUTION-BEGIN 02.5
        Arguments.positive("columns", columns);
        if (pageCount < 0) {
            throw new IllegalArgumentException("pageCount " + pageCount + " must not be negative");
        }
        return Math.max(1, (pageCount + columns - 1) / columns);
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 02.5: find how many pages one character stands for (see hint 02.5)");
        // SOLUTION-END
    }

    // SOLUTION-BEGIN 02.5
    private static String picture(ResidencyMap map, int columns) {
        long perGroup = pagesPerGroup(map.pageCount(), columns);
        long groups = groupCount(map.pageCount(), perGroup);
        StringBuilder picture = new StringBuilder((int) groups);
        for (long group = 0; group < groups; group++) {
            long resident = residentIn(map, group, perGroup);
            long size = Math.min(perGroup, map.pageCount() - group * perGroup);
            picture.append(resident == size ? ALL : resident > 0 ? SOME : NONE);
        }
        return picture.toString();
    }

    private static long groupCount(long pageCount, long perGroup) {
        return (pageCount + perGroup - 1) / perGroup;
    }

    private static long residentIn(ResidencyMap map, long group, long perGroup) {
        long end = Math.min(map.pageCount(), (group + 1) * perGroup);
        long resident = 0;
        for (long page = group * perGroup; page < end; page++) {
            if (map.isResident(page)) {
                resident++;
            }
        }
        return resident;
    }
    // SOLUTION-END
}
