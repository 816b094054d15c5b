package mmapkit.ipc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import mmapkit.course.Task;
import mmapkit.course.TimeBudget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

@Task(id = "05.5", points = 10, title = "Futex semaphores and events")
class SemaphoreAndEventTest {

    private final IpcFixture fixture = IpcFixture.withThreadPool();
    /** 256 bytes of native memory, zero, on a 64-byte boundary. */
    private final MemorySegment memory = fixture.arena().allocate(256, 64);

    @AfterEach
    void cleanUp() throws InterruptedException {
        fixture.close();
    }

    private int word(long offset) {
        return memory.get(ValueLayout.JAVA_INT, offset);
    }

    /** Waits (bounded) until the int at {@code offset} is {@code value} or {@code task} ended. */
    private void awaitWord(long offset, int value, Future<?> task) throws InterruptedException {
        long until = System.nanoTime() + TimeBudget.scaled(Duration.ofSeconds(10)).toNanos();
        while (word(offset) != value && !task.isDone() && System.nanoTime() < until) {
            Thread.sleep(2);
        }
    }

    /**
     * How long a waiter that must be woken waits: the 3 s the tests allow from the wake-up to its
     * return, and a margin for a loaded machine. A lost wake-up then costs seconds, not 20.
     */
    private static final Duration WAKE_WAIT = TimeBudget.scaled(Duration.ofSeconds(5));

    /** The waiter's result; a waiter that timed out reports the wake-up that never came. */
    private static <T> T woken(Future<T> waiter, String what) throws Exception {
        try {
            return waiter.get(WAKE_WAIT.toSeconds() + 10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WaitTimeoutException) {
                throw new AssertionError(what + ": the waiter was not woken, it timed out after " + WAKE_WAIT
                        + " (a lost wake-up)", e.getCause());
            }
            throw e;
        }
    }

    private static String outcome(Future<?> done) {
        try {
            return "returned " + done.get();
        } catch (Exception e) {
            return String.valueOf(e.getCause() == null ? e : e.getCause());
        }
    }

    @Nested
    class TheSemaphore {

        @Test
        void permitsAreCountedAndTryAcquireFailsAtZero() {
            FutexSemaphore semaphore = new FutexSemaphore(memory, 16);
            assertThat(semaphore.availablePermits()).as("zero memory: no permits").isZero();
            assertThat(semaphore.tryAcquire()).as("no permit to take").isFalse();
            semaphore.release(3);
            assertThat(semaphore.availablePermits()).as("release(3) adds 3 permits").isEqualTo(3);
            assertThat(word(16)).as("the permits are the first int").isEqualTo(3);
            assertThat(semaphore.tryAcquire()).isTrue();
            assertThat(semaphore.tryAcquire()).isTrue();
            assertThat(semaphore.tryAcquire()).isTrue();
            assertThat(semaphore.tryAcquire()).as("the fourth tryAcquire after release(3)").isFalse();
            assertThat(semaphore.availablePermits()).as("never negative").isZero();
            semaphore.release(1);
            semaphore.acquire(Duration.ofSeconds(1));
            assertThat(semaphore.availablePermits()).as("acquire takes an available permit at once").isZero();
            assertThat(word(20)).as("nobody sleeps now: the second int, the sleepers, is 0").isZero();
            assertThatThrownBy(() -> semaphore.release(0), "release(0)").isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("permits");
        }

        @Test
        void acquireTimesOutWhenNoPermitComes() {
            FutexSemaphore semaphore = new FutexSemaphore(memory, 0);
            Duration timeout = Duration.ofMillis(250);
            long start = System.nanoTime();
            Throwable thrown = catchThrowable(() -> semaphore.acquire(timeout));
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(thrown).as("acquire(%s) with no permit and nobody releasing", timeout)
                    .isInstanceOf(WaitTimeoutException.class);
            assertThat(millis).as("after sleeping the whole timeout").isGreaterThanOrEqualTo(230);
            assertThat(word(4)).as("a waiter that gave up is no longer counted as a sleeper").isZero();
            assertThat(semaphore.availablePermits()).isZero();
        }

        @Test
        void acquireSleepsUntilAnotherThreadReleases() throws Exception {
            FutexSemaphore semaphore = new FutexSemaphore(memory, 0);
            Future<Long> waiter = fixture.executor().submit(() -> {
                semaphore.acquire(WAKE_WAIT);
                return System.nanoTime();
            });
            awaitWord(4, 1, waiter);
            assertThat(waiter.isDone()).as("acquire must wait while there is no permit; it ended with: %s",
                    waiter.isDone() ? outcome(waiter) : "").isFalse();
            assertThat(word(4)).as("the waiter counts itself as a sleeper (second int) before it sleeps, so that"
                    + " release knows whom to wake").isEqualTo(1);
            long released = System.nanoTime();
            semaphore.release(1);
            long acquired = woken(waiter, "release(1) with a sleeper announced: release must call FUTEX_WAKE");
            assertThat((acquired - released) / 1_000_000).as("milliseconds from release to the sleeper's return: release"
                    + " saw a sleeper and called FUTEX_WAKE").isLessThan(TimeBudget.scaledMillis(3_000));
            assertThat(semaphore.availablePermits()).as("the sleeper took the permit").isZero();
            assertThat(word(4)).as("and no longer counts as a sleeper").isZero();
        }

        @Test
        void releaseOfTwoPermitsWakesTwoSleepers() throws Exception {
            FutexSemaphore semaphore = new FutexSemaphore(memory, 0);
            List<Future<Long>> waiters = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                waiters.add(fixture.executor().submit(() -> {
                    semaphore.acquire(Duration.ofMillis(2500));
                    return System.nanoTime();
                }));
            }
            awaitWord(4, 3, waiters.getFirst());
            assertThat(word(4)).as("three sleepers announced").isEqualTo(3);
            semaphore.release(2);
            int acquired = 0;
            int timedOut = 0;
            for (Future<Long> waiter : waiters) {
                try {
                    TimeBudget.await(waiter, Duration.ofSeconds(15));
                    acquired++;
                } catch (java.util.concurrent.ExecutionException e) {
                    assertThat(e.getCause()).as("a waiter without a permit").isInstanceOf(WaitTimeoutException.class);
                    timedOut++;
                }
            }
            assertThat(acquired).as("release(2) gives two permits and wakes two of the three sleepers").isEqualTo(2);
            assertThat(timedOut).as("the third finds no permit and times out").isEqualTo(1);
            assertThat(semaphore.availablePermits()).isZero();
        }

        @Test
        void twoThreadsPassOnePermitBackAndForthWithoutLosingAWakeUp() throws Exception {
            FutexSemaphore ping = new FutexSemaphore(memory, 128);
            FutexSemaphore pong = new FutexSemaphore(memory, 192);
            long until = System.nanoTime() + TimeBudget.scaled(Duration.ofSeconds(2)).toNanos();
            AtomicLong passes = new AtomicLong();
            AtomicLong slowest = new AtomicLong();
            Future<?> other = fixture.executor().submit(() -> {
                while (true) {
                    long start = System.nanoTime();
                    ping.acquire(TimeBudget.scaled(Duration.ofSeconds(3)));
                    slowest.accumulateAndGet(System.nanoTime() - start, Math::max);
                    if (passes.incrementAndGet() < 0) {
                        return null; // the stop signal: the main thread set passes negative
                    }
                    pong.release(1);
                }
            });
            int rounds = 0;
            while (System.nanoTime() < until && !other.isDone()) {
                ping.release(1);
                long start = System.nanoTime();
                Throwable thrown = catchThrowable(() -> pong.acquire(TimeBudget.scaled(Duration.ofSeconds(3))));
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertThat(thrown == null ? millis : Long.MAX_VALUE).as("round %d of a ping-pong between two threads,"
                        + " one permit passed back and forth: milliseconds until the permit came back (%s). Each side"
                        + " sleeps in acquire just as the other releases: release must add its permits first and only"
                        + " then look for sleepers, or a sleeper that announced itself in between is never woken",
                        rounds, thrown == null ? "acquire returned" : "acquire threw " + thrown).isLessThan(TimeBudget.scaledMillis(1_000));
                rounds++;
            }
            passes.set(Long.MIN_VALUE / 2);
            ping.release(1);
            assertThat(catchThrowable(() -> TimeBudget.await(other, Duration.ofSeconds(10))))
                    .as("the other thread of the ping-pong ends without an error").isNull();
            assertThat(slowest.get() / 1_000_000).as("the other thread's slowest acquire, in milliseconds")
                    .isLessThan(TimeBudget.scaledMillis(1_000));
            assertThat(rounds).as("rounds of ping-pong in 2 s").isGreaterThan(100);
        }

        @Test
        void manyThreadsPassPermitsWithoutLosingAWakeUp() throws Exception {
            FutexSemaphore semaphore = new FutexSemaphore(memory, 64);
            int perThread = 10_000;
            AtomicLong taken = new AtomicLong();
            List<Future<?>> tasks = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                tasks.add(fixture.executor().submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        semaphore.acquire(TimeBudget.scaled(Duration.ofSeconds(3)));
                        taken.incrementAndGet();
                    }
                    return null;
                }));
                tasks.add(fixture.executor().submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        semaphore.release(1);
                        if (i % 64 == 0) {
                            Thread.yield(); // let the takers run dry and sleep now and then
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> task : tasks) {
                woken(task, "two threads released " + perThread + " permits each, two took as many: a taker waited"
                        + " 3 s for a permit");
            }
            assertThat(taken.get()).as("two threads released %d permits each, two took as many, often sleeping for"
                    + " them: a lost wake-up would leave a taker asleep until its timeout", perThread).isEqualTo(2L * perThread);
            assertThat(semaphore.availablePermits()).as("every permit was taken").isZero();
            assertThat(word(68)).as("no sleeper left").isZero();
        }
    }

    @Nested
    class TheEvent {

        @Test
        void setWakesAWaiterInAnotherThreadAndPublishesWhatWasWrittenBefore() throws Exception {
            FutexEvent event = new FutexEvent(memory, 0);
            Future<Long> waiter = fixture.executor().submit(() -> {
                event.await(WAKE_WAIT);
                return memory.get(ValueLayout.JAVA_LONG, 64); // plain read after the await
            });
            Thread.sleep(200);
            assertThat(waiter.isDone()).as("await must wait while the event is not set; it ended with: %s",
                    waiter.isDone() ? outcome(waiter) : "").isFalse();
            memory.set(ValueLayout.JAVA_LONG, 64, 2026L); // plain write before set()
            long set = System.nanoTime();
            event.set();
            assertThat(woken(waiter, "set() with a waiter asleep: set must call FUTEX_WAKE"))
                    .as("the waiter sees what was written before set(): set is a release store, await's check an acquire load")
                    .isEqualTo(2026L);
            assertThat((System.nanoTime() - set) / 1_000_000).as("milliseconds from set to the waiter's return")
                    .isLessThan(TimeBudget.scaledMillis(3_000));
            assertThat(word(0)).as("a set event's word is 1").isEqualTo(1);
        }

        @Test
        void oneSetWakesEveryWaiter() throws Exception {
            FutexEvent event = new FutexEvent(memory, 8);
            List<Future<?>> waiters = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                waiters.add(fixture.executor().submit(() -> {
                    event.await(WAKE_WAIT);
                    return null;
                }));
            }
            Thread.sleep(200);
            for (Future<?> waiter : waiters) {
                assertThat(waiter.isDone()).as("await must wait while the event is not set; it ended with: %s",
                        waiter.isDone() ? outcome(waiter) : "").isFalse();
            }
            long set = System.nanoTime();
            event.set();
            for (Future<?> waiter : waiters) {
                woken(waiter, "one set() with four waiters asleep: set wakes them all (FUTEX_WAKE with"
                        + " Integer.MAX_VALUE), not one");
            }
            assertThat((System.nanoTime() - set) / 1_000_000).as("milliseconds until all four waiters returned: set"
                    + " wakes them all (FUTEX_WAKE with Integer.MAX_VALUE), not one").isLessThan(TimeBudget.scaledMillis(3_000));
        }

        @Test
        void awaitTimesOutWhenNotSetAndReturnsAtOnceWhenSet() {
            FutexEvent event = new FutexEvent(memory, 4);
            assertThat(event.isSet()).as("zero memory: not set").isFalse();
            Duration timeout = Duration.ofMillis(250);
            long start = System.nanoTime();
            Throwable thrown = catchThrowable(() -> event.await(timeout));
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(thrown).as("await(%s) of an event nobody sets%s", timeout,
                    thrown == null ? ": await did not time out, it returned" : "").isInstanceOf(WaitTimeoutException.class);
            assertThat(millis).as("after sleeping the whole timeout").isGreaterThanOrEqualTo(230);

            event.set();
            assertThat(event.isSet()).isTrue();
            event.await(Duration.ofMillis(100));
            event.await(Duration.ofMillis(100)); // it stays set: every later waiter passes too

            event.reset();
            assertThat(event.isSet()).as("after reset()").isFalse();
            Throwable afterReset = catchThrowable(() -> event.await(Duration.ofMillis(100)));
            assertThat(afterReset).as("await after reset() waits again%s",
                    afterReset == null ? ": await did not time out, it returned" : "").isInstanceOf(WaitTimeoutException.class);
        }
    }
}
