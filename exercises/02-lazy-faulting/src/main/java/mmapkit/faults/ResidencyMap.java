package mmapkit.faults;

import java.util.Arrays;
import java.util.List;

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
        // TODO 02.2 (see hint 02.2)
        throw new UnsupportedOperationException("TODO 02.2: keep bit 0 of each byte (see hint 02.2)");
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
        // TODO 02.2 (see hint 02.2)
        throw new UnsupportedOperationException("TODO 02.2: look up page " + page + " (see hint 02.2)");
    }

    /** How many pages were resident. */
    public long residentCount() {
        // TODO 02.2 (see hint 02.2)
        throw new UnsupportedOperationException("TODO 02.2: count the resident pages (see hint 02.2)");
    }

    /** The runs of consecutive resident pages, in page order; empty when none was resident. */
    public List<PageRun> residentRuns() {
        // TODO 02.2 (see hint 02.2)
        throw new UnsupportedOperationException("TODO 02.2: find the runs of resident pages (see hint 02.2)");
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
