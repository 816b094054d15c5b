package mmapkit.ipc;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.Objects;

/**
 * The producer side of a single-producer single-consumer ring of variable-length records in shared
 * memory (layout: {@link RingLayout}; the consumer side: {@link RingReader}). Exactly one producer,
 * in one thread of one process, may offer into a ring at a time; for several, use {@link MpscRing}.
 *
 * {@snippet :
 * // producer process                               // consumer process
 * SpscRing ring = new SpscRing(region.data());     RingReader reader = new RingReader(region.data());
 * ring.offer(1, payload);                          reader.poll((type, bytes) -> ..., 100);
 * }
 *
 * <p>With one producer the tail needs no atomic update: the producer keeps it in a field, and
 * stores it to shared memory only for others to look at. It also keeps the last head it read, and
 * reads the consumer's cache line again only when that old head says the ring is full.
 */
public final class SpscRing {

    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    private final MemorySegment ring;
    private final MemorySegment records;
    private final long capacity;
    private final long mask;
    /** The producer's own copy of the tail: only this producer changes it. */
    private long tail;
    /** The head as last read: the consumer is at least this far, so the room it leaves is at least this. */
    private long headCache;

    /**
     * The producer side of the ring in {@code ring}, initialised with {@link RingLayout#initialise}.
     *
     * @throws IllegalArgumentException when the ring is too small, not 8-byte aligned or not initialised
     */
    public SpscRing(MemorySegment ring) {
        this.capacity = RingLayout.readCapacity(ring);
        this.ring = ring;
        this.records = ring.asSlice(RingLayout.RECORDS_OFFSET, capacity);
        this.mask = capacity - 1;
        this.tail = (long) LONG.getVolatile(ring, RingLayout.TAIL_OFFSET);
        this.headCache = (long) LONG.getVolatile(ring, RingLayout.HEAD_OFFSET);
    }

    /** {@link #offer(int, MemorySegment)} of an array. */
    public boolean offer(int type, byte[] payload) {
        Objects.requireNonNull(payload, "payload");
        return offer(type, MemorySegment.ofArray(payload));
    }

    /**
     * Appends a record, if there is room.
     *
     * @param type    0 or more; the consumer gets it back with the payload
     * @param payload at most {@link RingLayout#maxPayload} bytes
     * @return false when the ring is full (the consumer is behind); nothing is written then
     * @throws IllegalArgumentException for a negative type or a payload too large (the message names
     *                                  its size and the limit)
     */
    public boolean offer(int type, MemorySegment payload) {
        RingLayout.requireRecord(type, payload, capacity);
        // TODO 05.6 (see hint 05.6)
        throw new UnsupportedOperationException(
                "TODO 05.6: find room, pad at the end if needed, write, publish the length last (see hint 05.6)");
    }

    /** Bytes this producer has written, ever (its tail). */
    public long position() {
        return tail;
    }

    /** The ring's capacity in bytes. */
    public long capacity() {
        return capacity;
    }
}
