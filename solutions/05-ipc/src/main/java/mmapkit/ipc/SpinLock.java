package mmapkit.ipc;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * A lock that waits by spinning: a 32-bit word in shared memory, 0 when free and 1 when held,
 * taken with compare-and-set. Cheap when it is held for a few instructions and the holder runs on
 * another core; wasteful when the holder is descheduled, which is why it backs off: it spins with
 * {@link Thread#onSpinWait()} first, then yields the core, then sleeps for growing intervals.
 *
 * {@snippet :
 * SpinLock lock = new SpinLock(region.data(), 0);   // 4 bytes at offset 0, zero: free
 * lock.lock(Duration.ofSeconds(1));
 * try { ... } finally { lock.unlock(); }
 * }
 *
 * <p>Not reentrant, not fair, no owner: a process that dies holding it leaves it held.
 */
public final class SpinLock {

    /** The bytes it uses at its offset. */
    public static final int BYTES = 4;
    private static final int SPINS = 100;
    private static final int YIELDS = 10;
    private static final long MAX_SLEEP_NANOS = 1_000_000;

    private final MemorySegment segment;
    private final long offset;

    /**
     * A spin lock on the 4 bytes at {@code offset}, which must be 4-byte aligned and hold 0 (free)
     * or 1 (held).
     *
     * @throws IllegalArgumentException when the word is outside the segment or not aligned
     */
    public SpinLock(MemorySegment segment, long offset) {
        Atomics.requireAligned(segment, offset, BYTES);
        this.segment = segment;
        this.offset = offset;
    }

    /** Takes the lock if it is free, at once. */
    public boolean tryLock() {
        // SOLUTION-BEGIN 05.3
        return Atomics.getIntVolatile(segment, offset) == 0 && Atomics.compareAndSetInt(segment, offset, 0, 1);
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 05.3: take the lock if it is free (see hint 05.3)");
        // SOLUTION-END
    }

    /**
     * Takes the lock, spinning, then yielding, then sleeping between attempts.
     *
     * @throws WaitTimeoutException when it is still held after {@code timeout}
     */
    public void lock(Duration timeout) {
        // SOLUTION-BEGIN 05.3
        Deadline deadline = Deadline.after(timeout);
        long sleep = 1_000;
        for (int attempt = 0; !tryLock(); attempt++) {
            if (deadline.passed()) {
                throw new WaitTimeoutException("taking the spin lock at offset " + offset, timeout);
            }
            if (attempt < SPINS) {
                Thread.onSpinWait();
            } else if (attempt < SPINS + YIELDS) {
                Thread.yield();
            } else {
                LockSupport.parkNanos(sleep);
                sleep = Math.min(2 * sleep, MAX_SLEEP_NANOS);
            }
        }
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 05.3: try, and back off between tries, until the timeout (see hint 05.3)");
        // SOLUTION-END
    }

    /**
     * Frees the lock (a compare-and-set, which orders like a release store: the next holder sees
     * everything written under it).
     *
     * @throws IllegalStateException when the lock is not held
     */
    public void unlock() {
        // SOLUTION-BEGIN 05.3
        if (!Atomics.compareAndSetInt(segment, offset, 1, 0)) { // one step: check and free
            throw new IllegalStateException("spin lock at offset " + offset + " is not held");
        }
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 05.3: free the lock (see hint 05.3)");
        // SOLUTION-END
    }

    /** Whether some process holds it now (a snapshot). */
    public boolean isLocked() {
        return Atomics.getIntVolatile(segment, offset) != 0;
    }
}
