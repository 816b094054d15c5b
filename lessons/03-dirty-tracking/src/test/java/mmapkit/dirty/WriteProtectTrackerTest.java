package mmapkit.dirty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import mmapkit.course.Task;
import mmapkit.dirty.natives.PagemapScanCall;
import mmapkit.faults.PageRun;
import mmapkit.mapping.MapMode;
import mmapkit.mapping.MappedFile;
import mmapkit.mapping.Pages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

@Task(id = "03.7", points = 15, title = "Track writes with write protection and PAGEMAP_SCAN")
class WriteProtectTrackerTest {

    private static final long PAGE = Pages.size();

    private final KernelViewFiles files = KernelViewFiles.create();

    @AfterEach
    void deleteFiles() {
        files.close();
    }

    /** Skips, with the probe's reason, on a kernel before 6.7 or without userfaultfd. */
    private static void assumeSupported() {
        assumeTrue(WriteProtectTracker.supported(), WriteProtectTracker.unsupportedReason());
    }

    private static void store(MappedFile file, long page, int offsetInPage) {
        file.segment().set(ValueLayout.JAVA_BYTE, page * PAGE + offsetInPage, (byte) 7);
    }

    @Test
    void regionsOfOneWalkOrOfAResumedWalkBecomeRuns() {
        long start = 1L << 30;
        List<PageRun> runs = new ArrayList<>();
        WriteProtectTracker.appendRuns(runs, start, List.of(new PagemapScanCall.Region(start + 2 * PAGE, start + 4 * PAGE, 2),
                new PagemapScanCall.Region(start + 9 * PAGE, start + 10 * PAGE, 2)));
        assertThat(runs).as("regions [2, 4) and [9, 10) in pages from the start address").containsExactly(
                new PageRun(2, 2), new PageRun(9, 1));
        WriteProtectTracker.appendRuns(runs, start, List.of(new PagemapScanCall.Region(start + 10 * PAGE, start + 12 * PAGE, 2),
                new PagemapScanCall.Region(start + 20 * PAGE, start + 21 * PAGE, 2)));
        assertThat(runs).as("a resumed walk whose first region continues the last run extends that run").containsExactly(
                new PageRun(2, 2), new PageRun(9, 3), new PageRun(20, 1));
        WriteProtectTracker.appendRuns(runs, start, List.of());
        assertThat(runs).as("no region adds nothing").hasSize(3);
    }

    @Test
    void reportsExactlyThePagesStoredToWithPlainStores() throws IOException {
        assumeSupported();
        try (MappedFile file = MappedFile.map(files.hole("tracked.bin", 32), MapMode.SHARED);
             WriteProtectTracker tracker = WriteProtectTracker.over(file.segment())) {
            assertThat(tracker.pageCount()).as("32 pages").isEqualTo(32);
            assertThat(tracker.writtenRuns()).as("nothing written right after over(...)").isEmpty();
            store(file, 3, 0);
            store(file, 10, (int) PAGE - 1);
            store(file, 11, 5);
            store(file, 31, 100);
            List<PageRun> expected = List.of(new PageRun(3, 1), new PageRun(10, 2), new PageRun(31, 1));
            assertThat(tracker.writtenRuns()).as("plain stores, no write API: the kernel marked the pages").isEqualTo(expected);
            assertThat(tracker.writtenRuns()).as("looking does not reset").isEqualTo(expected);
            assertThat(tracker.writtenPages()).isEqualTo(4);
        }
    }

    @Test
    void eachTakeIsOneEpoch() throws IOException {
        assumeSupported();
        try (MappedFile file = MappedFile.map(files.hole("epochs.bin", 16), MapMode.SHARED);
             WriteProtectTracker tracker = WriteProtectTracker.over(file.segment())) {
            store(file, 1, 0);
            store(file, 2, 0);
            assertThat(tracker.takeWrittenRuns()).as("epoch 1: pages 1 and 2").containsExactly(new PageRun(1, 2));
            assertThat(tracker.writtenRuns()).as("the take protected them again: nothing written in epoch 2 yet").isEmpty();
            store(file, 2, 1);
            store(file, 9, 0);
            assertThat(tracker.takeWrittenRuns()).as("epoch 2: only what was stored since the last take")
                    .containsExactly(new PageRun(2, 1), new PageRun(9, 1));
            assertThat(tracker.takeWrittenRuns()).as("epoch 3: nothing stored").isEmpty();
            store(file, 5, 0);
            tracker.clear();
            assertThat(tracker.writtenRuns()).as("clear() protects every page again").isEmpty();
            store(file, 5, 1);
            assertThat(tracker.writtenRuns()).as("and the next store shows again").containsExactly(new PageRun(5, 1));
        }
    }

    @Test
    void seesStoresOfOtherThreadsAndOfSystemCallsButNotWritesToTheFile() throws Exception {
        assumeSupported();
        Path source = files.dir().resolve("source.bin");
        Files.write(source, new byte[(int) PAGE]);
        Path tracked = files.hole("others.bin", 16);
        try (MappedFile file = MappedFile.map(tracked, MapMode.SHARED);
             WriteProtectTracker tracker = WriteProtectTracker.over(file.segment())) {
            Thread other = Thread.ofPlatform().start(() -> store(file, 4, 0));
            other.join(10_000);
            try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ)) {
                ByteBuffer intoPage6 = file.segment().asSlice(6 * PAGE, PAGE).asByteBuffer();
                assertThat(in.read(intoPage6, 0)).as("read(2) straight into the mapping").isEqualTo((int) PAGE);
            }
            try (FileChannel out = FileChannel.open(tracked, StandardOpenOption.WRITE)) {
                out.write(ByteBuffer.wrap(new byte[] {1}), 8 * PAGE); // the file, not the memory: no store here
            }
            assertThat(tracker.takeWrittenRuns())
                    .as("page 4 (another thread) and page 6 (the kernel copying for read(2)) went through this process's"
                            + " page tables; page 8 was changed by write(2) to the file, which no page table sees")
                    .containsExactly(new PageRun(4, 1), new PageRun(6, 1));
        }
    }

    @Test
    void closeStopsTrackingAndGivesTheRangeBack() throws IOException {
        assumeSupported();
        try (MappedFile file = MappedFile.map(files.hole("closed.bin", 8), MapMode.SHARED)) {
            WriteProtectTracker tracker = WriteProtectTracker.over(file.segment());
            store(file, 0, 0);
            tracker.close();
            tracker.close(); // a second close does nothing
            assertThat(catchThrowable(tracker::writtenRuns)).as("a closed tracker refuses to scan, saying it is closed")
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
            store(file, 1, 0);
            assertThat(file.segment().get(ValueLayout.JAVA_BYTE, PAGE)).as("the memory keeps working and its bytes")
                    .isEqualTo((byte) 7);
            try (WriteProtectTracker again = WriteProtectTracker.over(file.segment())) {
                assertThat(again.writtenRuns()).as("the range was unregistered: a new tracker may take it (else EBUSY)")
                        .isEmpty();
            }
        }
    }

    @Test
    void refusesMemoryThatDoesNotStartOnAPage() throws IOException {
        assumeSupported();
        try (MappedFile file = MappedFile.map(files.hole("unaligned.bin", 4), MapMode.SHARED)) {
            assertThat(catchThrowable(() -> WriteProtectTracker.over(file.segment().asSlice(1))))
                    .as("write protection works on whole pages: the message names the address and the rule")
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(Long.toHexString(file.segment().address() + 1)).hasMessageContaining("page boundary");
            try (WriteProtectTracker first = WriteProtectTracker.over(file.segment())) {
                assertThat(catchThrowable(() -> WriteProtectTracker.over(file.segment())))
                        .as("a range another userfaultfd has taken: the kernel says EBUSY")
                        .isInstanceOf(mmapkit.mapping.natives.NativeCallException.class).hasMessageContaining("EBUSY");
                store(file, 2, 0);
                assertThat(first.writtenRuns()).as("the first tracker is unharmed").containsExactly(new PageRun(2, 1));
            }
        }
    }
}
