package mmapkit.faults.pager;

import static mmapkit.faults.pager.Pager.PAGE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import mmapkit.course.Task;
import mmapkit.course.TimeBudget;
import mmapkit.faults.natives.UserfaultCalls;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

@Task(id = "02.8", points = 10, title = "Serve page faults from user space")
class LazyRegionTest {

    private static MemorySegment message(int event, long flags, long address) {
        MemorySegment message = Arena.ofAuto().allocate(UserfaultCalls.MESSAGE_LAYOUT);
        message.set(ValueLayout.JAVA_BYTE, 0, (byte) event);
        message.set(ValueLayout.JAVA_LONG, 8, flags);
        message.set(ValueLayout.JAVA_LONG, 16, address);
        return message;
    }

    @Test
    void decodesAPageFaultMessage() {
        assertThat(FaultEvent.decode(message(0x12, 0, 0x7f0000001000L)))
                .as("event 0x12 (page fault), flags 0: a read of the page at 0x7f0000001000")
                .isEqualTo(new FaultEvent(0x7f0000001000L, false));
        assertThat(FaultEvent.decode(message(0x12, UserfaultCalls.UFFD_PAGEFAULT_FLAG_WRITE, 0x7f0000002000L)))
                .as("flag bit 0 (UFFD_PAGEFAULT_FLAG_WRITE): a store").isEqualTo(new FaultEvent(0x7f0000002000L, true));
        assertThat(catchThrowable(() -> FaultEvent.decode(message(0x13, 0, 0))))
                .as("0x13 is a fork event, not a page fault: refused, naming the event")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0x13");
        assertThat(catchThrowable(() -> FaultEvent.decode(Arena.ofAuto().allocate(16))))
                .as("16 bytes are not a struct uffd_msg").isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("16");
    }

    @Test
    void servesEachPageAtItsFirstTouchAndOnlyThen() {
        Pager.assumeUserfaultfd();
        LazyRegion region = LazyRegion.open(16, PageSource.pattern());
        try {
            assertThat(Pager.residency(region)).as("nothing is there before the first touch").isEqualTo(Pager.picture(16));
            assertThat(region.read(3 * PAGE + 10, 4)).as("bytes of page 3, produced by the pattern on demand")
                    .containsOnly(PageSource.patternByte(3));
            assertThat(region.faults()).as("one touch of one missing page: one fault").isEqualTo(1);
            assertThat(Pager.residency(region)).as("only page 3 arrived").isEqualTo(Pager.picture(16, 3));
            region.read(3 * PAGE, 8);
            assertThat(region.faults()).as("page 3 is there now: touching it again takes no fault").isEqualTo(1);
            byte[] across = region.read(PAGE - 2, 4); // the last 2 bytes of page 0, the first 2 of page 1
            assertThat(across).as("one read across pages 0 and 1")
                    .containsExactly(PageSource.patternByte(0), PageSource.patternByte(0), PageSource.patternByte(1),
                            PageSource.patternByte(1));
            assertThat(region.pageOrder()).as("pages in the order they were first touched").containsExactly(3L, 0L, 1L);
            assertThat(region.faults()).as("three pages, three faults").isEqualTo(3);
            assertThat(Pager.residency(region)).isEqualTo(Pager.picture(16, 0, 1, 3));
        } finally {
            Pager.close(region);
        }
    }

    @Test
    void manyThreadsTouchingThePageAtOnceAllGetIt() throws Exception {
        Pager.assumeUserfaultfd();
        LazyRegion region = LazyRegion.open(4, PageSource.slow(PageSource.pattern(), java.time.Duration.ofMillis(100)));
        try {
            List<Thread> readers = new java.util.ArrayList<>();
            Object[] seen = new Object[6];
            for (int i = 0; i < seen.length; i++) {
                int index = i;
                readers.add(Thread.ofPlatform().start(() -> {
                    try {
                        seen[index] = region.read(2 * PAGE + index, 1);
                    } catch (RuntimeException e) {
                        seen[index] = e;
                    }
                }));
            }
            for (Thread reader : readers) {
                reader.join(TimeBudget.scaledMillis(10_000));
                assertThat(reader.isAlive()).as("every reader of the page was woken within 10 s (times the time scale)").isFalse();
            }
            for (Object bytes : seen) {
                assertThat(bytes).as("each reader got page 2's byte").isEqualTo(new byte[] {PageSource.patternByte(2)});
            }
            assertThat(region.pageOrder()).as("the page was produced and copied in once; further messages for it found"
                    + " it there (EEXIST)").containsExactly(2L);
            assertThat(region.faults()).as("one fault per waiting thread, at least one").isBetween(1L, 6L);
        } finally {
            Pager.close(region);
        }
    }

    @Test
    void aPageTheSourceCannotProduceFailsTheReadThatAskedForIt() {
        Pager.assumeUserfaultfd();
        PageSource failing = (page, into) -> {
            if (page == 5) {
                throw new IOException("disk error at page 5");
            }
            PageSource.pattern().fill(page, into);
        };
        LazyRegion region = LazyRegion.open(8, failing);
        try {
            assertThat(catchThrowable(() -> region.read(5 * PAGE, 1)))
                    .as("the reader is woken (with a zero page) and told which page failed, not left waiting")
                    .isInstanceOf(UncheckedIOException.class).hasMessageContaining("page 5");
            assertThat(region.read(6 * PAGE, 1)).as("the handler goes on serving").containsExactly(PageSource.patternByte(6));
        } finally {
            Pager.close(region);
        }
    }
}
