package mmapkit.dirty;

import mmapkit.mapping.Pages;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * What {@code /proc/self/smaps} says about one mapping (one virtual memory area), in bytes.
 *
 * <p>Each mapping's entry in smaps is its maps line followed by {@code Name: value kB} lines:
 * <pre>
 * 7f3a1c200000-7f3a1c208000 rw-s 00000000 fd:01 1835021      /data/file.bin
 * Size:                 32 kB
 * Rss:                  12 kB
 * Pss:                  12 kB
 * Shared_Clean:          0 kB
 * Shared_Dirty:          0 kB
 * Private_Clean:         0 kB
 * Private_Dirty:        12 kB
 * Anonymous:             0 kB
 * Swap:                  0 kB
 * ...
 * </pre>
 *
 * <p>"Shared" and "Private" count how many processes map a page, not how it was mapped: a page of a
 * {@code MAP_SHARED} mapping that only this process maps is <em>Private</em>. "Dirty" means changed
 * since it was last written back to the file (or, for anonymous memory, ever changed).
 *
 * @param rss            bytes of the mapping in memory ({@code Rss})
 * @param pss            the proportional share: each page divided by the number of processes mapping it ({@code Pss})
 * @param sharedClean    bytes in memory, mapped by other processes too, unchanged ({@code Shared_Clean})
 * @param sharedDirty    bytes mapped by other processes too, changed ({@code Shared_Dirty})
 * @param privateClean   bytes only this process maps, unchanged ({@code Private_Clean})
 * @param privateDirty   bytes only this process maps, changed ({@code Private_Dirty})
 * @param anonymous      bytes with no file behind them: copies made by writes to a private mapping, or
 *                       anonymous memory ({@code Anonymous})
 * @param swap           anonymous bytes swapped out ({@code Swap})
 */
public record MappingStats(long rss, long pss, long sharedClean, long sharedDirty, long privateClean, long privateDirty,
                           long anonymous, long swap) {

    /** Where the kernel shows this process's mappings with their statistics. */
    public static final Path SMAPS = Path.of("/proc/self/smaps");

    /**
     * The statistics of the mapping that holds the first byte of {@code segment}, read from
     * {@code /proc/self/smaps} now. The segment need not start on a page boundary.
     *
     * @throws IllegalArgumentException for a heap segment, or when no mapping holds its first byte (naming
     *                                  the argument {@code segment})
     * @throws IllegalStateException    for a segment of a closed mapping, naming its address in hex
     */
    public static MappingStats of(MemorySegment segment) {
        // TODO 03.1 (see hint 03.1)
        throw new UnsupportedOperationException("TODO 03.1: find the smaps entry holding the segment's first byte (see hint 03.1)");
    }

    /**
     * Parses the text of one smaps entry: its maps line (optional) and its {@code Name: value kB} lines.
     * Lines this record has no field for ({@code Size}, {@code Referenced}, {@code VmFlags}, ...) are
     * skipped; a field missing from the text is 0.
     *
     * @throws IllegalArgumentException when one of this record's fields is not a size, naming the field
     *                                  and its value (such as {@code Rss 'lots kB'})
     */
    public static MappingStats parse(String smapsEntryText) {
        // TODO 03.1 (see hint 03.1)
        throw new UnsupportedOperationException("TODO 03.1: read the Name: value kB lines of an smaps entry (see hint 03.1)");
    }


    /** Dirty bytes, shared or private: changed and not yet written back. */
    public long dirty() {
        return sharedDirty + privateDirty;
    }

    /** {@link #dirty()} in whole pages. */
    public long dirtyPages() {
        return dirty() / Pages.size();
    }

    /** {@link #anonymous()} in whole pages. */
    public long anonymousPages() {
        return anonymous / Pages.size();
    }

    /** {@link #rss()} in whole pages. */
    public long residentPages() {
        return rss / Pages.size();
    }
}
