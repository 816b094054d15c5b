package mmapkit.ipc;


import java.lang.foreign.MemorySegment;
import java.time.Duration;

/**
 * An event for processes that share memory: a 32-bit word, 0 while unset and 1 once set, that any
 * number of processes can wait on, sleeping in the kernel. Setting it wakes them all; it stays set
 * until {@link #reset()}. Good for "the region is ready", "stop now", "a batch is waiting".
 */
public final class FutexEvent {

    /** The bytes it uses at its offset. */
    public static final int BYTES = 4;

    private final MemorySegment segment;
    private final long offset;
    private final long address;

    /**
     * An event on the 4 bytes at {@code offset} (4-byte aligned), zero: not set.
     *
     * @throws IllegalArgumentException when the word is outside the segment or not aligned
     */
    public FutexEvent(MemorySegment segment, long offset) {
        Atomics.requireAligned(segment, offset, BYTES);
        this.segment = segment;
        this.offset = offset;
        this.address = segment.address() + offset;
    }

    /** Sets the event (a release store: what the setter wrote before is seen by the waiters) and wakes every waiter. */
    public void set() {
        // TODO 05.5 (see hint 05.5)
        throw new UnsupportedOperationException("TODO 05.5: set the word, then wake all waiters (see hint 05.5)");
    }

    /** Unsets the event; later waiters wait again. */
    public void reset() {
        Atomics.setIntRelease(segment, offset, 0);
    }

    /** Whether it is set now. */
    public boolean isSet() {
        return Atomics.getIntAcquire(segment, offset) != 0;
    }

    /**
     * Waits until the event is set, sleeping in the kernel.
     *
     * @throws WaitTimeoutException when it is not set within {@code timeout}
     */
    public void await(Duration timeout) {
        // TODO 05.5 (see hint 05.5)
        throw new UnsupportedOperationException("TODO 05.5: futex-wait while the word is 0, until the timeout (see hint 05.5)");
    }
}
