package mmapkit.ipc;

import static mmapkit.ipc.Rings.head;
import static mmapkit.ipc.Rings.length;
import static mmapkit.ipc.Rings.payload;
import static mmapkit.ipc.Rings.records;
import static mmapkit.ipc.Rings.tail;
import static mmapkit.ipc.Rings.type;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import mmapkit.course.Task;
import mmapkit.course.TimeBudget;
import mmapkit.ipc.process.RingProducer;
import mmapkit.mapping.process.ChildJvm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Future;

@Task(id = "05.6", points = 20, title = "A single-producer ring buffer")
class SpscRingTest {

    private static final long CAPACITY = 1024;

    private final IpcFixture fixture = IpcFixture.withOneThread();
    private final MemorySegment ring = Rings.ring(fixture.arena(), CAPACITY);

    @AfterEach
    void cleanUp() throws InterruptedException {
        fixture.close();
    }

    /** A record as a handler saw it (the payload copied: it is valid only during the call). */
    record Received(int type, byte[] payload) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Received that && type == that.type && Arrays.equals(payload, that.payload);
        }

        @Override
        public int hashCode() {
            return 31 * type + Arrays.hashCode(payload);
        }

        @Override
        public String toString() {
            return "type " + type + ", " + Arrays.toString(payload);
        }
    }

    private static RecordHandler into(List<Received> received) {
        return (type, payload) -> received.add(new Received(type, payload.toArray(ValueLayout.JAVA_BYTE)));
    }

    @Test
    void offeredRecordsComeOutInOrderWithTheirTypeAndPayload() {
        SpscRing producer = new SpscRing(ring);
        RingReader consumer = new RingReader(ring);
        for (int i = 0; i < 10; i++) {
            assertThat(producer.offer(i * 3, payload(i * 5, i))).as("offer %d into an empty ring of %d bytes", i, CAPACITY)
                    .isTrue();
        }
        List<Received> received = new ArrayList<>();
        assertThat(consumer.poll(into(received), 100)).as("poll returns how many records it handed over").isEqualTo(10);
        assertThat(received).as("the records, in the order offered, each with its type and payload (0, 5, ..., 45 bytes)")
                .hasSize(10);
        for (int i = 0; i < 10; i++) {
            assertThat(received.get(i).type()).as("type of record %d", i).isEqualTo(i * 3);
            assertThat(received.get(i).payload()).as("payload of record %d", i).isEqualTo(payload(i * 5, i));
        }
        assertThat(consumer.poll(into(received), 100)).as("nothing more: poll returns 0 at once").isZero();
        assertThat(consumer.position()).as("the consumer's position is the producer's").isEqualTo(producer.position());
    }

    @Test
    void aRecordIsLaidOutAsRingLayoutSays() {
        SpscRing producer = new SpscRing(ring);
        assertThat(producer.offer(7, new byte[] {1, 2, 3, 4, 5})).isTrue();
        assertThat(length(ring, 0)).as("record 0, bytes 0..3: the length, header (8) and payload (5)").isEqualTo(13);
        assertThat(type(ring, 0)).as("bytes 4..7: the type").isEqualTo(7);
        byte[] bytes = records(ring);
        assertThat(Arrays.copyOfRange(bytes, 8, 13)).as("bytes 8..12: the payload").containsExactly(1, 2, 3, 4, 5);
        assertThat(Arrays.copyOfRange(bytes, 13, 16)).as("bytes 13..15: zeros up to the next multiple of 8").containsOnly(0);
        assertThat(producer.position()).as("13 bytes, padded to 16").isEqualTo(16);

        assertThat(producer.offer(0, new byte[0])).isTrue();
        assertThat(length(ring, 16)).as("the next record starts at 16; an empty payload still has its 8-byte header")
                .isEqualTo(8);
        assertThat(type(ring, 16)).isZero();
        assertThat(producer.position()).isEqualTo(24);
        assertThat(tail(ring)).as("the tail in shared memory (RingLayout.TAIL_OFFSET) follows the producer").isEqualTo(24);
        assertThat(head(ring)).as("nobody consumed: the head is 0").isZero();
        assertThat(Arrays.copyOfRange(records(ring), 24, (int) CAPACITY)).as("the rest of the ring is untouched")
                .containsOnly(0);
    }

    @Test
    void aRecordThatDoesNotFitBeforeTheEndIsPaddedAndStartsAtZero() {
        SpscRing producer = new SpscRing(ring);
        RingReader consumer = new RingReader(ring);
        for (int i = 0; i < 63; i++) {
            assertThat(producer.offer(1, payload(8, i))).isTrue(); // 63 x 16 bytes
        }
        assertThat(consumer.poll((type, payload) -> { }, 100)).isEqualTo(63);
        assertThat(producer.position()).isEqualTo(1008);

        assertThat(producer.offer(5, payload(24, 5))).as("a record of 32 bytes at index 1008, 16 bytes before the end:"
                + " there is room (the consumer freed the start)").isTrue();
        assertThat(length(ring, 1008)).as("the 16 bytes at the end: a padding record as long as what is left").isEqualTo(16);
        assertThat(type(ring, 1008)).as("of type RingLayout.PADDING_TYPE").isEqualTo(RingLayout.PADDING_TYPE);
        assertThat(length(ring, 0)).as("the record itself, whole, at index 0: a record never wraps").isEqualTo(32);
        assertThat(type(ring, 0)).isEqualTo(5);
        assertThat(Arrays.copyOfRange(records(ring), 8, 32)).isEqualTo(payload(24, 5));
        assertThat(producer.position()).as("1008 + 16 of padding + 32: positions count every byte, padding included")
                .isEqualTo(1056);
        assertThat(consumer.pendingBytes()).as("the tail in shared memory says so too").isEqualTo(48);

        List<Received> received = new ArrayList<>();
        assertThat(consumer.poll(into(received), 100)).as("poll hands over the record, not the padding; more than 1"
                + " means stale records from the last lap were read again: consumed bytes must be zeroed before the head"
                + " is published").isEqualTo(1);
        assertThat(received).as("the padding is skipped silently").containsExactly(new Received(5, payload(24, 5)));
        assertThat(consumer.position()).as("past the padding and the record").isEqualTo(1056);
        assertThat(head(ring)).as("the head published in shared memory").isEqualTo(1056);
    }

    @Test
    void aFullRingRefusesARecordAndWritesNothing() {
        SpscRing producer = new SpscRing(ring);
        RingReader consumer = new RingReader(ring);
        int accepted = 0;
        while (accepted < 1000 && producer.offer(2, payload(8, accepted))) {
            accepted++;
        }
        assertThat(accepted).as("a ring of %d bytes holds %d records of 16 bytes: positions are 64-bit counts that never"
                + " wrap, so a full ring (tail - head == capacity) needs no spare slot to tell it from an empty one",
                CAPACITY, CAPACITY / 16).isEqualTo(64);
        byte[] full = records(ring);
        long tail = tail(ring);
        assertThat(producer.offer(2, payload(8, 99))).as("offer into a full ring").isFalse();
        assertThat(records(ring)).as("a refused offer writes nothing: the consumer has not read those bytes yet")
                .isEqualTo(full);
        assertThat(tail(ring)).isEqualTo(tail);
        assertThat(producer.position()).isEqualTo(1024);

        assertThat(consumer.poll((type, payload) -> { }, 1)).isEqualTo(1);
        assertThat(producer.offer(2, payload(8, 64))).as("once the consumer freed one record's bytes").isTrue();
        assertThat(producer.offer(2, payload(8, 65))).as("but no more").isFalse();
    }

    @Test
    void aRecordThatNeedsPaddingIsRefusedWholeWhenThereIsRoomOnlyForThePadding() {
        SpscRing producer = new SpscRing(ring);
        RingReader consumer = new RingReader(ring);
        for (int i = 0; i < 62; i++) {
            assertThat(producer.offer(1, payload(8, i))).isTrue(); // tail 992: 32 bytes before the end
        }
        assertThat(consumer.poll((type, payload) -> { }, 1)).isEqualTo(1); // head 16: 48 bytes free in all
        byte[] before = records(ring);
        assertThat(producer.offer(3, payload(40, 3))).as("a record of 48 bytes at 992 needs 32 bytes of padding and 48"
                + " at index 0, 80 in all; only 48 are free").isFalse();
        assertThat(records(ring)).as("and no padding record was written either: a refused offer writes nothing")
                .isEqualTo(before);
        assertThat(producer.position()).isEqualTo(992);

        assertThat(consumer.poll((type, payload) -> { }, 2)).isEqualTo(2); // head 48: 80 bytes free
        assertThat(producer.offer(3, payload(40, 3))).as("with 80 bytes free").isTrue();
        assertThat(length(ring, 992)).as("padding at the end").isEqualTo(32);
        assertThat(type(ring, 992)).isEqualTo(RingLayout.PADDING_TYPE);
        assertThat(length(ring, 0)).as("the record at 0").isEqualTo(48);
        assertThat(producer.position()).isEqualTo(992 + 32 + 48);
    }

    @Test
    void theLargestPayloadFitsAndLargerOnesOrNegativeTypesAreRefused() {
        SpscRing producer = new SpscRing(ring);
        int max = RingLayout.maxPayload(CAPACITY);
        assertThat(producer.offer(1, payload(max, 1))).as("a payload of RingLayout.maxPayload = %d bytes", max).isTrue();
        assertThat(length(ring, 0)).isEqualTo(RingLayout.HEADER_SIZE + max);
        byte[] before = records(ring);
        assertThatThrownBy(() -> producer.offer(1, payload(max + 1, 1)), "a payload of %d bytes", max + 1)
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(String.valueOf(max + 1))
                .hasMessageContaining(String.valueOf(max));
        assertThatThrownBy(() -> producer.offer(-1, new byte[8]), "type -1 is the padding's, and negative types are"
                + " the ring's own").isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
        assertThat(records(ring)).as("refused offers write nothing").isEqualTo(before);
        assertThat(producer.offer(Integer.MAX_VALUE, new byte[0])).as("any type from 0 up is the producer's").isTrue();
        assertThat(type(ring, 128)).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void pollHandsOverAtMostLimitRecordsAndPublishesTheHeadOncePerBatch() {
        SpscRing producer = new SpscRing(ring);
        RingReader consumer = new RingReader(ring);
        for (int i = 0; i < 10; i++) {
            assertThat(producer.offer(i, payload(8, i))).isTrue();
        }
        List<Long> headsSeen = new ArrayList<>();
        List<Integer> types = new ArrayList<>();
        RecordHandler handler = (type, payload) -> {
            types.add(type);
            headsSeen.add(head(ring));
        };
        assertThat(consumer.poll(handler, 4)).as("poll(handler, 4) of 10 records").isEqualTo(4);
        assertThat(headsSeen).as("during the batch the head in shared memory stays where the batch began: the"
                + " consumer publishes it once, after the batch, not once per record").containsOnly(0L);
        assertThat(head(ring)).as("after the batch: 4 records of 16 bytes consumed").isEqualTo(64);
        headsSeen.clear();
        assertThat(consumer.poll(handler, 4)).isEqualTo(4);
        assertThat(headsSeen).containsOnly(64L);
        assertThat(consumer.poll(handler, 4)).as("only 2 are left").isEqualTo(2);
        assertThat(consumer.poll(handler, 4)).isZero();
        assertThat(types).as("every record once, in order").containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(head(ring)).isEqualTo(160);
        assertThat(consumer.position()).isEqualTo(160);
        assertThatThrownBy(() -> consumer.poll(handler, 0), "limit 0").isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("limit");
    }

    @Test
    void theConsumerZeroesWhatItConsumedBeforeItPublishesTheHead() {
        SpscRing producer = new SpscRing(ring);
        RingReader consumer = new RingReader(ring);
        int offered = 0;
        for (int round = 0; round < 5; round++) { // about 5 x 900 bytes: wraps around the 1024 bytes several times
            for (int i = 0; i < 12; i++) {
                assertThat(producer.offer(i, payload((offered * 7) % 100, offered))).as("offer %d", offered).isTrue();
                offered++;
            }
            List<Received> received = new ArrayList<>();
            assertThat(consumer.poll(into(received), 100)).as("round %d", round).isEqualTo(12);
            byte[] bytes = records(ring);
            int nonZero = firstNonZero(bytes);
            assertThat(nonZero < 0 ? "every byte 0" : "byte " + nonZero + " (position " + positionOf(consumer, nonZero)
                    + ") is " + bytes[nonZero] + ", the first that is not 0").as("round %d: after poll every byte of"
                    + " the ring is zero again, padding included: a producer's claimed room must read 0 so that a"
                    + " length not yet published is 0", round).isEqualTo("every byte 0");
            assertThat(head(ring)).as("round %d: the head covers everything written", round).isEqualTo(producer.position());
        }
        // and the consumer read what was written, not zeros:
        assertThat(producer.offer(9, payload(33, 9))).isTrue();
        List<Received> last = new ArrayList<>();
        consumer.poll(into(last), 1);
        assertThat(last).containsExactly(new Received(9, payload(33, 9)));
    }

    /** The first index of {@code bytes} that is not zero, or -1. */
    private static int firstNonZero(byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] != 0) {
                return i;
            }
        }
        return -1;
    }

    /** The position in the last lap the consumer read that {@code index} stands for. */
    private static long positionOf(RingReader consumer, int index) {
        long lap = (consumer.position() - 1) / CAPACITY * CAPACITY;
        long position = lap + index;
        return position >= consumer.position() ? position - CAPACITY : position;
    }

    @Test
    void aHandlerThatThrowsLeavesItsRecordForTheNextPoll() {
        SpscRing producer = new SpscRing(ring);
        RingReader consumer = new RingReader(ring);
        for (int i = 0; i < 5; i++) {
            producer.offer(i, payload(8, i));
        }
        List<Integer> types = new ArrayList<>();
        assertThatThrownBy(() -> consumer.poll((type, payload) -> {
            if (type == 2) {
                throw new IllegalStateException("handler fails on record 2");
            }
            types.add(type);
        }, 10), "the handler's exception comes out of poll").hasMessageContaining("handler fails on record 2");
        assertThat(head(ring)).as("records 0 and 1 were handled: consumed and published").isEqualTo(32);
        assertThat(consumer.poll((type, payload) -> types.add(type), 10)).as("the next poll starts with record 2")
                .isEqualTo(3);
        assertThat(types).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void aLengthThatMakesNoSenseIsReportedWithItsPosition() {
        SpscRing producer = new SpscRing(ring);
        RingReader consumer = new RingReader(ring);
        producer.offer(1, payload(8, 1));
        assertThat(consumer.poll((type, payload) -> { }, 10)).isEqualTo(1);
        ring.set(ValueLayout.JAVA_INT, RingLayout.RECORDS_OFFSET + 16, 3); // shorter than a header
        assertThatThrownBy(() -> consumer.poll((type, payload) -> { }, 10),
                "a record of length 3 at position 16: the ring is corrupt, and reading on would hand over garbage")
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("16");
        ring.set(ValueLayout.JAVA_INT, RingLayout.RECORDS_OFFSET + 16, 2000); // past the end of the ring
        assertThatThrownBy(() -> consumer.poll((type, payload) -> { }, 10), "a record of 2000 bytes at index 16 of"
                + " a 1024-byte ring").isInstanceOf(IllegalStateException.class).hasMessageContaining("16");
    }

    @Test
    void aProducerThreadSendsManyRecordsThroughASmallRingThatWrapsAround() throws Exception {
        long capacity = 4096;  // not a page size: a ring capacity
        MemorySegment small = Rings.ring(fixture.arena(), capacity);
        int count = 100_000;
        Future<?> producing = fixture.executor().submit(() -> {
            SpscRing producer = new SpscRing(small);
            long until = System.nanoTime() + TimeBudget.scaled(Duration.ofSeconds(20)).toNanos();
            for (int seq = 0; seq < count && System.nanoTime() < until; seq++) {
                byte[] payload = RingProducer.payload(0, seq); // 24 to 72 bytes, so records of 32 to 80
                int spins = 0;
                while (!producer.offer(0, payload) && System.nanoTime() < until) {
                    if (++spins > 64) {
                        Thread.yield();
                    }
                }
            }
            return null;
        });
        RingReader consumer = new RingReader(small);
        Rings.Checker checker = new Rings.Checker(1);
        Rings.drain(consumer, checker, count, producing::isDone, TimeBudget.scaled(Duration.ofSeconds(25)));
        TimeBudget.await(producing, Duration.ofSeconds(5));
        assertThat(checker.total()).as("%d records of 32 to 80 bytes through a ring of %d bytes (it wrapped about %d"
                + " times): every one arrives once, in order, intact (%s)", count, capacity,
                consumer.position() / capacity, checker).isEqualTo(count);
    }

    @Test
    void aMillionRecordsFromAnotherProcessArriveOnceEachInOrderAndIntact() throws Exception {
        long capacity = 262144; // records of 32 to 80 bytes: it wraps around (with padding) about 200 times
        int count = 1_000_000;
        try (SharedRegion region = fixture.files().region("spsc.ring", RingLayout.bytes(capacity),
                data -> RingLayout.initialise(data, capacity));
                ChildJvm child = ChildJvm.start(RingProducer.class, TimeBudget.scaled(Duration.ofSeconds(50)),
                        IpcFiles.childArgs(region, "spsc", "0", String.valueOf(count),
                                String.valueOf(TimeBudget.scaled(Duration.ofSeconds(40)).toSeconds())))) {
            RingReader consumer = new RingReader(region.data());
            Rings.Checker checker = new Rings.Checker(1);
            long start = System.nanoTime();
            Rings.drain(consumer, checker, count, () -> !child.isAlive(), TimeBudget.scaled(Duration.ofSeconds(45)));
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(checker.total()).as("records received from RingProducer in another process through a ring of %d"
                    + " bytes in %d ms (%s); it printed:%n%s", capacity, millis, checker, child.output()).isEqualTo(count);
            assertThat(child.waitFor()).as("RingProducer exits normally").isZero();
            assertThat(child.outputLines()).contains("done " + count);
            assertThat(consumer.poll((type, payload) -> { }, 10)).as("nothing after the last record").isZero();
            assertThat(consumer.position()).as("the consumer is where the producer's tail is").isEqualTo(tail(region.data()));
        }
    }
}
