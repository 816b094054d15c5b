package mmapkit.ipc;

import static org.assertj.core.api.Assertions.assertThat;

import mmapkit.course.Task;
import mmapkit.course.TimeBudget;
import mmapkit.ipc.process.RingProducer;
import mmapkit.mapping.process.ChildJvm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;

@Task(id = "05.8", points = 10, title = "Tell a dead producer from a slow one")
class HeartbeatTest {

    private static final Duration MAX_SILENCE = Duration.ofSeconds(1);

    private final IpcFixture fixture = IpcFixture.withOneThread();
    private final MemorySegment memory = fixture.arena().allocate(256, 64);

    @AfterEach
    void cleanUp() throws InterruptedException {
        fixture.close();
    }

    @Test
    void beforeAnyBeatThePeerHasNotStarted() {
        Heartbeat heartbeat = new Heartbeat(memory, 64);
        assertThat(heartbeat.status(MAX_SILENCE)).as("zero memory: pid 0, no beat yet").isEqualTo(PeerStatus.NOT_STARTED);
        assertThat(heartbeat.status(Duration.ZERO)).as("whatever silence is allowed").isEqualTo(PeerStatus.NOT_STARTED);
    }

    @Test
    void aBeatStoresThePidAndTheTimeAndMakesThePeerAlive() {
        Heartbeat heartbeat = new Heartbeat(memory, 64);
        long before = System.nanoTime();
        heartbeat.beat();
        long after = System.nanoTime();
        assertThat(memory.get(ValueLayout.JAVA_LONG, 64)).as("bytes 0..7: the pid of the beating process")
                .isEqualTo(ProcessHandle.current().pid());
        assertThat(memory.get(ValueLayout.JAVA_LONG, 72)).as("bytes 8..15: System.nanoTime() of the beat")
                .isBetween(before, after);
        assertThat(heartbeat.pid()).isEqualTo(ProcessHandle.current().pid());
        assertThat(heartbeat.status(MAX_SILENCE)).as("just beaten, by a process that exists").isEqualTo(PeerStatus.ALIVE);
        assertThat(memory.get(ValueLayout.JAVA_LONG, 56)).as("the heartbeat uses its 16 bytes only").isZero();
        assertThat(memory.get(ValueLayout.JAVA_LONG, 80)).isZero();
    }

    @Test
    void aLivePeerThatStoppedBeatingIsSilentNotGone() throws Exception {
        Heartbeat heartbeat = new Heartbeat(memory, 0);
        memory.set(ValueLayout.JAVA_LONG, 0, ProcessHandle.current().pid());
        memory.set(ValueLayout.JAVA_LONG, 8, System.nanoTime() - Duration.ofSeconds(10).toNanos());
        assertThat(heartbeat.status(MAX_SILENCE)).as("the last beat is 10 s old, but its process (this JVM) exists:"
                + " slow, stopped or stuck, not dead").isEqualTo(PeerStatus.SILENT);
        assertThat(heartbeat.status(Duration.ofSeconds(60))).as("allowing 60 s of silence, 10 s is fine")
                .isEqualTo(PeerStatus.ALIVE);

        heartbeat.beat();
        Thread.sleep(150);
        assertThat(heartbeat.status(Duration.ofMillis(50))).as("150 ms after a beat, allowing 50 ms").isEqualTo(PeerStatus.SILENT);
        assertThat(heartbeat.status(Duration.ofSeconds(30))).as("150 ms after a beat, allowing 30 s").isEqualTo(PeerStatus.ALIVE);
    }

    @Test
    void aPeerWhoseProcessNoLongerExistsIsGoneHoweverRecentItsBeat() throws Exception {
        Process finished = new ProcessBuilder("true").start();
        finished.waitFor();
        long pid = finished.pid();
        finished.onExit().get();
        Heartbeat heartbeat = new Heartbeat(memory, 0);
        memory.set(ValueLayout.JAVA_LONG, 0, pid);
        memory.set(ValueLayout.JAVA_LONG, 8, System.nanoTime());
        assertThat(heartbeat.status(Duration.ofSeconds(60))).as("pid %d exited: a beat a moment ago says nothing once"
                + " the process is gone", pid).isEqualTo(PeerStatus.GONE);
        memory.set(ValueLayout.JAVA_LONG, 8, System.nanoTime() - Duration.ofSeconds(10).toNanos());
        assertThat(heartbeat.status(MAX_SILENCE)).as("gone, not silent: GONE is checked before the time")
                .isEqualTo(PeerStatus.GONE);
    }

    @Test
    void aProducerKilledMidStreamIsSeenGoneWithinTwoSeconds() throws Exception {
        long capacity = 16384;
        try (SharedRegion region = fixture.files().region("heartbeat.ring", RingLayout.bytes(capacity),
                data -> RingLayout.initialise(data, capacity));
                ChildJvm child = ChildJvm.start(RingProducer.class, TimeBudget.scaled(Duration.ofSeconds(40)),
                        IpcFiles.childArgs(region, "spsc", "0", "0",
                                String.valueOf(TimeBudget.scaled(Duration.ofSeconds(30)).toSeconds()), "beat"))) {
            MemorySegment ring = region.data();
            Heartbeat heartbeat = new Heartbeat(ring, RingLayout.HEARTBEAT_OFFSET);
            RingReader consumer = new RingReader(ring);
            child.awaitLine("attached"::equals, TimeBudget.scaled(Duration.ofSeconds(25)));
            assertThat(heartbeat.pid()).as("RingProducer, started with 'beat', beats before it prints 'attached': its pid")
                    .isEqualTo(child.pid());

            long received = 0;
            boolean aliveSeen = false;
            long consumeUntil = System.nanoTime() + TimeBudget.scaled(Duration.ofMillis(700)).toNanos();
            while (System.nanoTime() < consumeUntil || (!aliveSeen && System.nanoTime() < consumeUntil + 5_000_000_000L)) {
                int polled = consumer.poll((type, payload) -> { }, 1024);
                received += polled;
                if (polled == 0) {
                    Thread.yield();
                }
                aliveSeen |= heartbeat.status(Duration.ofSeconds(2)) == PeerStatus.ALIVE;
            }
            assertThat(aliveSeen).as("while the producer sends and beats, the consumer sees it ALIVE").isTrue();
            assertThat(received).as("records received mid-stream before the kill").isPositive();

            Duration generousSilence = Duration.ofSeconds(10); // far longer than the detection must take
            long killed = System.nanoTime();
            child.kill(); // SIGKILL: no goodbye, the last beat stays in the ring
            PeerStatus status = heartbeat.status(generousSilence);
            while (status != PeerStatus.GONE && System.nanoTime() - killed < 2_500_000_000L) { // 2 s and a margin
                consumer.poll((type, payload) -> { }, 1024);
                Thread.sleep(1);
                status = heartbeat.status(generousSilence);
            }
            long detectedMillis = (System.nanoTime() - killed) / 1_000_000;
            assertThat(status).as("after SIGKILL the heartbeat's pid %d no longer exists: GONE within 2 s (status"
                    + " %s %d ms after the kill started)", child.pid(), status, detectedMillis).isEqualTo(PeerStatus.GONE);
            assertThat(detectedMillis).as("a dead producer is told from a slow one at once, by asking whether its"
                    + " process exists, not by waiting for its silence to exceed the %s allowed: GONE %d ms after the"
                    + " kill", generousSilence, detectedMillis).isLessThan(2_000);
        }
    }
}
