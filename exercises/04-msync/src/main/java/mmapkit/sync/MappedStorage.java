package mmapkit.sync;

import mmapkit.mapping.MappedFile;
import mmapkit.mapping.Pages;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * A file mapped shared as {@link Storage}: writes are stores into the mapping, and
 * {@link #flush} is {@code msync(MS_SYNC)} of the pages that hold the range.
 *
 * {@snippet :
 * try (MappedStorage storage = MappedStorage.open(path, 1 << 20)) {   // creates or grows the file to 1 MiB
 *     storage.write(0, "hello".getBytes(StandardCharsets.US_ASCII));  // in the page cache: survives a killed process
 *     storage.flush(0, 5);                                             // on the device: survives a power cut
 * }
 * }
 *
 * <p>If another process cuts the file while it is mapped, a read or write of a page past the new
 * end raises SIGBUS, which the JDK turns into an {@link InternalError}; the JVM lives on.
 */
public final class MappedStorage implements Storage, AutoCloseable {

    private final MappedFile file;
    private final MemorySegment segment;

    private MappedStorage(MappedFile file) {
        this.file = file;
        this.segment = file.segment();
    }

    /**
     * Maps the first {@code size} bytes of {@code file} shared and read-write, creating the file, or
     * growing it with zeros, when it is shorter. A longer file keeps its length.
     *
     * @param size a positive multiple of the page size
     * @throws IllegalArgumentException for a size that is not a positive multiple of the page size; the
     *                                  message names it as in "size 4097"
     * @throws IOException              when the file cannot be opened, grown or mapped
     */
    public static MappedStorage open(Path file, long size) throws IOException {
        // TODO 04.7 (see hint 04.7)
        throw new UnsupportedOperationException("TODO 04.7: map " + size + " bytes of " + file + " shared (see hint 04.7)");
    }

    /** The mapping, for callers that want to store into it directly. */
    public MemorySegment segment() {
        return segment;
    }

    @Override
    public long size() {
        return segment.byteSize();
    }

    @Override
    public int pageSize() {
        return (int) Pages.size();
    }

    @Override
    public byte[] read(long offset, int length) {
        // TODO 04.7 (see hint 04.7)
        throw new UnsupportedOperationException("TODO 04.7: copy " + length + " bytes out of the mapping (see hint 04.7)");
    }

    @Override
    public void write(long offset, byte[] data) {
        // TODO 04.7 (see hint 04.7)
        throw new UnsupportedOperationException("TODO 04.7: store the bytes into the mapping (see hint 04.7)");
    }

    @Override
    public void flush(long offset, long length) {
        // TODO 04.7 (see hint 04.7)
        throw new UnsupportedOperationException("TODO 04.7: make the range durable (see hint 04.7)");
    }

    private void check(long offset, long length) {
        if (offset < 0 || length < 0 || offset > segment.byteSize() || length > segment.byteSize() - offset) {
            throw new IllegalArgumentException("offset " + offset + " and length " + length
                    + " do not fit in the storage of " + segment.byteSize() + " bytes");
        }
    }

    /** Unmaps the file. Loses nothing: unflushed writes stay in the page cache and reach the file later. */
    @Override
    public void close() {
        file.close();
    }

    @Override
    public String toString() {
        return "MappedStorage[" + file.file() + ", " + size() + " bytes]";
    }
}
