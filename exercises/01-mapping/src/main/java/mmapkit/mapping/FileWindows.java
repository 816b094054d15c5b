package mmapkit.mapping;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

/**
 * A file of any size, read and written through windows of at most {@code budget} bytes mapped
 * at a time: the answer to "mmap needs the file to fit in the address space" (it does not: only
 * each mapping must).
 *
 * <p>An access maps the window it needs, page-aligned at or below the position, and unmaps the
 * window it moves away from, so at most {@link #budget()} bytes are ever mapped. A long that
 * straddles the end of a window is read and written whole, from a window that holds all of its
 * bytes. Longs are in the platform's byte order (little-endian on x86-64) and need no
 * alignment. A {@code FileWindows} never changes the file's size; it is not thread-safe.
 */
public final class FileWindows implements AutoCloseable {

    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;

    private final Path file;
    private final MapMode mode;
    private final long size;
    private final long budget;
    private MappedFile window;
    private long windowsMapped;
    private boolean closed;

    private FileWindows(Path file, MapMode mode, long size, long budget) {
        this.file = file;
        this.mode = mode;
        this.size = size;
        this.budget = budget;
    }

    /**
     * Opens a file for windowed access. Nothing is mapped until the first access.
     *
     * @param budget the most bytes mapped at once: a multiple of the page size, at least two pages
     *               (so that a long straddling a page boundary fits in one window)
     * @throws IllegalArgumentException for a bad budget
     * @throws IOException              when the file's size cannot be read
     */
    public static FileWindows open(Path file, MapMode mode, long budget) throws IOException {
        // TODO 01.6 (see hint 01.6)
        throw new UnsupportedOperationException("TODO 01.6: check the budget and remember the file's size (see hint 01.6)");
    }

    /** The file's size in bytes, as it was when opened. */
    public long size() {
        checkOpen();
        return size;
    }

    /** The most bytes mapped at once. */
    public long budget() {
        return budget;
    }

    /** How many bytes of the file are mapped now (0 before the first access and after {@link #close()}). */
    public long mappedBytes() {
        return window == null ? 0 : window.length();
    }

    /** How many windows have been mapped so far, the current one included. */
    public long windowsMapped() {
        return windowsMapped;
    }

    /** The byte at {@code position}. */
    public byte getByte(long position) {
        MemorySegment segment = windowFor(position, Byte.BYTES);
        return segment.get(ValueLayout.JAVA_BYTE, position - window.offset());
    }

    /** Stores a byte at {@code position} (refused for READ_ONLY; never reaches the file for PRIVATE). */
    public void putByte(long position, byte value) {
        MemorySegment segment = windowFor(position, Byte.BYTES);
        segment.set(ValueLayout.JAVA_BYTE, position - window.offset(), value);
    }

    /** The 8 bytes at {@code position} as a long, wherever they fall. */
    public long getLong(long position) {
        MemorySegment segment = windowFor(position, Long.BYTES);
        return segment.get(LONG, position - window.offset());
    }

    /** Stores a long in the 8 bytes at {@code position}, wherever they fall. */
    public void putLong(long position, long value) {
        MemorySegment segment = windowFor(position, Long.BYTES);
        segment.set(LONG, position - window.offset(), value);
    }

    /**
     * The segment of a window that holds {@code [position, position + bytes)}: the current one
     * if it does, else a new one (and the current one is unmapped).
     */
    private MemorySegment windowFor(long position, int bytes) {
        checkOpen();
        // TODO 01.6 (see hint 01.6)
        throw new UnsupportedOperationException("TODO 01.6: map the window that holds position " + position + " (see hint 01.6)");
    }

    /** Unmaps the current window; further accesses throw {@link IllegalStateException}. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (window != null) {
            window.close();
            window = null;
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("windows over " + file.getFileName() + " are closed: open them again");
        }
    }
}
