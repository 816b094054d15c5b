package mmapkit.ipc;

import mmapkit.course.TimeBudget;

import mmapkit.ipc.process.RingProducer;
import mmapkit.mapping.process.ChildJvm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;

/** What the ring tests share: rings in native memory, a look at their bytes, and a checking consumer. */
final class Rings {

    private Rings() {
    }

    /** A zeroed, initialised ring of {@code capacity} bytes of records in {@code arena}. */
    static MemorySegment ring(Arena arena, long capacity) {
        MemorySegment ring = arena.allocate(RingLayout.bytes(capacity), 128);
        RingLayout.initialise(ring, capacity);
        return ring;
    }

    /** The length field of the record at {@code index} of the record area. */
    static int length(MemorySegment ring, long index) {
        return ring.get(ValueLayout.JAVA_INT, RingLayout.RECORDS_OFFSET + index);
    }

    /** The type field of the record at {@code index} of the record area. */
    static int type(MemorySegment ring, long index) {
        return ring.get(ValueLayout.JAVA_INT, RingLayout.RECORDS_OFFSET + index + 4);
    }

    static long tail(MemorySegment ring) {
        return ring.get(ValueLayout.JAVA_LONG, RingLayout.TAIL_OFFSET);
    }

    static long head(MemorySegment ring) {
        return ring.get(ValueLayout.JAVA_LONG, RingLayout.HEAD_OFFSET);
    }

    /** The record area's bytes. */
    static byte[] records(MemorySegment ring) {
        return ring.asSlice(RingLayout.RECORDS_OFFSET).toArray(ValueLayout.JAVA_BYTE);
    }

    /** A payload of {@code size} bytes, each derived from {@code seed}. */
    static byte[] payload(int size, int seed) {
        byte[] payload = new byte[size];
        for (int i = 0; i < size; i++) {
            payload[i] = (byte) (seed * 13 + i + 1);
        }
        return payload;
    }

    /**
     * A consumer that checks every record with {@link RingProducer#check}: its checksum, and that each
     * producer's sequence numbers come 0, 1, 2, ... with nothing lost, repeated or reordered.
     */
    static final class Checker implements RecordHandler {

        private final long[] next;
        private long total;

        /** For producers with ids 0 to {@code producers - 1}. */
        Checker(int producers) {
            this.next = new long[producers];
        }

        @Override
        public void onRecord(int type, MemorySegment payload) {
            long[] idAndSeq;
            try {
                idAndSeq = RingProducer.check(type, payload);
            } catch (IllegalStateException e) {
                throw new AssertionError("record " + total + " received (type " + type + ", " + payload.byteSize()
                        + " bytes) is corrupt: " + e.getMessage() + ". " + (next.length > 1 ? "With several producers, first"
                        + " suspect that two producers claimed the same bytes (claim with compare-and-set on the tail). "
                        : "") + "A consumer that reads a record before its length"
                        + " is published (release store by the producer, acquire load here), or a producer that writes"
                        + " over bytes the consumer has not released, or a consumer that did not zero what it consumed"
                        + " (stale bytes of the last lap), gives such records", e);
            }
            int id = (int) idAndSeq[0];
            long seq = idAndSeq[1];
            if (id < 0 || id >= next.length) {
                throw new AssertionError("record " + total + " comes from producer " + id + "; producers are 0.."
                        + (next.length - 1));
            }
            if (seq != next[id]) {
                throw new AssertionError("record " + total + ": producer " + id + " sent record " + seq + " where record "
                        + next[id] + " was due: " + (seq > next[id] ? (seq - next[id]) + " record(s) lost"
                        : "a record repeated or out of order; an old record at a lap boundary: did the batch run past"
                        + " head + capacity, or skip zeroing?"));
            }
            next[id]++;
            total++;
        }

        long total() {
            return total;
        }

        /** Records received from producer {@code id}. */
        long from(int id) {
            return next[id];
        }

        @Override
        public String toString() {
            return total + " records, per producer " + Arrays.toString(next);
        }
    }

    /**
     * Polls {@code reader} until {@code checker} has {@code expected} records, the producers are done
     * and the ring is empty, or {@code budget} passed, or records stopped coming for {@link #STALL} once
     * the first had arrived (a stuck stream fails in seconds, while a slow start still has the whole
     * budget); yields the core when it finds nothing, so that a producer on the same core can run.
     */
    static void drain(RingReader reader, Checker checker, long expected, BooleanSupplier producersDone, Duration budget) {
        long until = System.nanoTime() + budget.toNanos();
        long lastProgress = System.nanoTime();
        int idle = 0;
        while (checker.total() < expected && System.nanoTime() < until) {
            if (reader.poll(checker, 4096) > 0) {  // not a page size: the most records one poll takes
                idle = 0;
                lastProgress = System.nanoTime();
                continue;
            }
            idle++;
            if ((idle & 255) == 0 && checker.total() > 0 && System.nanoTime() - lastProgress > STALL.toNanos()) {
                return;
            }
            if ((idle & 255) == 0 && producersDone.getAsBoolean()
                    && reader.poll(checker, 4096) == 0) {  // not a page size: the most records one poll takes
                return;
            }
            if (idle > 64) {
                Thread.yield();
            } else {
                Thread.onSpinWait();
            }
        }
    }

    /** How long {@link #drain} waits for the next record once records came: far longer than any pause of a healthy producer. */
    static final Duration STALL = TimeBudget.scaled(Duration.ofSeconds(5));

    /** Whether none of the children runs any more. */
    static boolean allExited(List<ChildJvm> children) {
        return children.stream().noneMatch(ChildJvm::isAlive);
    }
}
