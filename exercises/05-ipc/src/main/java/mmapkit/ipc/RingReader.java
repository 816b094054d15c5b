package mmapkit.ipc;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.Objects;

/**
 * The consumer side of a ring ({@link SpscRing} or {@link MpscRing}; layout: {@link RingLayout}).
 * One consumer per ring. It reads records in batches: it follows the lengths from its head, hands
 * each record to a handler, zeroes the bytes it consumed and publishes its new head once per batch,
 * so the producers see one store per batch, not one per record.
 */
public final class RingReader {

    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    private final MemorySegment ring;
    private final MemorySegment records;
    private final long capacity;
    private final long mask;
    private long head;

    /**
     * The consumer side of the ring in {@code ring}, initialised with {@link RingLayout#initialise}.
     * It starts at the head stored in the ring, so a consumer that attaches again goes on where the
     * last one stopped.
     *
     * @throws IllegalArgumentException when the ring is too small, not 8-byte aligned or not initialised
     */
    public RingReader(MemorySegment ring) {
        this.capacity = RingLayout.readCapacity(ring);
        this.ring = ring;
        this.records = ring.asSlice(RingLayout.RECORDS_OFFSET, capacity);
        this.mask = capacity - 1;
        this.head = (long) LONG.getVolatile(ring, RingLayout.HEAD_OFFSET);
    }

    /**
     * Hands up to {@code limit} records to {@code handler}, in the order they were published, and
     * returns at once when there are none. When the handler throws, the records before the failing
     * one are consumed, the failing one is not.
     *
     * <p>A batch covers at most {@code capacity} bytes: it stops at {@code head + capacity} even when
     * the limit is not reached. Beyond that position the indexes are the batch's own bytes again,
     * which are zeroed only at the end of the batch, so their lengths are records already handled.
     *
     * @return how many records it handled (padding records are not counted)
     * @throws IllegalArgumentException for a limit that is not positive
     * @throws IllegalStateException    for a record whose length makes no sense (the ring is corrupt);
     *                                  the message names its position
     */
    public int poll(RecordHandler handler, int limit) {
        return poll((RecordVisitor) handler, limit);
    }

    /**
     * As {@link #poll(RecordHandler, int)}, telling {@code visitor} where each record lies: no object
     * per record.
     */
    public int poll(RecordVisitor visitor, int limit) {
        Objects.requireNonNull(visitor, "visitor");
        if (limit <= 0) {
            throw badLimit(limit);
        }
        // TODO 05.6 (see hint 05.6)
        throw new UnsupportedOperationException(
                "TODO 05.6: follow the lengths from the head, then zero and publish the new head (see hint 05.6)");
    }


    private static IllegalArgumentException badLimit(int limit) {
        return new IllegalArgumentException("limit " + limit + " must be positive");
    }

    /** Bytes consumed, ever (the head). */
    public long position() {
        return head;
    }

    /**
     * Bytes that producers have claimed and this reader has not consumed yet (a snapshot). Non-zero
     * while {@link #poll} finds nothing means a producer claimed room and has not finished writing:
     * it is slow, or it died in the middle.
     */
    public long pendingBytes() {
        return (long) LONG.getVolatile(ring, RingLayout.TAIL_OFFSET) - head;
    }

    /** The ring's capacity in bytes. */
    public long capacity() {
        return capacity;
    }
}
