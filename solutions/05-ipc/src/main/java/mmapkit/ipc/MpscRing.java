package mmapkit.ipc;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.Objects;

/**
 * The producer side of a many-producer single-consumer ring (layout: {@link RingLayout}; consumer:
 * {@link RingReader}): any number of threads, in any number of processes, may offer at once. Each
 * claims room by moving the shared tail forward with compare-and-set, then writes its record into
 * the room it claimed, length last. Records of one producer stay in its order; records of different
 * producers interleave in the order they claimed room.
 *
 * <p>A producer that claimed room and died before publishing the length leaves a gap the consumer
 * cannot pass: {@link RingReader#pendingBytes()} stays above zero while nothing arrives. That is the
 * price of a lock-free claim; a heartbeat per producer tells such a dead producer from a slow one.
 */
public final class MpscRing {

    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    private final MemorySegment ring;
    private final MemorySegment records;
    private final long capacity;
    private final long mask;

    /**
     * The producer side of the ring in {@code ring}, initialised with {@link RingLayout#initialise}.
     * One instance may be shared by the threads of a process.
     *
     * @throws IllegalArgumentException when the ring is too small, not 8-byte aligned or not initialised
     */
    public MpscRing(MemorySegment ring) {
        this.capacity = RingLayout.readCapacity(ring);
        this.ring = ring;
        this.records = ring.asSlice(RingLayout.RECORDS_OFFSET, capacity);
        this.mask = capacity - 1;
    }

    /** {@link #offer(int, MemorySegment)} of an array. */
    public boolean offer(int type, byte[] payload) {
        Objects.requireNonNull(payload, "payload");
        return offer(type, MemorySegment.ofArray(payload));
    }

    /**
     * Appends a record, if there is room; safe to call from many threads and processes at once.
     *
     * @param type    0 or more
     * @param payload at most {@link RingLayout#maxPayload} bytes
     * @return false when the ring is full; nothing is claimed or written then
     * @throws IllegalArgumentException for a negative type or a payload too large
     */
    public boolean offer(int type, MemorySegment payload) {
        RingLayout.requireRecord(type, payload, capacity);
        // SOLUTION-BEGIN 05.7
        int length = RingLayout.HEADER_SIZE + (int) payload.byteSize();
        int size = RingLayout.recordSize((int) payload.byteSize());
        long tail;
        long index;
        long toEnd;
        while (true) {
            tail = (long) LONG.getVolatile(ring, RingLayout.TAIL_OFFSET);
            index = tail & mask;
            toEnd = capacity - index;
            long needed = size <= toEnd ? size : toEnd + size;
            long head = (long) LONG.getAcquire(ring, RingLayout.HEAD_OFFSET);
            if (tail + needed - head > capacity) {
                return false;
            }
            if (LONG.compareAndSet(ring, RingLayout.TAIL_OFFSET, tail, tail + needed)) {
                break;                                           // the room [tail, tail + needed) is ours
            }
        }
        if (size > toEnd) {
            INT.set(records, index + RingLayout.RECORD_TYPE_OFFSET, RingLayout.PADDING_TYPE);
            INT.setRelease(records, index + RingLayout.RECORD_LENGTH_OFFSET, (int) toEnd);
            index = 0;
        }
        INT.set(records, index + RingLayout.RECORD_TYPE_OFFSET, type);
        MemorySegment.copy(payload, 0, records, index + RingLayout.RECORD_PAYLOAD_OFFSET, payload.byteSize());
        INT.setRelease(records, index + RingLayout.RECORD_LENGTH_OFFSET, length);
        return true;
        // SOLUTION-STUB
        // throw new UnsupportedOperationException(
        //         "TODO 05.7: claim room with compare-and-set on the tail, then write as the SPSC ring does (see hint 05.7)");
        // SOLUTION-END
    }

    /** The ring's capacity in bytes. */
    public long capacity() {
        return capacity;
    }
}
