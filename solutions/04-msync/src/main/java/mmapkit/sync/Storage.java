package mmapkit.sync;

/**
 * Bytes that can be written in memory and then made durable: what a crash-consistent store needs
 * from the thing below it. {@link MappedStorage} is a mapped file (flush is {@code msync}); the crash
 * model {@code mmapkit.sync.sim.SimulatedPageCache} is a page cache in front of a simulated disk
 * that can lose power. The same {@link RecordLog} runs on both, so the tests that cut the power in
 * the model test the very code that runs on a real file.
 *
 * <p>A write is visible to reads at once and durable only after a {@link #flush} of a range that
 * holds it has returned. Until then a power cut may keep it or lose it, page by page.
 */
public interface Storage {

    /** How many bytes it holds; fixed. */
    long size();

    /** The page size that a crash keeps or loses as a whole. */
    int pageSize();

    /**
     * Copies {@code length} bytes at {@code offset}.
     *
     * @throws IllegalArgumentException for a range that does not fit
     */
    byte[] read(long offset, int length);

    /**
     * Writes {@code data} at {@code offset}: visible to {@link #read} at once, not yet durable.
     *
     * @throws IllegalArgumentException for a range that does not fit
     */
    void write(long offset, byte[] data);

    /**
     * Makes the bytes {@code [offset, offset + length)} durable (and, since it works on whole pages,
     * the rest of the pages that hold them): when it returns, a power cut no longer loses them.
     *
     * @throws IllegalArgumentException for a range that does not fit
     */
    void flush(long offset, long length);
}
