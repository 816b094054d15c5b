package mmapkit.ipc;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.time.Duration;

/**
 * A sequence lock: one writer updates a value of several longs, any number of readers read it
 * without ever blocking the writer, and never see it half written. The writer makes the sequence
 * number odd, writes, and makes it even again; a reader reads the sequence, the value, and the
 * sequence again, and retries when it was odd or changed. Used where reads are many and writes must
 * never wait, such as the kernel's clock that {@code clock_gettime} reads without a system call.
 *
 * <pre>
 * offset      size         field
 * 0           8            sequence: even when stable, odd while the writer writes
 * 8           8 * count    the value, count longs
 * </pre>
 */
public final class SeqLock {

    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    private final MemorySegment segment;
    private final long offset;
    private final int count;

    /**
     * A seqlock at {@code offset} (8-byte aligned) over a value of {@code count} longs.
     *
     * @throws IllegalArgumentException for a count that is not positive, or fields outside the
     *                                  segment or not aligned
     */
    public SeqLock(MemorySegment segment, long offset, int count) {
        if (count <= 0) {
            throw new IllegalArgumentException("count " + count + " must be positive");
        }
        Atomics.requireAligned(segment, offset, 8);
        Atomics.requireAligned(segment, offset + 8L * count, 8);
        this.segment = segment;
        this.offset = offset;
        this.count = count;
    }

    /** The bytes a seqlock over {@code count} longs uses. */
    public static long bytes(int count) {
        return 8 + 8L * count;
    }

    /**
     * Writes a new value. Only one process may write (use a lock if there are several writers).
     *
     * @throws IllegalArgumentException when {@code values} does not hold exactly {@code count} longs
     */
    public void write(long... values) {
        if (values.length != count) {
            throw new IllegalArgumentException("values has " + values.length + " longs, the seqlock holds " + count);
        }
        // TODO 05.3 (see hint 05.3)
        throw new UnsupportedOperationException("TODO 05.3: make the sequence odd, write, make it even (see hint 05.3)");
    }

    /**
     * Reads a value that one write wrote entirely, retrying while the writer is busy.
     *
     * @throws WaitTimeoutException when no stable value could be read within {@code timeout}
     *                              (a writer that died half way leaves the sequence odd)
     */
    public long[] read(Duration timeout) {
        // TODO 05.3 (see hint 05.3)
        throw new UnsupportedOperationException("TODO 05.3: read the sequence, the value, the sequence again; retry (see hint 05.3)");
    }

    /** The sequence number now: twice the number of completed writes, plus one while one is under way. */
    public long sequence() {
        return (long) LONG.getVolatile(segment, offset);
    }
}
