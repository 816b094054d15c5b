package mmapkit.dirty;


import java.nio.file.Path;

/**
 * The system-wide dirty page counts of {@code /proc/meminfo}, in bytes: all processes, all files.
 * Other programs change them at any moment, so they show trends, not exact effects of one write.
 *
 * @param dirty     bytes of the page cache changed and waiting to be written back ({@code Dirty})
 * @param writeback bytes being written back right now ({@code Writeback})
 */
public record MemInfo(long dirty, long writeback) {

    /** Where the kernel shows the system's memory counters. */
    public static final Path MEMINFO = Path.of("/proc/meminfo");

    /** The counters now, from {@code /proc/meminfo}. */
    public static MemInfo current() {
        // TODO 03.1 (see hint 03.1)
        throw new UnsupportedOperationException("TODO 03.1: read /proc/meminfo (see hint 03.1)");
    }

    /**
     * Parses meminfo text: its {@code Dirty:} and {@code Writeback:} lines ({@code Dirty:  1234 kB}).
     * Other lines, {@code WritebackTmp:} included, are skipped.
     *
     * @throws IllegalArgumentException when the text lacks the {@code Dirty} or {@code Writeback} line, naming
     *                                  it, or its value is not a size
     */
    public static MemInfo parse(String text) {
        // TODO 03.1 (see hint 03.1)
        throw new UnsupportedOperationException("TODO 03.1: read the Dirty and Writeback lines (see hint 03.1)");
    }
}
