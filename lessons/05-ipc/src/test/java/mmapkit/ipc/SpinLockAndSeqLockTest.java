package mmapkit.ipc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import mmapkit.course.Task;
import mmapkit.course.TimeBudget;
import mmapkit.ipc.process.SeqLockWriter;
import mmapkit.mapping.process.ChildJvm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

@Task(id = "05.3", points = 10, title = "Spin locks and seqlocks")
class SpinLockAndSeqLockTest {

    private final IpcFixture fixture = IpcFixture.withThreadPool();
    /** 256 bytes of native memory, zero, on a 64-byte boundary. */
    private final MemorySegment memory = fixture.arena().allocate(256, 64);

    @AfterEach
    void cleanUp() throws InterruptedException {
        fixture.close();
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    @Nested
    class TheSpinLock {

        @Test
        void tryLockTakesAFreeLockOnceAndUnlockFreesIt() {
            SpinLock lock = new SpinLock(memory, 8);
            assertThat(lock.tryLock()).as("a zero word is a free lock: tryLock takes it").isTrue();
            assertThat(memory.get(ValueLayout.JAVA_INT, 8)).as("the word of a held lock is 1").isEqualTo(1);
            assertThat(lock.isLocked()).isTrue();
            assertThat(lock.tryLock()).as("a held lock cannot be taken again, not even by its holder (not reentrant)")
                    .isFalse();
            lock.unlock();
            assertThat(memory.get(ValueLayout.JAVA_INT, 8)).as("unlock stores 0").isZero();
            assertThat(lock.tryLock()).as("free again").isTrue();
            assertThat(memory.get(ValueLayout.JAVA_INT, 4)).as("the lock uses its 4 bytes only").isZero();
            assertThat(memory.get(ValueLayout.JAVA_INT, 12)).isZero();
        }

        @Test
        void unlockingAFreeLockIsRefused() {
            SpinLock lock = new SpinLock(memory, 0);
            assertThatThrownBy(lock::unlock, "unlock of a lock nobody holds is a bug in the caller: it must throw an"
                    + " IllegalStateException and leave the word 0 (check and free in one step: compare-and-set 1 to 0)")
                    .isInstanceOf(IllegalStateException.class);
            assertThat(memory.get(ValueLayout.JAVA_INT, 0)).as("and changes nothing").isZero();
            assertThat(lock.tryLock()).as("the lock still works").isTrue();
        }

        @Test
        void lockTimesOutWhileAnotherHoldsIt() {
            SpinLock lock = new SpinLock(memory, 16);
            assertThat(lock.tryLock()).isTrue(); // someone else (here: this thread) holds it
            Duration timeout = Duration.ofMillis(200);
            long start = System.nanoTime();
            Throwable thrown = catchThrowable(() -> lock.lock(timeout));
            long millis = millisSince(start);
            assertThat(thrown).as("lock(%s) of a held lock%s", timeout,
                    thrown == null ? ": lock did not time out, it returned" : "").isInstanceOf(WaitTimeoutException.class);
            assertThat(((WaitTimeoutException) thrown).timeout()).as("timeout()").isEqualTo(timeout);
            assertThat(millis).as("it kept trying for the whole timeout").isGreaterThanOrEqualTo(180);
            assertThat(memory.get(ValueLayout.JAVA_INT, 16)).as("the holder still holds it").isEqualTo(1);
        }

        @Test
        void lockWaitsUntilTheHolderUnlocks() throws Exception {
            SpinLock lock = new SpinLock(memory, 16);
            assertThat(lock.tryLock()).isTrue();
            Future<Long> waiter = fixture.executor().submit(() -> {
                lock.lock(Duration.ofSeconds(15));
                return System.nanoTime();
            });
            Thread.sleep(150);
            assertThat(waiter.isDone()).as("lock() must wait while the lock is held").isFalse();
            long unlocked = System.nanoTime();
            lock.unlock();
            long acquired = TimeBudget.await(waiter, Duration.ofSeconds(20));
            assertThat((acquired - unlocked) / 1_000_000).as("milliseconds from unlock to the waiter holding it: it"
                    + " backs off, but never by more than a few milliseconds").isLessThan(TimeBudget.scaledMillis(3_000));
            assertThat(lock.isLocked()).as("the waiter holds it now").isTrue();
        }

        @Test
        void threadsIncrementingUnderTheLockLoseNothing() throws Exception {
            SpinLock lock = new SpinLock(memory, 0);
            int threads = 4;
            int times = 25_000;
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                workers.add(fixture.executor().submit(() -> {
                    for (int i = 0; i < times; i++) {
                        lock.lock(Duration.ofSeconds(10));
                        try {
                            long value = memory.get(ValueLayout.JAVA_LONG, 64); // plain: the lock orders it
                            memory.set(ValueLayout.JAVA_LONG, 64, value + 1);
                        } finally {
                            lock.unlock();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                TimeBudget.await(worker, Duration.ofSeconds(40));
            }
            assertThat(memory.get(ValueLayout.JAVA_LONG, 64))
                    .as("%d threads x %d plain read-add-write steps, each under the lock: with mutual exclusion (a"
                            + " compare-and-set to take it) and a release store to free it, not one is lost",
                            threads, times)
                    .isEqualTo((long) threads * times);
            assertThat(lock.isLocked()).as("every lock was unlocked").isFalse();
        }
    }

    @Nested
    class TheSeqLock {

        private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
        private static final Pattern DONE = Pattern.compile("done (\\d+)");

        @Test
        void aWriteStoresTheValueAndAdvancesTheSequenceByTwo() {
            SeqLock lock = new SeqLock(memory, 32, 3);
            assertThat(lock.sequence()).as("zero memory: sequence 0, no write yet").isZero();
            lock.write(1, 2, 3);
            assertThat(lock.sequence()).as("after one write: even again, and 2 (odd while writing, even after)")
                    .isEqualTo(2);
            assertThat(memory.get(ValueLayout.JAVA_LONG, 32)).as("the sequence is the first long").isEqualTo(2);
            assertThat(new long[] {memory.get(ValueLayout.JAVA_LONG, 40), memory.get(ValueLayout.JAVA_LONG, 48),
                    memory.get(ValueLayout.JAVA_LONG, 56)}).as("the value follows it").containsExactly(1, 2, 3);
            lock.write(-4, 5, Long.MAX_VALUE);
            assertThat(lock.sequence()).isEqualTo(4);
            assertThat(lock.read(Duration.ofSeconds(1))).as("read gives the last value written")
                    .containsExactly(-4, 5, Long.MAX_VALUE);
            assertThat(memory.get(ValueLayout.JAVA_LONG, 64)).as("nothing is written past the value").isZero();
        }

        @Test
        void readTimesOutWhileTheSequenceStaysOdd() {
            SeqLock lock = new SeqLock(memory, 0, 2);
            memory.set(ValueLayout.JAVA_LONG, 0, 7L); // a writer that died half way through its write
            Duration timeout = Duration.ofMillis(200);
            long start = System.nanoTime();
            Throwable thrown = catchThrowable(() -> lock.read(timeout));
            long millis = millisSince(start);
            assertThat(thrown == null ? "nothing: read did not time out, it returned a value" : thrown.toString())
                    .as("sequence 7 is odd: a write is under way (or its writer died in it), no value is stable;"
                    + " read(%s) must give up with a WaitTimeoutException", timeout)
                    .startsWith(WaitTimeoutException.class.getName());
            assertThat(((WaitTimeoutException) thrown).timeout()).isEqualTo(timeout);
            assertThat(millis).as("after retrying for the whole timeout").isGreaterThanOrEqualTo(180);
            assertThat(memory.get(ValueLayout.JAVA_LONG, 0)).as("a reader never writes").isEqualTo(7L);
        }

        @Test
        void readWaitsForAWriteToFinish() throws Exception {
            SeqLock lock = new SeqLock(memory, 0, 2);
            memory.set(ValueLayout.JAVA_LONG, 0, 1L); // a write under way: odd
            memory.set(ValueLayout.JAVA_LONG, 8, 111L); // half of it done
            Future<long[]> reader = fixture.executor().submit(() -> lock.read(Duration.ofSeconds(15)));
            Thread.sleep(150);
            assertThat(reader.isDone()).as("read must not return while the sequence is odd").isFalse();
            memory.set(ValueLayout.JAVA_LONG, 16, 222L);
            LONG.setRelease(memory, 0L, 2L); // the write ends
            assertThat(TimeBudget.await(reader, Duration.ofSeconds(20))).as("the value of the write that ended")
                    .containsExactly(111, 222);
        }

        @Test
        void aReaderNeverSeesATornValueWhileAnotherProcessWrites() throws Exception {
            try (SharedRegion region = fixture.files().region("seqlock.region", 4096); // not a page size: any size works
                    ChildJvm writer = ChildJvm.start(SeqLockWriter.class, TimeBudget.scaled(Duration.ofSeconds(30)),
                            IpcFiles.childArgs(region, String.valueOf(TimeBudget.scaled(Duration.ofSeconds(5)).toSeconds())))) {
                SeqLock lock = new SeqLock(region.data(), 0, 4);
                writer.awaitLine("attached"::equals, TimeBudget.scaled(Duration.ofSeconds(25)));
                long readUntil = System.nanoTime() + TimeBudget.scaled(Duration.ofMillis(2500)).toNanos();
                long reads = 0;
                long distinct = 0;
                long last = -1;
                while (writer.isAlive() && reads < 5_000_000 && System.nanoTime() < readUntil) {
                    long[] value = lock.read(Duration.ofSeconds(5));
                    long n = value[0];
                    if (value[1] != 3 * n || value[2] != 5 * n || value[3] != 7 * n) {
                        throw new AssertionError("read " + reads + " returned (" + value[0] + ", " + value[1] + ", "
                                + value[2] + ", " + value[3] + "), not (n, 3n, 5n, 7n): a torn value, half of one write"
                                + " and half of another. Check the sequence before AND after reading the value, with"
                                + " the loads ordered (acquire first, a load fence before the re-check), and retry while the"
                                + " sequence is odd (a write is under way)");
                    }
                    if (n < last) {
                        throw new AssertionError("read " + reads + " returned n = " + n + " after n = " + last
                                + ": values went back in time");
                    }
                    if (n != last) {
                        distinct++;
                    }
                    last = n;
                    reads++;
                }
                assertThat(distinct).as("%d reads while SeqLockWriter wrote (n, 3n, 5n, 7n) for n = 1, 2, ... saw %d"
                        + " different values: a reader sees the writer's progress", reads, distinct)
                        .isGreaterThanOrEqualTo(10);
                assertThat(writer.waitFor()).as("SeqLockWriter exits normally; it printed:%n%s", writer.output()).isZero();
                Matcher done = writer.outputLines().stream().map(DONE::matcher).filter(Matcher::matches).findFirst()
                        .orElseThrow(() -> new AssertionError("SeqLockWriter printed no 'done N':\n" + writer.output()));
                long n = Long.parseLong(done.group(1));
                assertThat(lock.read(Duration.ofSeconds(1))).as("after the writer's last write, n = %d", n)
                        .containsExactly(n, 3 * n, 5 * n, 7 * n);
                assertThat(lock.sequence()).as("%d writes made the sequence 2 x %d", n, n).isEqualTo(2 * n);
            }
        }
    }
}
