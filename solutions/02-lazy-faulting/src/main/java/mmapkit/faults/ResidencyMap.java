package mmapkit.faults;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Which pages of a range were resident when {@code mincore} was asked: a snapshot, one bit per
 * page. Page numbers count from the start of the range (page 0).
 *
 * <p>Immutable. Built from the vector {@code mincore} fills in, of which only bit 0 of each byte
 * means "resident": the other bits are reserved.
 */
public final class ResidencyMap {

    private final long pageCount;
    /** Bit {@code p % 64} of {@code words[p / 64]} is page p. */
    private final long[] words;
    private final long residentCount;

    private ResidencyMap(long pageCount, long[] words) {
        this.pageCount = pageCount;
        this.words = words;
        long count = 0;
        for (long word : words) {
            count += Long.bitCount(word);
        }
        this.residentCount = count;
    }

    /**
     * The map of a {@code mincore} vector: page i is resident when bit 0 of {@code vector[i]} is set;
     * the other bits are ignored.
     */
    public static ResidencyMap fromVector(byte[] vector) {
        // SOLUTION-BEGIN 02.2
        Objects.requireNonNull(vector, "vector");
        long[] words = new long[(vector.length + 63) / 64];
        for (int page = 0; page < vector.length; page++) {
            if ((vector[page] & 1) != 0) { // only bit 0 means anything
                words[page >>> 6] |= 1L << page;
            }
        }
        return new ResidencyMap(vector.length, words);
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 02.2: keep bit 0 of each byte (see hint 02.2)");
        // SOLUTION-END
    }

    /** How many pages the range has. */
    public long pageCount() {
        return pageCount;
    }

    /**
     * Whether page {@code page} was resident.
     *
     * @throws IllegalArgumentException for a page outside {@code [0, pageCount())}
     */
    public boolean isResident(long page) {
        // SOLUTION-BEGIN 02.2
        Arguments.page("page", page, pageCount);
        return (words[(int) (page >>> 6)] & (1L << page)) != 0;
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 02.2: look up page " + page + " (see hint 02.2)");
        // SOLUTION-END
    }

    /** How many pages were resident. */
    public long residentCount() {
        // SOLUTION-BEGIN 02.2
        return residentCount;
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 02.2: count the resident pages (see hint 02.2)");
        // SOLUTION-END
    }

    /** The runs of consecutive resident pages, in page order; empty when none was resident. */
    public List<PageRun> residentRuns() {
        // SOLUTION-BEGIN 02.2
        List<PageRun> runs = new ArrayList<>();
        long page = 0;
        while (page < pageCount) {
            if (!isResident(page)) {
                page++;
                continue;
            }
            long first = page;
            while (page < pageCount && isResident(page)) {
                page++;
            }
            runs.add(new PageRun(first, page - first));
        }
        return List.copyOf(runs);
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 02.2: find the runs of resident pages (see hint 02.2)");
        // SOLUTION-END
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ResidencyMap map && map.pageCount == pageCount && Arrays.equals(map.words, words);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(pageCount) * 31 + Arrays.hashCode(words);
    }

    @Override
    public String toString() {
        return "ResidencyMap[" + residentCount + " of " + pageCount + " pages resident]";
    }
}
