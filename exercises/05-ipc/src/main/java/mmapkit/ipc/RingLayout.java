package mmapkit.ipc;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The byte layout of the kit's ring buffers ({@link SpscRing}, {@link MpscRing}) in shared memory,
 * so that a program in another language can use them. All fields are little-endian (x86-64, arm64).
 *
 * <pre>
 * offset          size       field
 * 0               8          tail: bytes producers have claimed, ever (a 64-bit count that never wraps)
 * 128             8          head: bytes the consumer has consumed, ever
 * 256             128        producer heartbeat ({@link Heartbeat}): pid, last beat
 * 384             8          capacity of the record area, a power of two
 * 512             capacity   records
 *
 * record at index i = position % capacity (a multiple of 8)
 * 0               4          length: header and payload, in bytes; 0 while not yet written
 * 4               4          type: 0 or more from the producer; -1 for padding
 * 8               length-8   payload
 *                            zeros up to the next multiple of 8
 * </pre>
 *
 * <p>Tail, head and heartbeat each sit alone on 128 bytes (two cache lines: Intel's adjacent-line
 * prefetcher fetches pairs), so that the producer's stores to the tail never invalidate the cache
 * line the consumer's head is in (false sharing). A record never wraps around the end: a producer
 * that finds too little room before the end fills it with a padding record and starts at index 0.
 * The producer writes the type and the payload first and the length last, with a release store;
 * the consumer reads the length with an acquire load, so a length it sees is a record complete. It
 * zeroes what it consumed before it publishes the new head, so every record area a producer claims
 * reads zero.
 */
public final class RingLayout {

    public static final long TAIL_OFFSET = 0;
    public static final long HEAD_OFFSET = 128;
    public static final long HEARTBEAT_OFFSET = 256;
    public static final long CAPACITY_OFFSET = 384;
    public static final long RECORDS_OFFSET = 512;
    /** Where a record's length lies, from the record's index. */
    public static final int RECORD_LENGTH_OFFSET = 0;
    /** Where a record's type lies, from the record's index. */
    public static final int RECORD_TYPE_OFFSET = 4;
    /** Where a record's payload begins, from the record's index: right after the header. */
    public static final int RECORD_PAYLOAD_OFFSET = 8;
    public static final int HEADER_SIZE = RECORD_PAYLOAD_OFFSET;
    public static final int ALIGNMENT = 8;
    public static final int PADDING_TYPE = -1;
    /** The smallest capacity: 1 KiB. */
    public static final long MIN_CAPACITY = 1024;

    private RingLayout() {
    }

    /** The bytes a ring with {@code capacity} bytes of records takes. */
    public static long bytes(long capacity) {
        requireCapacity(capacity);
        return RECORDS_OFFSET + capacity;
    }

    /** Writes the capacity into a zeroed ring area: what the region's creator does before publishing it. */
    public static void initialise(MemorySegment ring, long capacity) {
        requireCapacity(capacity);
        if (ring.byteSize() < bytes(capacity)) {
            throw new IllegalArgumentException("ring of " + ring.byteSize() + " bytes is too small for capacity "
                    + capacity + ": it needs " + bytes(capacity));
        }
        ring.set(ValueLayout.JAVA_LONG, CAPACITY_OFFSET, capacity);
    }

    // tag::record-size[]
    /** The largest payload a ring of this capacity takes: an eighth of it, less the header. */
    public static int maxPayload(long capacity) {
        return (int) Math.min(Integer.MAX_VALUE - 16, capacity / 8 - HEADER_SIZE);
    }

    /** The bytes a record with {@code payload} bytes takes: header, payload, padding to 8. */
    public static int recordSize(int payload) {
        return (HEADER_SIZE + payload + ALIGNMENT - 1) & -ALIGNMENT;
    }
    // end::record-size[]

    /** Refuses what no ring of this capacity takes: a negative type, a payload over {@link #maxPayload}. */
    static void requireRecord(int type, MemorySegment payload, long capacity) {
        java.util.Objects.requireNonNull(payload, "payload");
        if (type < 0) {
            throw new IllegalArgumentException("type " + type + " must not be negative (negative types are the ring's own)");
        }
        if (payload.byteSize() > maxPayload(capacity)) {
            throw new IllegalArgumentException("payload of " + payload.byteSize() + " bytes is larger than "
                    + maxPayload(capacity) + ", the largest this ring of " + capacity + " bytes takes");
        }
    }

    static long requireCapacity(long capacity) {
        if (capacity < MIN_CAPACITY || Long.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity " + capacity + " must be a power of two, at least " + MIN_CAPACITY);
        }
        return capacity;
    }

    /** The capacity stored in a ring area, checked against its size. */
    static long readCapacity(MemorySegment ring) {
        if (ring.byteSize() < RECORDS_OFFSET + MIN_CAPACITY) {
            throw new IllegalArgumentException("ring of " + ring.byteSize() + " bytes is smaller than the smallest ring ("
                    + (RECORDS_OFFSET + MIN_CAPACITY) + " bytes)");
        }
        Atomics.requireAligned(ring, TAIL_OFFSET, 8);
        long capacity = ring.get(ValueLayout.JAVA_LONG, CAPACITY_OFFSET);
        if (capacity < MIN_CAPACITY || Long.bitCount(capacity) != 1 || capacity > ring.byteSize() - RECORDS_OFFSET) {
            throw new IllegalArgumentException("ring holds capacity " + capacity + ", which is not a power of two of at least "
                    + MIN_CAPACITY + " that fits in its " + ring.byteSize() + " bytes: initialise it with RingLayout.initialise");
        }
        return capacity;
    }
}
