package mmapkit.ipc;


import java.lang.foreign.MemorySegment;
import java.time.Duration;

/**
 * A counting semaphore for processes that share memory: a 32-bit count of permits, taken with
 * compare-and-set, and the {@code futex} system call to sleep while it is 0. A second word counts
 * the sleepers, so that a release wakes (with a system call) only when someone may sleep.
 *
 * <pre>
 * offset  size  field
 * 0       4     permits
 * 4       4     processes (threads) that sleep or are about to
 * </pre>
 */
public final class FutexSemaphore {

    /** The bytes it uses at its offset. */
    public static final int BYTES = 8;

    private final MemorySegment segment;
    private final long offset;
    private final long address;

    /**
     * A semaphore on the 8 bytes at {@code offset} (4-byte aligned). A region initialised with zeros
     * holds a semaphore with no permits; {@link #release(int)} adds them.
     *
     * @throws IllegalArgumentException when the words are outside the segment or not aligned
     */
    public FutexSemaphore(MemorySegment segment, long offset) {
        Atomics.requireAligned(segment, offset, 4);
        Atomics.requireAligned(segment, offset + 4, 4);
        this.segment = segment;
        this.offset = offset;
        this.address = segment.address() + offset;
    }

    /** Takes a permit if there is one, at once. */
    public boolean tryAcquire() {
        // TODO 05.5 (see hint 05.5)
        throw new UnsupportedOperationException("TODO 05.5: take a permit if the count is positive (see hint 05.5)");
    }

    /**
     * Takes a permit, sleeping in the kernel while there is none.
     *
     * @throws WaitTimeoutException when no permit came within {@code timeout}
     */
    public void acquire(Duration timeout) {
        // TODO 05.5 (see hint 05.5)
        throw new UnsupportedOperationException(
                "TODO 05.5: try, else announce a sleeper and futex-wait while the count is 0 (see hint 05.5)");
    }

    /**
     * Adds {@code permits} permits and wakes as many sleepers.
     *
     * @throws IllegalArgumentException for a count that is not positive
     */
    public void release(int permits) {
        if (permits <= 0) {
            throw new IllegalArgumentException("permits " + permits + " must be positive");
        }
        // TODO 05.5 (see hint 05.5)
        throw new UnsupportedOperationException("TODO 05.5: add the permits, then wake sleepers if there are any (see hint 05.5)");
    }

    /** The permits now (a snapshot). */
    public int availablePermits() {
        return Atomics.getIntVolatile(segment, offset);
    }
}
