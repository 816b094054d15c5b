package mmapkit.faults.pager;

import static mmapkit.faults.pager.Pager.PAGE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import mmapkit.course.Task;
import mmapkit.course.TimeBudget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

@Task(id = "02.9", points = 10, title = "Serve a file lazily, and shut down cleanly")
class LazyFileTest {

    @TempDir
    Path dir;

    /** A file of {@code pages} pages and {@code extra} bytes more, byte i of page p being (p * 3 + i % 5). */
    private Path file(long pages, int extra) throws IOException {
        byte[] bytes = new byte[(int) (pages * PAGE + extra)];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = expected(i / PAGE, i % PAGE);
        }
        return Files.write(dir.resolve("lazy.bin"), bytes);
    }

    private static byte expected(long page, long offsetInPage) {
        return (byte) (page * 3 + offsetInPage % 5);
    }

    @Test
    void theFileSourceReadsOnePageWithPread() throws IOException {
        Path file = file(3, 100); // 3 whole pages and 100 bytes of a fourth
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ); Arena arena = Arena.ofConfined()) {
            MemorySegment page = arena.allocate(PAGE);
            PageSource source = PageSource.file(channel);
            source.fill(2, page);
            assertThat(page.get(ValueLayout.JAVA_BYTE, 0)).as("first byte of page 2").isEqualTo(expected(2, 0));
            assertThat(page.get(ValueLayout.JAVA_BYTE, PAGE - 1)).as("last byte of page 2").isEqualTo(expected(2, PAGE - 1));
            page.fill((byte) 0);
            source.fill(3, page);
            assertThat(page.get(ValueLayout.JAVA_BYTE, 99)).as("the last byte of the file, in page 3").isEqualTo(expected(3, 99));
            assertThat(page.get(ValueLayout.JAVA_BYTE, 100)).as("past the end of the file the page stays zero").isZero();
            assertThat(channel.position()).as("pread leaves the channel's position alone").isZero();
        }
    }

    @Test
    void servesAFileLazilyEachPageWhenFirstTouched() throws Exception {
        Pager.assumeUserfaultfd();
        long pages = 32;
        try (FileChannel channel = FileChannel.open(file(pages, 0), StandardOpenOption.READ);
             LazyRegion region = LazyRegion.open(pages, PageSource.file(channel))) {
            long[] touched = {7, 2, 30};
            for (long page : touched) {
                assertThat(region.read(page * PAGE + 1, 1)).as("byte 1 of page %d, as in the file", page)
                        .containsExactly(expected(page, 1));
            }
            assertThat(region.pageOrder()).as("the file's pages arrived in the order they were touched")
                    .containsExactly(7L, 2L, 30L);
            assertThat(Pager.residency(region)).as("exactly those pages are in memory").isEqualTo(Pager.picture(pages, touched));
            assertThat(region.faults()).as("one fault per page touched").isEqualTo(3);
            byte[] all = region.read(0, (int) (pages * PAGE));
            for (int i = 0; i < all.length; i += 997) {
                assertThat(all[i]).as("byte %d of the whole region", i).isEqualTo(expected(i / PAGE, i % PAGE));
            }
            assertThat(region.pageOrder()).as("then all the others, in address order, each exactly once").hasSize((int) pages)
                    .doesNotHaveDuplicates().startsWith(7L, 2L, 30L, 0L, 1L, 3L);
            assertThat(region.faults()).as("one fault per page, never one for a page that was there").isEqualTo(pages);
        }
    }

    @Test
    void closeWaitsForAReaderWhosePageIsOnItsWay() throws Exception {
        Pager.assumeUserfaultfd();
        LazyRegion region = LazyRegion.open(8, PageSource.slow(PageSource.pattern(), Duration.ofMillis(300)));
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread reader = Thread.ofPlatform().start(() -> {
            try {
                outcome.set(region.read(4 * PAGE, 1));
            } catch (RuntimeException e) {
                outcome.set(e);
            }
        });
        Pager.awaitFaults(region, 1); // the reader waits in the fault now
        long start = System.nanoTime();
        region.close();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("close returned in bounded time").isLessThan(Duration.ofSeconds(15));
        reader.join(TimeBudget.scaledMillis(10_000));
        assertThat(reader.isAlive()).as("the reader is not left waiting").isFalse();
        assertThat(outcome.get()).as("close let the page in flight arrive: the reader got page 4's byte")
                .isInstanceOf(byte[].class).isEqualTo(new byte[] {PageSource.patternByte(4)});
        assertThat(catchThrowable(() -> region.read(0, 1))).as("after close, reads are refused, saying so")
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("clos");
        region.close(); // a second close does nothing
    }

    @Test
    void closeNeverLeavesAReaderWaitingForAPageThatDoesNotCome() throws Exception {
        Pager.assumeUserfaultfd();
        CountDownLatch never = new CountDownLatch(1);
        PageSource stuck = (page, into) -> {
            try {
                never.await(30, TimeUnit.SECONDS); // a source that hangs: a dead disk, a lost connection
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        LazyRegion region = LazyRegion.open(4, stuck);
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread reader = Thread.ofPlatform().start(() -> {
            try {
                outcome.set(region.read(PAGE, 1));
            } catch (RuntimeException e) {
                outcome.set(e);
            }
        });
        try {
            Pager.awaitFaults(region, 1);
            long start = System.nanoTime();
            region.close(Duration.ofMillis(200));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("close gave up waiting after its timeout")
                    .isLessThan(Duration.ofSeconds(5));
            reader.join(TimeBudget.scaledMillis(5_000));
            assertThat(reader.isAlive()).as("the reader was woken by the unregistering, not left in the fault").isFalse();
            assertThat(outcome.get()).as("its read fails, naming the page that never came")
                    .isInstanceOf(IllegalStateException.class);
            assertThat(((Exception) outcome.get()).getMessage()).contains("page 1");
        } finally {
            never.countDown();
        }
    }

    @Test
    void garbageCollectionsWhileFaultsArePendingDoNotDeadlock() throws Exception {
        Pager.assumeUserfaultfd();
        // the handler forces a GC (a safepoint) before every page, while readers wait in faults
        PageSource collecting = (page, into) -> {
            byte[][] garbage = new byte[64][];
            for (int i = 0; i < garbage.length; i++) {
                garbage[i] = new byte[16 * 1024];
            }
            System.gc();
            PageSource.pattern().fill(page, into);
            into.set(ValueLayout.JAVA_BYTE, 1, (byte) garbage.length);
        };
        for (int round = 0; round < 3; round++) {
            try (LazyRegion region = LazyRegion.open(32, collecting)) {
                List<Thread> readers = new ArrayList<>();
                List<Object> results = java.util.Collections.synchronizedList(new ArrayList<>());
                for (int r = 0; r < 4; r++) {
                    int first = r * 8;
                    readers.add(Thread.ofPlatform().start(() -> {
                        for (int page = first; page < first + 8; page++) {
                            try {
                                results.add(region.read(page * PAGE, 1)[0] == PageSource.patternByte(page));
                            } catch (RuntimeException e) {
                                results.add(e);
                            }
                        }
                    }));
                }
                for (Thread reader : readers) {
                    reader.join(TimeBudget.scaledMillis(20_000));
                    assertThat(reader.isAlive()).as("round %d: a reader still waits after 20 s (times the time scale):"
                            + " the JVM is stuck at a safepoint while a reader waits in a fault taken in Java code", round)
                            .isFalse();
                }
                assertThat(results).as("round %d: all 32 pages read right (true), no read failed", round).hasSize(32)
                        .containsOnly(true);
                assertThat(region.faults()).as("one fault per page").isEqualTo(32);
            }
        }
    }
}
