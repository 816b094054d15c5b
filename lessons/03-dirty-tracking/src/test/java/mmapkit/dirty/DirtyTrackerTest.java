package mmapkit.dirty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import mmapkit.course.Task;
import mmapkit.faults.PageRun;
import mmapkit.mapping.MapMode;
import mmapkit.mapping.MappedFile;
import mmapkit.mapping.Pages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

@Task(id = "03.5", points = 20, title = "Track dirty pages behind a write API")
class DirtyTrackerTest {

    private static final long PAGE = Pages.size();

    private final Arena arena = Arena.ofShared();

    @AfterEach
    void closeArena() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }

    /** Page-aligned native memory, zero-filled. */
    private MemorySegment memory(long bytes) {
        return arena.allocate(bytes, PAGE);
    }

    @Test
    void eachWriteMarksThePageItLandsIn() {
        DirtyTracker tracker = DirtyTracker.over(memory(16 * PAGE));
        assertThat(tracker.pageCount()).as("16 pages of %d bytes", PAGE).isEqualTo(16);
        assertThat(tracker.dirtyRuns()).as("a fresh tracker has seen no write").isEmpty();
        assertThat(tracker.dirtyPages()).isZero();

        tracker.putByte(0, (byte) 1);
        tracker.putLong(3 * PAGE + 8, 42);
        tracker.put(7 * PAGE + 100, new byte[] {1, 2, 3});

        assertThat(tracker.dirtyRuns()).as("a byte in page 0, a long inside page 3, three bytes inside page 7")
                .containsExactly(new PageRun(0, 1), new PageRun(3, 1), new PageRun(7, 1));
        assertThat(tracker.dirtyPages()).isEqualTo(3);
        assertThat(tracker.isDirty(3)).as("page 3 was written").isTrue();
        assertThat(tracker.isDirty(4)).as("page 4 was not: a write marks only the pages its bytes land in").isFalse();
        assertThat(tracker.segment().get(ValueLayout.JAVA_LONG_UNALIGNED, 3 * PAGE + 8))
                .as("the tracker must really write: putLong(3 * page + 8, 42) stores 42 there").isEqualTo(42);
        assertThat(tracker.segment().get(ValueLayout.JAVA_BYTE, 7 * PAGE + 102)).as("the third byte of put(...)")
                .isEqualTo((byte) 3);
    }

    @Test
    void aWriteAcrossAPageBoundaryDirtiesBothPages() {
        DirtyTracker tracker = DirtyTracker.over(memory(16 * PAGE));

        tracker.putLong(PAGE - 4, -1L); // bytes PAGE-4 .. PAGE+3: the last 4 of page 0, the first 4 of page 1
        assertThat(tracker.dirtyRuns()).as("putLong(%d): 4 bytes in page 0 and 4 in page 1, so both are dirty", PAGE - 4)
                .containsExactly(new PageRun(0, 2));

        tracker.putLong(5 * PAGE - 8, 1L); // the last 8 bytes of page 4 exactly
        assertThat(tracker.isDirty(5)).as("putLong(%d) ends at the last byte of page 4; page 5 is untouched"
                + " (the last page is that of offset + length - 1, not of offset + length)", 5 * PAGE - 8).isFalse();

        tracker.put(9 * PAGE - 1, new byte[(int) PAGE + 2]); // last byte of page 8, all of page 9, first byte of page 10
        assertThat(tracker.dirtyRuns()).as("%d bytes from the last byte of page 8 touch pages 8, 9 and 10", PAGE + 2)
                .containsExactly(new PageRun(0, 2), new PageRun(4, 1), new PageRun(8, 3));
    }

    @Test
    void theLastByteDirtiesTheLastPageEvenAPartialOne() {
        long size = 3 * PAGE + 100; // three whole pages and 100 bytes of a fourth
        DirtyTracker tracker = DirtyTracker.over(memory(size));
        assertThat(tracker.pageCount()).as("%d bytes: three whole pages and a partial one", size).isEqualTo(4);

        tracker.putByte(size - 1, (byte) 7);
        assertThat(tracker.dirtyRuns()).as("the last byte, offset %d, is in page 3", size - 1)
                .containsExactly(new PageRun(3, 1));

        tracker.clear();
        tracker.putLong(size - 8, 8L);
        assertThat(tracker.dirtyRuns()).as("putLong(size - 8) writes the last 8 bytes: allowed, and page 3 only")
                .containsExactly(new PageRun(3, 1));
        tracker.put(PAGE - 1, new byte[1]);
        assertThat(tracker.dirtyRuns()).as("put(page - 1, 1 byte) is the last byte of page 0").containsExactly(
                new PageRun(0, 1), new PageRun(3, 1));
    }

    @Test
    void runsAreCoalescedAndInPageOrder() {
        DirtyTracker tracker = DirtyTracker.over(memory(200 * PAGE));
        for (long page : new long[] {70, 9, 4, 2, 3, 64, 63, 199, 3, 3}) { // any order, some twice
            tracker.putByte(page * PAGE + 17, (byte) page);
        }
        assertThat(tracker.dirtyRuns())
                .as("pages 2, 3, 4 make one run of 3; 63 and 64 one of 2, across two 64-bit words of a bitmap;"
                        + " writing page 3 three times marks it once; runs come in page order")
                .containsExactly(new PageRun(2, 3), new PageRun(9, 1), new PageRun(63, 2), new PageRun(70, 1),
                        new PageRun(199, 1));
        assertThat(tracker.dirtyPages()).as("2, 3, 4, 9, 63, 64, 70, 199").isEqualTo(8);

        tracker.put(5 * PAGE, new byte[(int) (4 * PAGE)]); // pages 5..8 exactly
        assertThat(tracker.dirtyRuns()).as("writing pages 5..8 joins runs 2..4 and 9 into one run 2..9")
                .containsExactly(new PageRun(2, 8), new PageRun(63, 2), new PageRun(70, 1), new PageRun(199, 1));
    }

    @Test
    void anEmptyWriteDirtiesNothingAndClearForgetsEveryMark() {
        DirtyTracker tracker = DirtyTracker.over(memory(8 * PAGE));
        tracker.put(0, new byte[0]);
        tracker.put(5 * PAGE, new byte[0]);
        tracker.put(8 * PAGE, new byte[0]);
        assertThat(tracker.dirtyRuns()).as("a write of no bytes touches no page, at offset 0 (where (0 + 0 - 1) / page"
                + " is 0 in Java, not -1) nor at the segment's end").isEmpty();

        tracker.putLong(2 * PAGE, 0x1234L);
        tracker.putByte(7 * PAGE, (byte) 9);
        assertThat(tracker.dirtyPages()).isEqualTo(2);
        tracker.clear();
        assertThat(tracker.dirtyRuns()).as("after clear() no page is dirty").isEmpty();
        assertThat(tracker.dirtyPages()).as("after clear()").isZero();
        assertThat(tracker.isDirty(2)).as("page 2 after clear()").isFalse();
        assertThat(tracker.segment().get(ValueLayout.JAVA_LONG_UNALIGNED, 2 * PAGE))
                .as("clear() forgets the marks, not the bytes written").isEqualTo(0x1234L);

        tracker.putByte(4 * PAGE + 1, (byte) 1);
        assertThat(tracker.dirtyRuns()).as("marks after a clear() count again").containsExactly(new PageRun(4, 1));
    }

    @Test
    void writesThroughAFileMappingReachTheFile(@TempDir Path dir) throws Exception {
        Path file = Files.write(dir.resolve("data.bin"), new byte[(int) (4 * PAGE)]);
        try (MappedFile mapping = MappedFile.map(file, MapMode.SHARED)) {
            DirtyTracker tracker = DirtyTracker.over(mapping.segment());
            tracker.put(PAGE + 10, "mmap".getBytes(StandardCharsets.US_ASCII));
            tracker.putLong(3 * PAGE - 4, 0x0102030405060708L);
            assertThat(tracker.dirtyRuns()).as("4 bytes in page 1, a long across pages 2 and 3")
                    .containsExactly(new PageRun(1, 3));
            mapping.force();
        }
        byte[] bytes = Files.readAllBytes(file);
        assertThat(Arrays.copyOfRange(bytes, (int) PAGE + 10, (int) PAGE + 14))
                .as("the bytes put through the tracker are in the file").containsExactly("mmap".getBytes(StandardCharsets.US_ASCII));
        assertThat(ByteBuffer.wrap(bytes, (int) (3 * PAGE - 4), 8).order(ByteOrder.nativeOrder()).getLong())
                .as("putLong stores 8 bytes in native byte order").isEqualTo(0x0102030405060708L);
    }

    @Test
    void badInputIsRefusedNamingTheArgumentAndNothingIsWritten() {
        long size = 4 * PAGE;
        DirtyTracker tracker = DirtyTracker.over(memory(size));
        assertThatThrownBy(() -> tracker.putByte(-1, (byte) 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("offset -1");
        assertThat(catchThrowable(() -> tracker.putByte(size, (byte) 1))).as("offset %d is one past the last byte", size)
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("offset " + size);
        assertThat(catchThrowable(() -> tracker.putLong(size - 7, 1L))).as("8 bytes at %d would end 1 byte past the end", size - 7)
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("offset " + (size - 7));
        assertThat(catchThrowable(() -> tracker.put(size - 2, new byte[3]))).as("3 bytes at %d would end past the end", size - 2)
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("offset " + (size - 2))
                .hasMessageContaining("length 3");
        assertThat(catchThrowable(() -> tracker.put(Long.MAX_VALUE, new byte[8]))).as("offset + length overflows a long")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("offset " + Long.MAX_VALUE);
        assertThatThrownBy(() -> tracker.put(0, null)).isInstanceOf(NullPointerException.class);
        assertThat(tracker.dirtyRuns()).as("a refused write marks nothing").isEmpty();
        assertThat(tracker.segment().get(ValueLayout.JAVA_BYTE, size - 1)).as("and writes nothing, not even the bytes"
                + " that would have fitted").isZero();

        assertThat(catchThrowable(() -> tracker.isDirty(4))).as("pages 0..3 only").isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("page 4");
        assertThatThrownBy(() -> tracker.isDirty(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("page -1");
        assertThatThrownBy(() -> DirtyTracker.over(null)).isInstanceOf(NullPointerException.class);
        assertThat(catchThrowable(() -> DirtyTracker.over(memory(PAGE).asReadOnly())))
                .as("a tracker of writes over a read-only segment could never write")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("read-only");
    }

    @Test
    void writesThroughAClosedSegmentFailClearly() {
        DirtyTracker tracker = DirtyTracker.over(memory(4 * PAGE));
        tracker.putByte(0, (byte) 1);
        arena.close(); // as MappedFile.close() unmaps a mapping
        assertThat(catchThrowable(() -> tracker.putLong(PAGE, 1L)))
                .as("the memory is gone: writing there must fail, and say that the segment is closed")
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> tracker.put(PAGE, new byte[] {1}))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThat(tracker.dirtyRuns()).as("the failed writes marked nothing; the bitmap still says what was written")
                .containsExactly(new PageRun(0, 1));
        assertThat(catchThrowable(() -> DirtyTracker.over(tracker.segment()))).as("no tracker over a closed segment")
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }
}
