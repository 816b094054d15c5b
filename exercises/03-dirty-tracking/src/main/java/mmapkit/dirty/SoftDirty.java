package mmapkit.dirty;


import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Soft-dirty bits: the kernel's own record of which pages a process wrote since a point in time.
 * {@link #clear()} writes {@code 4} to {@code /proc/self/clear_refs}, which clears bit 55 of every
 * pagemap entry of the process and write-protects its pages; the next write to a page faults, and the
 * kernel sets the page's bit 55 again ({@link PageFlags#softDirty()}, through {@link PageMap}).
 *
 * <p>Kernels built without {@code CONFIG_MEM_SOFT_DIRTY} accept the {@code 4} and never set the bit.
 * {@link #supported()} finds out by trying.
 */
public final class SoftDirty {

    /** Where a process asks the kernel to clear its referenced or soft-dirty bits. */
    public static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");


    private SoftDirty() {
    }

    /**
     * Whether this kernel sets soft-dirty bits. Probes once: maps one page of anonymous memory, writes it,
     * clears the soft-dirty bits, writes the page again, and reads its bit 55, which must be 0 after
     * clearing and 1 after the write.
     */
    public static boolean supported() {
        // TODO 03.3 (see hint 03.3)
        throw new UnsupportedOperationException("TODO 03.3: probe for soft-dirty bits (see hint 03.3)");
    }

    /**
     * Why soft-dirty bits cannot be used here, such as {@code "the kernel never set soft-dirty bit 55 ...
     * (built without CONFIG_MEM_SOFT_DIRTY)"}; the empty string when they can.
     */
    public static String unsupportedReason() {
        // TODO 03.3 (see hint 03.3)
        throw new UnsupportedOperationException("TODO 03.3: probe for soft-dirty bits (see hint 03.3)");
    }

    /**
     * Clears the soft-dirty bit of every page of this process (all threads, all mappings): writes
     * {@code 4} to {@code /proc/self/clear_refs}.
     *
     * @throws UncheckedIOException when clear_refs cannot be written
     */
    public static void clear() {
        // TODO 03.3 (see hint 03.3)
        throw new UnsupportedOperationException("TODO 03.3: write 4 to /proc/self/clear_refs (see hint 03.3)");
    }

}
