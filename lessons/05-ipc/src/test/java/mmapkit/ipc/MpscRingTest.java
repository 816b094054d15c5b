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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;

@Task(id = "05.7", points = 10, title = "A many-producer ring buffer")
class MpscRingTest {

    private static final long CAPACITY = 1024;

    private final IpcFixture fixture = IpcFixture.withThreadPool();
    private final MemorySegment ring = Rings.ring(fixture.arena(), CAPACITY);

    @AfterEach
    void cleanUp() throws InterruptedException {
        fixture.close();
    }

    @Test
    void recordsAreLaidOutAsBySingleProducerAndTheSharedTailIsClaimed() {
        MpscRing producer = new MpscRing(ring);
        assertThat(producer.offer(4, new byte[] {9, 8, 7})).isTrue();
        assertThat(length(ring, 0)).as("record 0: length 8 + 3").isEqualTo(11);
        assertThat(type(ring, 0)).isEqualTo(4);
        assertThat(records(ring)[8]).isEqualTo((byte) 9);
        assertThat(tail(ring)).as("the producers share the tail in shared memory (RingLayout.TAIL_OFFSET): a producer"
                + " claims its room by moving it, 11 bytes padded to 16").isEqualTo(16);
        assertThat(producer.offer(5, new byte[0])).isTrue();
        assertThat(length(ring, 16)).as("the next record right after").isEqualTo(8);
        assertThat(tail(ring)).isEqualTo(24);

        List<Integer> types = new ArrayList<>();
        RingReader consumer = new RingReader(ring);
        assertThat(consumer.poll((type, payload) -> types.add(type), 10)).as("the same RingReader reads them").isEqualTo(2);
        assertThat(types).containsExactly(4, 5);
        assertThat(head(ring)).isEqualTo(24);
    }

    @Test
    void producersThatShareARingDoNotKeepTheirOwnTail() {
        MpscRing first = new MpscRing(ring);
        MpscRing second = new MpscRing(ring); // as another process would: its own instance over the same bytes
        assertThat(first.offer(1, payload(8, 1))).isTrue();
        assertThat(second.offer(2, payload(8, 2))).isTrue();
        assertThat(first.offer(1, payload(8, 3))).isTrue();
        assertThat(new int[] {type(ring, 0), type(ring, 16), type(ring, 32)})
                .as("each offer claims the room after the last claim by anyone, read from the shared tail: a producer"
                        + " that remembered its own tail would overwrite the other's record")
                .containsExactly(1, 2, 1);
        assertThat(tail(ring)).isEqualTo(48);
    }

    @Test
    void aRecordThatDoesNotFitBeforeTheEndIsPaddedAndStartsAtZero() {
        MpscRing producer = new MpscRing(ring);
        RingReader consumer = new RingReader(ring);
        for (int i = 0; i < 62; i++) {
            assertThat(producer.offer(1, payload(8, i))).isTrue(); // tail 992
        }
        assertThat(consumer.poll((type, payload) -> { }, 1)).isEqualTo(1); // 48 bytes free, 32 of them before the end
        byte[] before = records(ring);
        assertThat(producer.offer(3, payload(40, 3))).as("48 bytes at 992 need 32 of padding and 48 at 0: 80 > 48 free")
                .isFalse();
        assertThat(records(ring)).as("a refused offer writes nothing, not even the padding").isEqualTo(before);
        assertThat(tail(ring)).as("and claims nothing: the tail stays").isEqualTo(992);

        assertThat(consumer.poll((type, payload) -> { }, 2)).isEqualTo(2); // 80 free
        assertThat(producer.offer(3, payload(40, 3))).isTrue();
        assertThat(length(ring, 992)).as("padding at the end").isEqualTo(32);
        assertThat(type(ring, 992)).isEqualTo(RingLayout.PADDING_TYPE);
        assertThat(length(ring, 0)).as("the record whole at index 0").isEqualTo(48);
        assertThat(type(ring, 0)).isEqualTo(3);
        assertThat(tail(ring)).as("one claim covers padding and record").isEqualTo(992 + 32 + 48);
        List<Integer> types = new ArrayList<>();
        assertThat(consumer.poll((type, payload) -> types.add(type), 100)).isEqualTo(60);
        assertThat(types.getLast()).as("the padding is skipped, the record arrives last").isEqualTo(3);
    }

    @Test
    void aFullRingRefusesAndClaimsNothing() {
        MpscRing producer = new MpscRing(ring);
        int accepted = 0;
        while (accepted < 1000 && producer.offer(2, payload(8, accepted))) {
            accepted++;
        }
        assertThat(accepted).as("records of 16 bytes in a ring of %d", CAPACITY).isEqualTo(64);
        byte[] full = records(ring);
        assertThat(producer.offer(2, payload(8, 0))).isFalse();
        assertThat(tail(ring)).as("a refused offer leaves the tail: a claim past the head would make the consumer"
                + " wait forever for a record nobody writes").isEqualTo(CAPACITY);
        assertThat(records(ring)).isEqualTo(full);
        assertThatThrownBy(() -> producer.offer(-3, new byte[0]), "offer of type -3: negative types are the ring's own")
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new RingReader(ring).poll((type, payload) -> { }, 1)).isEqualTo(1);
        assertThat(producer.offer(2, payload(8, 1))).as("room for one more after the consumer freed 16 bytes").isTrue();
    }

    @Test
    void threadsOfOneProcessOfferAtOnceAndEachKeepsItsOrder() throws Exception {
        MemorySegment shared = Rings.ring(fixture.arena(), 16384);
        MpscRing producer = new MpscRing(shared); // one instance for all threads
        int threads = 4;
        int perThread = 50_000;
        List<Future<?>> producing = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            producing.add(fixture.executor().submit(() -> {
                long until = System.nanoTime() + TimeBudget.scaled(Duration.ofSeconds(25)).toNanos();
                for (long seq = 0; seq < perThread && System.nanoTime() < until; seq++) {
                    byte[] payload = RingProducer.payload(id, seq);
                    int spins = 0;
                    while (!producer.offer(id, payload) && System.nanoTime() < until) {
                        if (++spins > 64) {
                            Thread.yield();
                        }
                    }
                }
                return null;
            }));
        }
        Rings.Checker checker = new Rings.Checker(threads);
        RingReader consumer = new RingReader(shared);
        Rings.drain(consumer, checker, (long) threads * perThread, () -> producing.stream().allMatch(Future::isDone),
                TimeBudget.scaled(Duration.ofSeconds(30)));
        for (Future<?> done : producing) {
            TimeBudget.await(done, Duration.ofSeconds(5));
        }
        assertThat(checker.total()).as("%d threads x %d records through one MpscRing: none lost, repeated or torn,"
                + " each thread's in its order (%s)", threads, perThread, checker).isEqualTo((long) threads * perThread);
    }

    @Test
    void threeProcessesSendAMillionRecordsAndEachKeepsItsOrder() throws Exception {
        long capacity = 262144;
        int producers = 3;
        int perProducer = 340_000;
        try (SharedRegion region = fixture.files().region("mpsc.ring", RingLayout.bytes(capacity),
                data -> RingLayout.initialise(data, capacity))) {
            List<ChildJvm> children = new ArrayList<>();
            try {
                for (int id = 0; id < producers; id++) {
                    children.add(ChildJvm.start(RingProducer.class, TimeBudget.scaled(Duration.ofSeconds(50)),
                            IpcFiles.childArgs(region, "mpsc", String.valueOf(id), String.valueOf(perProducer),
                                    String.valueOf(TimeBudget.scaled(Duration.ofSeconds(40)).toSeconds()))));
                }
                RingReader consumer = new RingReader(region.data());
                Rings.Checker checker = new Rings.Checker(producers);
                long start = System.nanoTime();
                Rings.drain(consumer, checker, (long) producers * perProducer, () -> Rings.allExited(children),
                        TimeBudget.scaled(Duration.ofSeconds(45)));
                long millis = (System.nanoTime() - start) / 1_000_000;
                StringBuilder outputs = new StringBuilder();
                for (ChildJvm child : children) {
                    outputs.append(System.lineSeparator()).append(child).append(": ").append(child.output());
                }
                assertThat(checker.total()).as("%d RingProducer processes x %d records, claiming room in one ring of %d"
                        + " bytes with compare-and-set on its tail, in %d ms (%s); they printed:%s", producers,
                        perProducer, capacity, millis, checker, outputs).isEqualTo((long) producers * perProducer);
                for (int id = 0; id < producers; id++) {
                    assertThat(checker.from(id)).as("records of producer %d", id).isEqualTo(perProducer);
                    assertThat(children.get(id).waitFor()).as("producer %d exits normally", id).isZero();
                }
                assertThat(consumer.poll((type, payload) -> { }, 10)).as("nothing after the last record").isZero();
                assertThat(consumer.pendingBytes()).as("every claimed byte was consumed").isZero();
            } finally {
                children.forEach(ChildJvm::close);
            }
        }
    }
}
