package mmapkit.ipc;


import java.lang.foreign.MemorySegment;
import java.time.Duration;

/**
 * A mutex for processes that share memory, built the way glibc builds {@code pthread_mutex_t}
 * with {@code PTHREAD_PROCESS_SHARED}: a 32-bit word and the {@code futex} system call. Taking a
 * free mutex is one compare-and-set, with no system call; only a process that finds it held sleeps
 * in the kernel, and only an unlock that may have sleepers wakes one.
 *
 * <pre>
 * word  0: free    1: held, nobody sleeps    2: held, someone may sleep
 * </pre>
 *
 * <p>This is "mutex 2" of Ulrich Drepper's <i>Futexes Are Tricky</i>. The word lives in the shared
 * region, so every process that maps it uses the same lock; the futex operations are the shared
 * ones (no {@code FUTEX_PRIVATE_FLAG}), keyed by the page, not by the address. Not reentrant, and not
 * robust: a process that dies holding it leaves it held, and the others time out (glibc's robust
 * mutexes keep a per-thread list the kernel walks at exit, beyond this kit).
 */
public final class FutexMutex {

    /** The bytes it uses at its offset. */
    public static final int BYTES = 4;
    private static final int FREE = 0;
    private static final int HELD = 1;
    private static final int CONTENDED = 2;

    private final MemorySegment segment;
    private final long offset;
    private final long address;

    /**
     * A mutex on the 4 bytes at {@code offset}, 4-byte aligned, zero when free.
     *
     * @throws IllegalArgumentException when the word is outside the segment or not aligned
     */
    public FutexMutex(MemorySegment segment, long offset) {
        Atomics.requireAligned(segment, offset, BYTES);
        this.segment = segment;
        this.offset = offset;
        this.address = segment.address() + offset;
    }

    /**
     * Takes the mutex, sleeping in the kernel while another process holds it.
     *
     * @throws WaitTimeoutException when it is still held after {@code timeout}
     */
    public void lock(Duration timeout) {
        // TODO 05.4 (see hint 05.4)
        throw new UnsupportedOperationException(
                "TODO 05.4: take it with compare-and-set, else mark it contended and sleep (see hint 05.4)");
    }

    /** Takes the mutex if it is free, without waiting. */
    public boolean tryLock() {
        // TODO 05.4 (see hint 05.4)
        throw new UnsupportedOperationException("TODO 05.4: take it if it is free (see hint 05.4)");
    }

    /**
     * Frees the mutex and, if a process may sleep on it, wakes one.
     *
     * @throws IllegalStateException when it is not held, or its word holds no state of a mutex
     */
    public void unlock() {
        // TODO 05.4 (see hint 05.4)
        throw new UnsupportedOperationException("TODO 05.4: free it, and wake one sleeper if it was contended (see hint 05.4)");
    }

    /** Whether some process holds it now (a snapshot). */
    public boolean isLocked() {
        return Atomics.getIntVolatile(segment, offset) != FREE;
    }
}
