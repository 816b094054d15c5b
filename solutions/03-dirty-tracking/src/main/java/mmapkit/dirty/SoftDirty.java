package mmapkit.dirty;

import mmapkit.mapping.Pages;
import mmapkit.mapping.RawMapping;
import mmapkit.mapping.natives.MemoryMapCalls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

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

    // SOLUTION-BEGIN 03.3
    private static volatile String reason;
    // SOLUTION-END

    private SoftDirty() {
    }

    /**
     * Whether this kernel sets soft-dirty bits. Probes once: maps one page of anonymous memory, writes it,
     * clears the soft-dirty bits, writes the page again, and reads its bit 55, which must be 0 after
     * clearing and 1 after the write.
     */
    public static boolean supported() {
        // SOLUTION-BEGIN 03.3
        return unsupportedReason().isEmpty();
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 03.3: probe for soft-dirty bits (see hint 03.3)");
        // SOLUTION-END
    }

    /**
     * Why soft-dirty bits cannot be used here, such as {@code "the kernel never set soft-dirty bit 55 ...
     * (built without CONFIG_MEM_SOFT_DIRTY)"}; the empty string when they can.
     */
    public static String unsupportedReason() {
        // SOLUTION-BEGIN 03.3
        String known = reason;
        if (known == null) {
            known = probe();
            reason = known;
        }
        return known;
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 03.3: probe for soft-dirty bits (see hint 03.3)");
        // SOLUTION-END
    }

    /**
     * Clears the soft-dirty bit of every page of this process (all threads, all mappings): writes
     * {@code 4} to {@code /proc/self/clear_refs}.
     *
     * @throws UncheckedIOException when clear_refs cannot be written
     */
    public static void clear() {
        // SOLUTION-BEGIN 03.3
        try (FileChannel clearRefs = FileChannel.open(CLEAR_REFS, StandardOpenOption.WRITE)) {
            clearRefs.write(ByteBuffer.wrap(new byte[] {'4'}));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write 4 to " + CLEAR_REFS + " to clear the soft-dirty bits", e);
        }
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 03.3: write 4 to /proc/self/clear_refs (see hint 03.3)");
        // SOLUTION-END
    }

    // SOLUTION-BEGIN 03.3
    private static String probe() {
        try (RawMapping page = RawMapping.anonymous(Pages.size(), MemoryMapCalls.PROT_READ | MemoryMapCalls.PROT_WRITE,
                MemoryMapCalls.MAP_PRIVATE)) {
            MemorySegment memory = page.segment();
            memory.set(ValueLayout.JAVA_BYTE, 0, (byte) 1); // the page exists now
            clear();
            if (PageMap.of(memory)[0].softDirty()) {
                return "writing 4 to " + CLEAR_REFS + " did not clear soft-dirty bit 55 of a page";
            }
            memory.set(ValueLayout.JAVA_BYTE, 0, (byte) 2);
            PageFlags written = PageMap.of(memory)[0];
            if (!written.present()) {
                return "a page just written is not present in /proc/self/pagemap: cannot tell soft-dirty bits";
            }
            return written.softDirty() ? ""
                    : "the kernel never set soft-dirty bit 55 of /proc/self/pagemap: after clearing the bits and writing"
                    + " a page, its bit 55 stayed 0 (kernel " + System.getProperty("os.version")
                    + " built without CONFIG_MEM_SOFT_DIRTY)";
        } catch (UncheckedIOException e) {
            return "soft-dirty bits cannot be used: " + e.getMessage()
                    + (e.getCause() == null ? "" : " (" + e.getCause().getMessage() + ")");
        }
    }
    // SOLUTION-END
}
