package mmapkit.ipc;


import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * Atomic access to aligned 64-bit and 32-bit fields of a memory segment, through {@link VarHandle}s,
 * in the access modes of the Java memory model. On shared memory they order stores and loads between
 * processes exactly as between threads: the hardware does not know the difference.
 *
 * <table>
 * <caption>The access modes, weakest first</caption>
 * <tr><th>mode</th><th>what it promises</th><th>use it for</th></tr>
 * <tr><td>plain</td><td>nothing beyond the thread's own order; may be torn on 32-bit
 *     machines, cached in a register, reordered</td><td>data that another thread reads only after
 *     a release/acquire pair published it</td></tr>
 * <tr><td>opaque</td><td>not torn, not cached: every read goes to memory, and each
 *     field's writes are seen in order; no order with other fields</td><td>counters and flags read
 *     for progress or statistics</td></tr>
 * <tr><td>release / acquire</td><td>a release store publishes every write before it; an acquire
 *     load that sees it also sees them</td><td>publishing data: write the data, then release-store a
 *     flag, length or position; readers acquire-load it, then read the data</td></tr>
 * <tr><td>volatile</td><td>as release/acquire, and all volatile accesses in one total
 *     order</td><td>rarely needed: Dekker-style handshakes where each side writes then reads the
 *     other's field</td></tr>
 * <tr><td>compare-and-set, get-and-add</td><td>read-modify-write as one indivisible step,
 *     volatile order</td><td>locks, claiming space in a queue, shared counters</td></tr>
 * </table>
 *
 * <p>Every method checks that the field is naturally aligned (its address a multiple of its size):
 * the hardware makes only aligned accesses atomic, and the JDK refuses misaligned ones with a less
 * helpful message. The segment must be native memory: a mapping, or an arena's allocation.
 */
public final class Atomics {

    // tag::var-handles[]
    /** A long at (segment, offset); its 8-byte alignment makes the JDK refuse misaligned access. */
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    // end::var-handles[]

    private Atomics() {
    }

    /**
     * Refuses a field of {@code bytes} bytes at {@code offset} that is not inside the segment or not
     * naturally aligned.
     *
     * @throws IllegalArgumentException for a heap segment, a field outside the segment (the message
     *                                  names the offset, as in "offset 4096"), or an address that is not
     *                                  a multiple of {@code bytes} (the message names the offset and says
     *                                  "aligned")
     * @throws IllegalStateException    for a segment of a closed mapping
     */
    public static void requireAligned(MemorySegment segment, long offset, int bytes) {
        // TODO 05.1 (see hint 05.1)
        throw new UnsupportedOperationException("TODO 05.1: refuse a field outside the segment or not aligned (see hint 05.1)");
    }

    /** A plain load: no ordering, may be cached in a register by the compiler. */
    public static long getPlain(MemorySegment segment, long offset) {
        // TODO 05.1 (see hint 05.1)
        throw new UnsupportedOperationException("TODO 05.1: a plain load (see hint 05.1)");
    }

    /** A plain store. */
    public static void setPlain(MemorySegment segment, long offset, long value) {
        // TODO 05.1 (see hint 05.1)
        throw new UnsupportedOperationException("TODO 05.1: a plain store (see hint 05.1)");
    }

    /** An opaque load: from memory every time, never torn, no order with other fields. */
    public static long getOpaque(MemorySegment segment, long offset) {
        // TODO 05.1 (see hint 05.1)
        throw new UnsupportedOperationException("TODO 05.1: an opaque load (see hint 05.1)");
    }

    /** An opaque store. */
    public static void setOpaque(MemorySegment segment, long offset, long value) {
        // TODO 05.1 (see hint 05.1)
        throw new UnsupportedOperationException("TODO 05.1: an opaque store (see hint 05.1)");
    }

    /** An acquire load: the reads after it see every write made before the release store it reads. */
    public static long getAcquire(MemorySegment segment, long offset) {
        // TODO 05.1 (see hint 05.1)
        throw new UnsupportedOperationException("TODO 05.1: an acquire load (see hint 05.1)");
    }

    /** A release store: publishes every write this thread made before it. */
    public static void setRelease(MemorySegment segment, long offset, long value) {
        // TODO 05.1 (see hint 05.1)
        throw new UnsupportedOperationException("TODO 05.1: a release store (see hint 05.1)");
    }

    /** A volatile load. */
    public static long getVolatile(MemorySegment segment, long offset) {
        // TODO 05.1 (see hint 05.1)
        throw new UnsupportedOperationException("TODO 05.1: a volatile load (see hint 05.1)");
    }

    /** A volatile store. */
    public static void setVolatile(MemorySegment segment, long offset, long value) {
        // TODO 05.1 (see hint 05.1)
        throw new UnsupportedOperationException("TODO 05.1: a volatile store (see hint 05.1)");
    }

    /** Sets the field to {@code value} if it holds {@code expected}, as one step. */
    public static boolean compareAndSet(MemorySegment segment, long offset, long expected, long value) {
        // TODO 05.1 (see hint 05.1)
        throw new UnsupportedOperationException("TODO 05.1: compare-and-set (see hint 05.1)");
    }

    /** Adds {@code delta} as one step and returns the value before. */
    public static long getAndAdd(MemorySegment segment, long offset, long delta) {
        // TODO 05.1 (see hint 05.1)
        throw new UnsupportedOperationException("TODO 05.1: get-and-add (see hint 05.1)");
    }

    /** A volatile load of a 32-bit field (such as a futex word). */
    public static int getIntVolatile(MemorySegment segment, long offset) {
        // TODO 05.1 (see hint 05.1)
        throw new UnsupportedOperationException("TODO 05.1: a volatile load of an int (see hint 05.1)");
    }

    /** An acquire load of a 32-bit field. */
    public static int getIntAcquire(MemorySegment segment, long offset) {
        // TODO 05.1 (see hint 05.1)
        throw new UnsupportedOperationException("TODO 05.1: an acquire load of an int (see hint 05.1)");
    }

    /** A release store of a 32-bit field. */
    public static void setIntRelease(MemorySegment segment, long offset, int value) {
        // TODO 05.1 (see hint 05.1)
        throw new UnsupportedOperationException("TODO 05.1: a release store of an int (see hint 05.1)");
    }

    /** Compare-and-set of a 32-bit field. */
    public static boolean compareAndSetInt(MemorySegment segment, long offset, int expected, int value) {
        // TODO 05.1 (see hint 05.1)
        throw new UnsupportedOperationException("TODO 05.1: compare-and-set of an int (see hint 05.1)");
    }

    /** Swaps in {@code value} as one step and returns the value before (32-bit). */
    public static int getAndSetInt(MemorySegment segment, long offset, int value) {
        // TODO 05.1 (see hint 05.1)
        throw new UnsupportedOperationException("TODO 05.1: get-and-set of an int (see hint 05.1)");
    }

    /** Adds {@code delta} as one step and returns the value before (32-bit). */
    public static int getAndAddInt(MemorySegment segment, long offset, int delta) {
        // TODO 05.1 (see hint 05.1)
        throw new UnsupportedOperationException("TODO 05.1: get-and-add of an int (see hint 05.1)");
    }
}
