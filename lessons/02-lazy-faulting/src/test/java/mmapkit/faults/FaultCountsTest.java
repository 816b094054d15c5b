package mmapkit.faults;

import static mmapkit.mapping.natives.MemoryMapCalls.MAP_PRIVATE;
import static mmapkit.mapping.natives.MemoryMapCalls.PROT_READ;
import static mmapkit.mapping.natives.MemoryMapCalls.PROT_WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import mmapkit.course.Task;
import mmapkit.mapping.RawMapping;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

@Task(id = "02.1", points = 10, title = "Count page faults")
class FaultCountsTest {

    private static final long PAGE = DiskFiles.PAGE;

    /** A stat line as the kernel writes it, for a thread named "a) (b c" (comm may hold both). */
    private static final String TRICKY = "4242 (a) (b c) S 1 4242 4242 0 -1 4194560 731 0 12 0 5 3 0 0 20 0 1 0 "
            + "123 4096 100 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n"; // not a page size: vsize in a sample stat line

    @Test
    void minorAndMajorFaultsAreFields10And12CountedAfterTheLastParenthesis() {
        assertThat(FaultCounters.parse(TRICKY))
                .as("comm 'a) (b c' holds spaces and parentheses: count the fields after the LAST ')',"
                        + " where field 3 (state) comes first; field 10 is minflt, field 12 majflt")
                .isEqualTo(new Faults(731, 12));
        assertThat(FaultCounters.parse("1 (systemd) S 0 1 1 0 -1 4194560 98304 7654321 81 9999 1 2 3 4 20 0 1 0 5 6 7"))
                .as("field 11 (cminflt, 7654321) and field 13 (cmajflt, 9999) are the children's, not ours")
                .isEqualTo(new Faults(98304, 81));
    }

    @Test
    void countsSubtractAndAdd() {
        Faults after = new Faults(1_000, 30);
        Faults before = new Faults(400, 28);
        assertThat(after.minus(before)).as("faults between two readings: after.minus(before)")
                .isEqualTo(new Faults(600, 2));
        assertThat(after.minus(before).total()).as("total() is minor + major").isEqualTo(602);
        assertThat(Faults.NONE.total()).isZero();
    }

    @Test
    void statTextThatCannotBeParsedIsRefusedSayingWhy() {
        assertThat(catchThrowable(() -> FaultCounters.parse("4242 bash S 1 2 3")))
                .as("without a ')' there is no end of comm to count from")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("')'");
        assertThat(catchThrowable(() -> FaultCounters.parse("4242 (bash) S 1 2 3 4 5")))
                .as("a line that stops before field 12 has no majflt: say how many fields there were")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fields").hasMessageContaining("12");
        assertThat(catchThrowable(() -> FaultCounters.parse("4242 (bash) S 1 2 3 4 5 6 many 7 8 9")))
                .as("field 10 is not a number: name the field and its text")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("many").hasMessageFindingMatch("minflt|10");
    }

    @Test
    void theLiveCountersOfThisProcessAndThreadGrowWithFirstTouches() {
        long pages = 64;
        try (RawMapping memory = RawMapping.anonymous(pages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE)) {
            MemorySegment segment = memory.segment();
            Kernel.onePagePerFault(segment);
            Faults processBefore = FaultCounters.process();
            Faults threadBefore = FaultCounters.thread();
            for (long page = 0; page < pages; page++) {
                segment.set(ValueLayout.JAVA_BYTE, page * PAGE, (byte) 1); // first touch: a zeroed page is allocated
            }
            Faults thread = FaultCounters.thread().minus(threadBefore);
            Faults process = FaultCounters.process().minus(processBefore);
            assertThat(thread.minor()).as("the first store to each of %d fresh anonymous pages is one minor fault"
                    + " of this thread (/proc/thread-self/stat)", pages).isBetween(pages, pages + pages / 2 + Kernel.NOISE);
            assertThat(thread.major()).as("anonymous memory needs no disk: no major fault").isZero();
            assertThat(process.minor()).as("/proc/self/stat counts every thread of the process, this one included")
                    .isGreaterThanOrEqualTo(thread.minor());
            assertThat(FaultCounters.process().minor()).as("a process has at least the faults of each of its threads")
                    .isGreaterThanOrEqualTo(FaultCounters.thread().minor());
        }
    }

    @Test
    void measureCountsTheFaultsOfTheCodeInTheCallingThread() {
        long pages = 128;
        try (RawMapping memory = RawMapping.anonymous(pages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE)) {
            MemorySegment segment = memory.segment();
            Kernel.onePagePerFault(segment);
            Faults faults = FaultCounters.measure(() -> {
                for (long page = 0; page < pages; page++) {
                    segment.set(ValueLayout.JAVA_INT, page * PAGE, 7);
                }
            });
            assertThat(faults.minor()).as("measure(code): the calling thread's faults while code ran, here one per"
                    + " page of %d fresh anonymous pages (plus a few of the JVM's)", pages)
                    .isBetween(pages, pages + pages / 2 + Kernel.NOISE);
            assertThat(faults.major()).isZero();
            Faults again = FaultCounters.measure(() -> {
                for (long page = 0; page < pages; page++) {
                    segment.set(ValueLayout.JAVA_INT, page * PAGE, 8);
                }
            });
            assertThat(again.minor()).as("the pages are mapped now: storing to them again costs no fault").isLessThan(Kernel.NOISE);
        }
    }

    @Test
    void anotherThreadsFaultsAreNotTheCallingThreads() throws Exception {
        long pages = 256;
        try (RawMapping memory = RawMapping.anonymous(pages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE)) {
            MemorySegment segment = memory.segment();
            Kernel.onePagePerFault(segment);
            Faults processBefore = FaultCounters.process();
            Faults faults = FaultCounters.measure(() -> {
                Thread other = Thread.ofPlatform().start(() -> {
                    for (long page = 0; page < pages; page++) {
                        segment.set(ValueLayout.JAVA_BYTE, page * PAGE, (byte) 1);
                    }
                });
                try {
                    other.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertThat(FaultCounters.process().minus(processBefore).minor())
                    .as("the other thread's %d first touches count in /proc/self/stat", pages).isGreaterThanOrEqualTo(pages);
            assertThat(faults.minor()).as("measure reads /proc/thread-self/stat: the %d faults of the other thread"
                    + " are not the calling thread's (starting a thread costs this one a few at most)", pages)
                    .isLessThan(pages / 2);
        }
    }
}
