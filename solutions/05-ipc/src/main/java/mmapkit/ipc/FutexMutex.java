package mmapkit.ipc;

import mmapkit.ipc.natives.FutexCalls;

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
        // SOLUTION-BEGIN 05.4
        if (Atomics.compareAndSetInt(segment, offset, FREE, HELD)) {
            return;                                          // fast path: free, taken, no system call
        }
        Deadline deadline = Deadline.after(timeout);
        int seen = Atomics.getAndSetInt(segment, offset, CONTENDED);
        while (seen != FREE) {                               // it was held: we now sleep until it may be free
            long left = deadline.remainingNanos();
            if (left == 0) {
                throw new WaitTimeoutException("taking the futex mutex at offset " + offset, timeout);
            }
            FutexCalls.futexWait(address, CONTENDED, left);  // returns at once if the word is no longer 2
            seen = Atomics.getAndSetInt(segment, offset, CONTENDED);
        }
        // SOLUTION-STUB
        // throw new UnsupportedOperationException(
        //         "TODO 05.4: take it with compare-and-set, else mark it contended and sleep (see hint 05.4)");
        // SOLUTION-END
    }

    /** Takes the mutex if it is free, without waiting. */
    public boolean tryLock() {
        // SOLUTION-BEGIN 05.4
        return Atomics.compareAndSetInt(segment, offset, FREE, HELD);
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 05.4: take it if it is free (see hint 05.4)");
        // SOLUTION-END
    }

    /**
     * Frees the mutex and, if a process may sleep on it, wakes one.
     *
     * @throws IllegalStateException when it is not held, or its word holds no state of a mutex
     */
    public void unlock() {
        // SOLUTION-BEGIN 05.4
        while (true) {                                           // refuse before changing anything
            int word = Atomics.getIntVolatile(segment, offset);
            if (word == FREE) {
                throw new IllegalStateException("futex mutex at offset " + offset + " is not held");
            }
            if (word == HELD && Atomics.compareAndSetInt(segment, offset, HELD, FREE)) {
                return;                                          // nobody sleeps: no system call
            }
            if (word == CONTENDED && Atomics.compareAndSetInt(segment, offset, CONTENDED, FREE)) {
                FutexCalls.futexWake(address, 1);                // someone may sleep: wake one
                return;
            }
            if (word != HELD && word != CONTENDED) {             // no state of a mutex: retrying would spin forever
                throw new IllegalStateException("futex mutex word at offset " + offset + " holds " + word
                        + ", which is none of 0 (free), 1 (held) and 2 (held, contended): this memory is not a"
                        + " FutexMutex, or it was overwritten");
            }
        }
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 05.4: free it, and wake one sleeper if it was contended (see hint 05.4)");
        // SOLUTION-END
    }

    /** Whether some process holds it now (a snapshot). */
    public boolean isLocked() {
        return Atomics.getIntVolatile(segment, offset) != FREE;
    }
}
