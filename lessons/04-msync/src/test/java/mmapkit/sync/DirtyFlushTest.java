package mmapkit.sync;

import static mmapkit.sync.Messages.saying;
import static mmapkit.sync.SyncFiles.WRITEBACK_NOTE;
import static mmapkit.sync.SyncFiles.dirtyPages;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import mmapkit.course.Task;
import mmapkit.dirty.DirtyTracker;
import mmapkit.faults.Advice;
import mmapkit.faults.PageControl;
import mmapkit.faults.PageRun;
import mmapkit.mapping.MapMode;
import mmapkit.mapping.MappedFile;
import mmapkit.mapping.Pages;
import mmapkit.mapping.natives.MemoryMapCalls;
import mmapkit.mapping.natives.NativeCallException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

@Task(id = "04.3", points = 15, title = "Flush only the dirty runs")
class DirtyFlushTest {

    private static final long PAGE = Pages.size();

    private final SyncFiles files = SyncFiles.create();

    @AfterEach
    void deleteFiles() {
        files.close();
    }

    @Test
    void oneMsyncPerDirtyRunAndOnlyTheTrackedPagesAreFlushed() throws Exception {
        SyncFiles.assumeCachestat();
        Path file = files.hole("runs.bin", 32);
        try (MappedFile mapping = SyncFiles.mapPageByPage(file)) {
            MemorySegment segment = mapping.segment();
            DirtyTracker tracker = DirtyTracker.over(segment);
            for (long page : new long[] {1, 2, 3, 10, 20, 21}) {
                tracker.putLong(page * PAGE + 8, page);
            }
            segment.set(ValueLayout.JAVA_LONG, 5 * PAGE, -5L);  // straight into the segment: no mark
            segment.set(ValueLayout.JAVA_LONG, 30 * PAGE, -30L);
            assertThat(dirtyPages(file, 0, 32)).as("8 pages stored to, 6 of them through the tracker" + WRITEBACK_NOTE)
                    .isEqualTo(8);

            FlushReport report = DirtyFlush.flushDirtyRuns(tracker, SyncFlag.SYNC);

            assertThat(report).as("runs 1..3, 10 and 20..21: one msync each, 6 pages of %d bytes", PAGE)
                    .isEqualTo(new FlushReport(3, 6, 6 * PAGE));
            for (long page : new long[] {1, 2, 3, 10, 20, 21}) {
                assertThat(dirtyPages(file, page, 1))
                        .as("page %d was written through the tracker: flushed, clean", page)
                        .isZero();
            }
            assertThat(dirtyPages(file, 5, 1))
                    .as("page 5 was stored to straight into the segment: the tracker never saw it, so it must"
                            + " stay dirty (a flush of the whole segment would have cleaned it)" + WRITEBACK_NOTE)
                    .isEqualTo(1);
            assertThat(dirtyPages(file, 30, 1)).as("page 30, the same" + WRITEBACK_NOTE).isEqualTo(1);
            assertThat(tracker.dirtyPages()).as("flushed pages are clean: the tracker has no mark left").isZero();
            assertThat(DirtyFlush.flushDirtyRuns(tracker, SyncFlag.SYNC)).as("a second flush finds nothing dirty")
                    .isEqualTo(FlushReport.NOTHING);
        }
    }

    @Test
    void aTrackerThatSawNoWriteFlushesNothing() throws Exception {
        Path file = files.hole("clean.bin", 4);
        try (MappedFile mapping = MappedFile.map(file, MapMode.SHARED)) {
            DirtyTracker tracker = DirtyTracker.over(mapping.segment());
            assertThat(DirtyFlush.flushDirtyRuns(tracker, SyncFlag.SYNC)).as("no dirty page, no msync")
                    .isEqualTo(FlushReport.NOTHING);
            assertThat(DirtyFlush.flushDirtyRuns(tracker, SyncFlag.ASYNC, SyncFlag.INVALIDATE))
                    .as("with any valid flags").isEqualTo(FlushReport.NOTHING);
            assertThatThrownBy(() -> DirtyFlush.flushDirtyRuns(tracker, SyncFlag.SYNC, SyncFlag.ASYNC),
                    "SYNC and ASYNC on a tracker with nothing dirty: bad flags are refused all the same")
                    .isInstanceOf(IllegalArgumentException.class)
                    .satisfies(saying("exactly one of SYNC or ASYNC"));
            assertThatThrownBy(() -> DirtyFlush.flushDirtyRuns(tracker), "no flag, nothing dirty")
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void theBytesOfAPartialLastPageAreWhatIsLeftOfTheSegment() throws Exception {
        SyncFiles.assumeCachestat();
        Path file = files.hole("partial.bin", 4);
        long size = 3 * PAGE + 100; // three whole pages and 100 bytes of a fourth
        try (MappedFile mapping = MappedFile.map(file, MapMode.SHARED, 0, size)) {
            PageControl.advise(mapping.pageSpan(), Advice.RANDOM);
            DirtyTracker tracker = DirtyTracker.over(mapping.segment());
            tracker.putLong(2 * PAGE, 2);
            tracker.putByte(size - 1, (byte) 3);
            tracker.putByte(0, (byte) 1);
            FlushReport report = DirtyFlush.flushDirtyRuns(tracker, SyncFlag.SYNC);
            assertThat(report).as("runs 0 and 2..3; page 3 holds only the last 100 bytes of the segment, so the bytes"
                    + " are 1 page + 1 page + 100, not 3 whole pages").isEqualTo(new FlushReport(2, 3, 2 * PAGE + 100));
            assertThat(dirtyPages(file, 0, 4)).as("all three runs' pages are clean").isZero();
        }
    }

    @Test
    void aGibibyteMappingWithThreeDirtyPagesTakesThreeOnePageCalls() throws Exception {
        SyncFiles.assumeCachestat();
        long pages = (1L << 30) / PAGE; // a sparse file of 1 GiB: no block of it on disk, no page cached
        Path file = files.hole("sparse-1GiB.bin", pages);
        try (MappedFile mapping = SyncFiles.mapPageByPage(file)) {
            DirtyTracker tracker = DirtyTracker.over(mapping.segment());
            for (long page : new long[] {0, pages / 2 + 3, pages - 1}) {
                tracker.putLong(page * PAGE, page);
            }
            assertThat(tracker.dirtyRuns()).hasSize(3);
            FlushReport report = DirtyFlush.flushDirtyRuns(tracker, SyncFlag.SYNC);
            assertThat(report).as("3 dirty pages of a 1 GiB mapping: 3 msync calls of one page each, whatever the"
                    + " size of the mapping")
                    .isEqualTo(new FlushReport(3, 3, 3 * PAGE));
            assertThat(dirtyPages(file, 0, pages)).as("nothing of the file is dirty afterwards").isZero();
        }
    }

    @Test
    void badArgumentsAreRefusedAndTheTrackerKeepsItsMarks() throws Exception {
        SyncFiles.assumeCachestat();
        Path file = files.hole("refused.bin", 8);
        try (MappedFile mapping = SyncFiles.mapPageByPage(file)) {
            DirtyTracker tracker = DirtyTracker.over(mapping.segment());
            tracker.putLong(PAGE, 1);
            tracker.putLong(4 * PAGE, 4);
            assertThatThrownBy(() -> DirtyFlush.flushDirtyRuns(tracker, SyncFlag.SYNC, SyncFlag.ASYNC),
                    "SYNC and ASYNC").isInstanceOf(IllegalArgumentException.class)
                    .satisfies(saying("exactly one of SYNC or ASYNC"));
            assertThatThrownBy(() -> DirtyFlush.flushDirtyRuns(tracker), "no flag")
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> DirtyFlush.flushDirtyRuns(null, SyncFlag.SYNC), "a null tracker")
                    .isInstanceOf(NullPointerException.class);
            assertThat(tracker.dirtyRuns()).as("a refused flush must keep every mark: the pages are still unflushed")
                    .containsExactly(new PageRun(1, 1), new PageRun(4, 1));
            assertThat(dirtyPages(file, 0, 8)).as("... and the kernel still holds them dirty" + WRITEBACK_NOTE)
                    .isEqualTo(2);
        }
    }

    @Test
    void aTrackerOverASegmentThatIsNotPageAlignedIsRefused() throws Exception {
        Path file = files.hole("slice.bin", 4);
        try (MappedFile mapping = MappedFile.map(file, MapMode.SHARED)) {
            DirtyTracker tracker = DirtyTracker.over(mapping.segment().asSlice(8));
            tracker.putLong(0, 1);
            assertThatThrownBy(() -> DirtyFlush.flushDirtyRuns(tracker, SyncFlag.SYNC),
                    "a tracker over a slice that starts 8 bytes into a page: the tracker's page p starts 8 bytes"
                            + " into page p of memory: its runs are not the kernel's pages")
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(tracker.dirtyPages()).as("refused: the mark stays").isEqualTo(1);
        }
    }

    @Test
    void aTrackerOverAClosedMappingIsRefused() throws Exception {
        Path file = files.hole("closed.bin", 4);
        MappedFile mapping = MappedFile.map(file, MapMode.SHARED);
        DirtyTracker tracker = DirtyTracker.over(mapping.segment());
        tracker.putLong(0, 1);
        mapping.close();
        assertThatThrownBy(() -> DirtyFlush.flushDirtyRuns(tracker, SyncFlag.SYNC), "a tracker over a closed mapping")
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    @SuppressWarnings("restricted") // a segment of the global scope over memory that is partly unmapped below
    void aFailedMsyncLeavesEveryMarkSoThatTheNextFlushRetries() {
        long address = MemoryMapCalls.mmap(0, 4 * PAGE, MemoryMapCalls.PROT_READ | MemoryMapCalls.PROT_WRITE,
                MemoryMapCalls.MAP_PRIVATE | MemoryMapCalls.MAP_ANONYMOUS, -1, 0);
        try {
            DirtyTracker tracker = DirtyTracker.over(MemorySegment.ofAddress(address).reinterpret(4 * PAGE));
            tracker.putLong(0, 1);         // run 0: its msync succeeds
            tracker.putLong(2 * PAGE, 2);  // run 2: its page is unmapped below, its msync fails with ENOMEM
            MemoryMapCalls.munmap(address + 2 * PAGE, PAGE);
            // from here on nothing touches the memory: msync and the tracker's bitmap only
            assertThatThrownBy(() -> DirtyFlush.flushDirtyRuns(tracker, SyncFlag.SYNC),
                    "msync of the unmapped page 2 fails with ENOMEM")
                    .isInstanceOfSatisfying(NativeCallException.class,
                            e -> assertThat(e.errnoName()).isEqualTo("ENOMEM"));
            assertThat(tracker.dirtyRuns()).as("after a failed call every mark stays, even that of run 0 whose msync"
                    + " succeeded: pages flushed twice cost a little, pages never flushed would be lost")
                    .containsExactly(new PageRun(0, 1), new PageRun(2, 1));
        } finally {
            MemoryMapCalls.munmap(address, 4 * PAGE); // unmaps what is left; the hole is fine
        }
    }
}
