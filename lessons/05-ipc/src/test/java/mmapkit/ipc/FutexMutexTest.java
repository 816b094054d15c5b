package mmapkit.ipc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import mmapkit.course.Task;
import mmapkit.course.TimeBudget;
import mmapkit.ipc.natives.FutexCalls;
import mmapkit.ipc.process.CounterWorker;
import mmapkit.mapping.process.ChildJvm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

@Task(id = "05.4", points = 15, title = "A futex mutex across processes")
class FutexMutexTest {

    private static final Duration CHILD_LIFETIME = TimeBudget.scaled(Duration.ofSeconds(45));

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

    @Test
    void aFreeMutexIsTakenWithOneCompareAndSetAndFreedByUnlock() {
        FutexMutex mutex = new FutexMutex(memory, 4);
        assertThat(mutex.tryLock()).as("a zero word is a free mutex").isTrue();
        assertThat(word(4)).as("held, nobody sleeps: 1").isEqualTo(1);
        assertThat(mutex.tryLock()).as("held: tryLock fails at once (not reentrant)").isFalse();
        assertThat(word(4)).as("a failed tryLock changes nothing").isEqualTo(1);
        mutex.unlock();
        assertThat(word(4)).as("unlock frees it: 0").isZero();
        mutex.lock(Duration.ofSeconds(1));
        assertThat(word(4)).as("lock() of a free mutex takes the fast path: 1, no sleeper announced").isEqualTo(1);
        mutex.unlock();
        assertThat(word(0)).as("the mutex uses its 4 bytes only").isZero();
        assertThat(word(8)).isZero();
    }

    @Test
    void unlockingAFreeMutexIsRefused() {
        FutexMutex mutex = new FutexMutex(memory, 0);
        assertThatThrownBy(mutex::unlock, "unlock of a mutex nobody holds must throw an IllegalStateException")
                .isInstanceOf(IllegalStateException.class);
        assertThat(word(0)).as("a refused unlock leaves the word 0, not -1: the next lock must still work").isZero();
        assertThat(mutex.tryLock()).isTrue();
    }

    @Test
    void unlockingAWordThatHoldsNoStateIsRefusedInsteadOfSpinning() {
        memory.set(ValueLayout.JAVA_INT, 0, 7);
        FutexMutex mutex = new FutexMutex(memory, 0);
        Throwable thrown = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> catchThrowable(mutex::unlock),
                "unlock of a word that holds 7 (no state of a mutex: overwritten, or not a mutex at all) must end");
        assertThat(thrown).as("unlock of a word holding 7 must throw an IllegalStateException that names the value")
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("7");
        assertThat(word(0)).as("a refused unlock leaves the word as it was").isEqualTo(7);
    }

    @Test
    void lockTimesOutWhileAnotherThreadHoldsIt() throws Exception {
        FutexMutex mutex = new FutexMutex(memory, 0);
        assertThat(mutex.tryLock()).isTrue();
        Duration timeout = Duration.ofMillis(300);
        Future<Throwable> waiter = fixture.executor().submit(() -> {
            long start = System.nanoTime();
            Throwable thrown = catchThrowable(() -> mutex.lock(timeout));
            return thrown == null ? null : new TimedOut(thrown, (System.nanoTime() - start) / 1_000_000);
        });
        Throwable outcome = TimeBudget.await(waiter, Duration.ofSeconds(20));
        assertThat(outcome == null ? "nothing: lock did not time out, it returned" : "it gave up")
                .as("lock(%s) while another thread holds the mutex must give up", timeout).isEqualTo("it gave up");
        assertThat(outcome.getCause()).as("with a WaitTimeoutException").isInstanceOf(WaitTimeoutException.class);
        assertThat(((TimedOut) outcome).millis).as("after the whole timeout (futex_wait with the time left, not"
                + " forever: every wait of the kit is bounded)").isGreaterThanOrEqualTo(280);
        assertThat(mutex.isLocked()).as("the holder still holds it").isTrue();
        mutex.unlock();
        assertThat(word(0)).as("unlocked by its holder").isZero();
    }

    @Test
    void aThreadThatFindsItHeldSleepsInTheKernelOnTheWordUntilUnlock() throws Exception {
        Path threadSelf = Path.of("/proc/thread-self");
        assumeTrue(Files.isSymbolicLink(threadSelf) && Files.isReadable(Path.of("/proc/self/syscall")),
                "this kernel has no /proc/thread-self or /proc/PID/syscall to see where a thread sleeps");
        FutexMutex mutex = new FutexMutex(memory, 128);
        long address = memory.address() + 128;
        assertThat(mutex.tryLock()).isTrue();
        CompletableFuture<String> tid = new CompletableFuture<>();
        Future<Long> waiter = fixture.executor().submit(() -> {
            tid.complete(Files.readSymbolicLink(threadSelf).getFileName().toString()); // "PID/task/TID"
            try {
                mutex.lock(Duration.ofSeconds(5)); // the 3 s allowed below, and a margin
            } catch (WaitTimeoutException e) {
                return System.nanoTime(); // never woken: reported below as the time until its timeout
            }
            long acquired = System.nanoTime();
            mutex.unlock();
            return acquired;
        });
        Path syscall = Path.of("/proc/self/task", TimeBudget.await(tid, Duration.ofSeconds(10)), "syscall");

        long until = System.nanoTime() + TimeBudget.scaled(Duration.ofSeconds(4)).toNanos();
        String where = "";
        boolean sleeping = false;
        while (!sleeping && !waiter.isDone() && System.nanoTime() < until) {
            where = read(syscall);
            String[] fields = where.split(" ");
            sleeping = word(128) == 2 && fields.length > 3 && fields[0].equals(String.valueOf(FutexCalls.SYS_FUTEX))
                    && Long.parseUnsignedLong(fields[1].substring(2), 16) == address;
            if (!sleeping) {
                Thread.sleep(5);
            }
        }
        assertThat(waiter.isDone()).as("lock() must wait while the mutex is held; it ended with: %s",
                waiter.isDone() ? outcome(waiter) : "").isFalse();
        assertThat(word(128)).as("a thread that found the mutex held announces itself: it sets the word to 2 (held,"
                + " someone may sleep), so that unlock knows it must wake someone").isEqualTo(2);
        assertThat(sleeping).as("the waiting thread sleeps in futex (system call %d on this architecture) on the mutex"
                + " word at %#x, not spinning or parking elsewhere; /proc/self/task/TID/syscall said: %s",
                FutexCalls.SYS_FUTEX, address, where).isTrue();

        long unlocked = System.nanoTime();
        mutex.unlock();
        long acquired = TimeBudget.await(waiter, Duration.ofSeconds(20));
        assertThat((acquired - unlocked) / 1_000_000).as("milliseconds from unlock to the sleeper holding the mutex:"
                + " unlock found 2, so it called FUTEX_WAKE (a lost wake-up leaves the sleeper until its timeout of 5 s)")
                .isLessThan(TimeBudget.scaledMillis(3_000));
        assertThat(word(128)).as("the sleeper took it and unlocked it again").isZero();
    }

    @Test
    void threadsIncrementingUnderTheMutexLoseNothing() throws Exception {
        FutexMutex mutex = new FutexMutex(memory, 0);
        int threads = 4;
        int times = 25_000;
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(fixture.executor().submit(() -> {
                for (int i = 0; i < times; i++) {
                    mutex.lock(TimeBudget.scaled(Duration.ofSeconds(3)));
                    try {
                        long value = memory.get(ValueLayout.JAVA_LONG, 64);
                        memory.set(ValueLayout.JAVA_LONG, 64, value + 1);
                    } finally {
                        mutex.unlock();
                    }
                }
                return null;
            }));
        }
        for (Future<?> worker : workers) {
            Throwable thrown = catchThrowable(() -> TimeBudget.await(worker, Duration.ofSeconds(30)));
            assertThat(thrown).as("%d threads x %d increments under the mutex, each lock bounded by 3 s: a lock() that"
                    + " timed out was not woken (a lost wake-up)", threads, times).isNull();
        }
        assertThat(memory.get(ValueLayout.JAVA_LONG, 64)).as("%d threads x %d increments under the mutex", threads, times)
                .isEqualTo((long) threads * times);
        assertThat(word(0)).as("free at the end").isZero();
    }

    @Test
    void threeThreadsContendingOnShortSectionsNeverWaitLong() throws Exception {
        FutexMutex mutex = new FutexMutex(memory, 0);
        int threads = 3;
        long until = System.nanoTime() + TimeBudget.scaled(Duration.ofSeconds(2)).toNanos();
        List<Future<long[]>> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(fixture.executor().submit(() -> {
                long count = 0;
                long slowest = 0;
                while (System.nanoTime() < until) {
                    long start = System.nanoTime();
                    mutex.lock(TimeBudget.scaled(Duration.ofSeconds(3)));
                    slowest = Math.max(slowest, System.nanoTime() - start);
                    try {
                        long value = memory.get(ValueLayout.JAVA_LONG, 64);
                        memory.set(ValueLayout.JAVA_LONG, 64, value + 1);
                    } finally {
                        mutex.unlock();
                    }
                    count++;
                }
                return new long[] {count, slowest};
            }));
        }
        long total = 0;
        for (int t = 0; t < threads; t++) {
            int thread = t;
            long[] result = new long[2];
            Throwable thrown = catchThrowable(() -> System.arraycopy(
                    TimeBudget.await(workers.get(thread), Duration.ofSeconds(20)), 0, result, 0, 2));
            assertThat(thrown).as("thread %d of %d taking the mutex for very short sections for 2 s: a lock() that"
                    + " timed out after 3 s was never woken. After waking, take the word with getAndSet(2), not"
                    + " compareAndSet(0, 1): another sleeper may still wait, and only a 2 makes the next unlock wake"
                    + " it", thread, threads).isNull();
            assertThat(result[1] / 1_000_000).as("thread %d's slowest lock() in milliseconds, for a section of a few"
                    + " nanoseconds: a sleeper left asleep until its timeout (a 1 instead of a 2 in the word after"
                    + " waking: take it with getAndSet(2)) waits far longer", thread).isLessThan(TimeBudget.scaledMillis(1_000));
            total += result[0];
        }
        assertThat(memory.get(ValueLayout.JAVA_LONG, 64)).as("%d threads, %d locked increments in all", threads, total)
                .isEqualTo(total);
        assertThat(word(0)).as("free at the end").isZero();
    }

    @Test
    void twoProcessesIncrementingUnderTheMutexReachTheExactTotal() throws Exception {
        int times = 100_000;
        try (SharedRegion region = fixture.files().region("counter.region", 4096); // not a page size: any size works
                ChildJvm first = ChildJvm.start(CounterWorker.class, CHILD_LIFETIME, IpcFiles.childArgs(region, "" + times));
                ChildJvm second = ChildJvm.start(CounterWorker.class, CHILD_LIFETIME, IpcFiles.childArgs(region, "" + times))) {
            long start = System.nanoTime();
            int firstStatus = first.waitFor();
            int secondStatus = second.waitFor();
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(firstStatus).as("the first CounterWorker exits normally; it printed:%n%s", first.output()).isZero();
            assertThat(secondStatus).as("the second CounterWorker exits normally; it printed:%n%s", second.output()).isZero();
            assertThat(first.outputLines()).contains("done " + times);
            assertThat(second.outputLines()).contains("done " + times);
            assertThat(region.data().get(ValueLayout.JAVA_LONG, CounterWorker.COUNTER_OFFSET))
                    .as("two processes, each adding 1 %d times with a plain read and write under the mutex in their"
                            + " shared region (%d ms in all): a lost update would show as a smaller total", times, millis)
                    .isEqualTo(2L * times);
            assertThat(region.data().get(ValueLayout.JAVA_INT, 0)).as("the mutex is free at the end").isZero();
        }
    }

    @Test
    void anUnlockHereWakesAWaiterInAnotherProcess() throws Exception {
        try (SharedRegion region = fixture.files().region("wake.region", 4096)) { // not a page size: any size works
            MemorySegment data = region.data();
            FutexMutex mutex = new FutexMutex(data, 0);
            assertThat(mutex.tryLock()).isTrue();
            try (ChildJvm child = ChildJvm.start(CounterWorker.class, CHILD_LIFETIME, IpcFiles.childArgs(region, "1"))) {
                child.awaitLine("attached"::equals, TimeBudget.scaled(Duration.ofSeconds(25)));
                long until = System.nanoTime() + TimeBudget.scaled(Duration.ofSeconds(8)).toNanos();
                while (data.get(ValueLayout.JAVA_INT, 0) != 2 && child.isAlive() && System.nanoTime() < until) {
                    Thread.sleep(2);
                }
                assertThat(data.get(ValueLayout.JAVA_INT, 0)).as("the child found the mutex held and announced it"
                        + " sleeps (word 2); it printed:%n%s", child.output()).isEqualTo(2);
                awaitFutexSleep(child.pid(), region.file(), TimeBudget.scaled(Duration.ofSeconds(8))); // announced, now really asleep
                long unlocked = System.nanoTime();
                mutex.unlock();
                Throwable notDone = catchThrowable(() -> child.awaitLine("done 1"::equals, TimeBudget.scaled(Duration.ofSeconds(6))));
                assertThat(notDone).as("the child, asleep in futex_wait on the word in the shared file, took the mutex"
                        + " and printed \"done 1\" within 6 s of this process's unlock: unlock found 2, so it must"
                        + " call FUTEX_WAKE (shared, keyed by the file page)").isNull();
                long millis = (System.nanoTime() - unlocked) / 1_000_000;
                assertThat(millis).as("the child slept in futex_wait on the word in the shared file; this process's"
                        + " FUTEX_WAKE on the same file page woke it (shared futexes are keyed by the page, not the"
                        + " address) in %d ms, long before its 10 s timeout", millis).isLessThan(TimeBudget.scaledMillis(5_000));
                assertThat(child.waitFor()).isZero();
                assertThat(data.get(ValueLayout.JAVA_LONG, CounterWorker.COUNTER_OFFSET)).as("its one increment").isEqualTo(1);
            }
        }
    }

    /**
     * Waits (bounded) until a thread of process {@code pid} sleeps in futex on the first data word of
     * its own mapping of {@code file} (as /proc/PID/maps and /proc/PID/task/TID/syscall show), so
     * that an unlock must really wake it; returns early where /proc does not tell.
     */
    private static void awaitFutexSleep(long pid, Path file, Duration wait) throws InterruptedException {
        long until = System.nanoTime() + wait.toNanos();
        Path proc = Path.of("/proc", String.valueOf(pid));
        while (System.nanoTime() < until) {
            try {
                long word = -1;
                for (String line : Files.readAllLines(proc.resolve("maps"))) {
                    if (line.endsWith(" " + file.toRealPath()) || line.endsWith(" " + file)) {
                        word = Long.parseUnsignedLong(line.substring(0, line.indexOf('-')), 16) + SharedRegion.HEADER_SIZE;
                        break;
                    }
                }
                if (word >= 0) {
                    try (var tasks = Files.list(proc.resolve("task"))) {
                        for (Path task : tasks.toList()) {
                            String[] fields = read(task.resolve("syscall")).split(" ");
                            if (fields.length > 1 && fields[0].equals(String.valueOf(FutexCalls.SYS_FUTEX)) && fields[1].startsWith("0x")
                                    && Long.parseUnsignedLong(fields[1].substring(2), 16) == word) {
                                return;
                            }
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                Thread.sleep(300); // this /proc cannot tell: give the child time to fall asleep
                return;
            }
            Thread.sleep(2);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    private static String outcome(Future<?> done) {
        try {
            return "returned " + done.get();
        } catch (Exception e) {
            return String.valueOf(e.getCause() == null ? e : e.getCause());
        }
    }

    /** A failure to lock, with how long it took. */
    private static final class TimedOut extends Exception {
        private static final long serialVersionUID = 1L;

        final long millis;

        TimedOut(Throwable cause, long millis) {
            super(cause);
            this.millis = millis;
        }
    }
}
