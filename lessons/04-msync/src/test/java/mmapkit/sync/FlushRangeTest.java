package mmapkit.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import mmapkit.course.Task;
import mmapkit.mapping.MapMode;
import mmapkit.mapping.MappedFile;
import mmapkit.mapping.Pages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

@Task(id = "04.1", points = 10, title = "Widen a byte range to the pages msync needs")
class FlushRangeTest {

    private static final long PAGE = Pages.size();

    private final Arena arena = Arena.ofShared();

    @AfterEach
    void closeArena() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }

    /** Native memory of 16 pages that starts on a page boundary, like a mapping at file offset 0. */
    private MemorySegment sixteenPages() {
        return arena.allocate(16 * PAGE, PAGE);
    }

    @Test
    void theExamplesOfTheJavadoc() {
        MemorySegment segment = sixteenPages();
        long address = segment.address();

        assertThat(FlushRange.covering(segment, PAGE + 1, 10))
                .as("%d bytes at offset %d all lie in page 1: msync gets page 1 only", 10, PAGE + 1)
                .isEqualTo(new FlushRange(address + PAGE, PAGE));
        assertThat(FlushRange.covering(segment, PAGE - 96, 200))
                .as("200 bytes from %d: 96 at the end of page 0, 104 at the start of page 1, so both pages", PAGE - 96)
                .isEqualTo(new FlushRange(address, 2 * PAGE));
        assertThat(FlushRange.covering(segment, 2 * PAGE, 0))
                .as("an empty range holds no page: length 0, at the page of its offset")
                .isEqualTo(new FlushRange(address + 2 * PAGE, 0));
    }

    @Test
    void theLastPageIsThatOfTheLastByteNotOfTheByteAfterIt() {
        MemorySegment segment = sixteenPages();
        long address = segment.address();

        assertThat(FlushRange.covering(segment, PAGE - 8, 8))
                .as("8 bytes ending exactly at the end of page 0 are in page 0 only (the last byte is offset %d;"
                        + " offset + length = %d is the first byte of page 1, not part of the range)", PAGE - 1, PAGE)
                .isEqualTo(new FlushRange(address, PAGE));
        assertThat(FlushRange.covering(segment, 3 * PAGE, PAGE))
                .as("exactly page 3, from its first byte to its last")
                .isEqualTo(new FlushRange(address + 3 * PAGE, PAGE));
        assertThat(FlushRange.covering(segment, 5 * PAGE, 1))
                .as("the first byte of page 5").isEqualTo(new FlushRange(address + 5 * PAGE, PAGE));
        assertThat(FlushRange.covering(segment, 0, 16 * PAGE))
                .as("the whole segment: its 16 pages, not a 17th").isEqualTo(new FlushRange(address, 16 * PAGE));
        FlushRange across = FlushRange.covering(segment, PAGE + 1, 2 * PAGE + 9);
        assertThat(across).as("bytes %d..%d: from inside page 1 to inside page 3, so pages 1, 2 and 3",
                PAGE + 1, 3 * PAGE + 9).isEqualTo(new FlushRange(address + PAGE, 3 * PAGE));
        assertThat(across.pageCount()).isEqualTo(3);
    }

    @Test
    void anEmptyRangeHoldsNoPageWhereverItIs() {
        MemorySegment segment = sixteenPages();
        FlushRange inside = FlushRange.covering(segment, PAGE + 5, 0);
        assertThat(inside).as("no byte, no page: an empty range at offset %d has length 0 (not the page of offset"
                + " %d), at the start of that page", PAGE + 5, PAGE + 5)
                .isEqualTo(new FlushRange(segment.address() + PAGE, 0));
        assertThat(inside.pageCount()).isZero();
        assertThat(FlushRange.covering(segment, 0, 0).length()).as("an empty range at offset 0").isZero();
        assertThat(FlushRange.covering(segment, 16 * PAGE, 0))
                .as("an empty range at the segment's end is allowed (offset may be up to the size)")
                .isEqualTo(new FlushRange(segment.address() + 16 * PAGE, 0));
    }

    @Test
    void pagesAreCountedFromAddressZeroNotFromTheSegment() {
        MemorySegment pages = sixteenPages();
        MemorySegment slice = pages.asSlice(100); // starts 100 bytes into page 0 of memory
        long page0 = pages.address();

        assertThat(FlushRange.covering(slice, 0, 10))
                .as("the slice starts 100 bytes into a page of memory: its first 10 bytes are in that page, and msync"
                        + " needs its start (address %#x), not the slice's (%#x, which is not page-aligned)",
                        page0, slice.address())
                .isEqualTo(new FlushRange(page0, PAGE));
        assertThat(FlushRange.covering(slice, PAGE - 100, 1))
                .as("offset %d of the slice is the first byte of the next page of memory", PAGE - 100)
                .isEqualTo(new FlushRange(page0 + PAGE, PAGE));
        assertThat(FlushRange.covering(slice, PAGE - 101, 2))
                .as("offsets %d and %d of the slice straddle a page boundary of memory", PAGE - 101, PAGE - 100)
                .isEqualTo(new FlushRange(page0, 2 * PAGE));
        assertThat(FlushRange.covering(slice, 0, slice.byteSize()))
                .as("all of the slice: the 16 pages of memory it lies in")
                .isEqualTo(new FlushRange(page0, 16 * PAGE));
    }

    @Test
    void aFileMappedAtAnUnalignedOffsetIsFlushedFromItsFirstPage() throws Exception {
        try (SyncFiles files = SyncFiles.create()) {
            Path file = files.hole("offset.bin", 8);
            long offset = PAGE + 904; // file bytes 5000.. for 4 KiB pages: the mapping starts at page 1 of the file
            try (MappedFile mapping = MappedFile.map(file, MapMode.SHARED, offset, 3 * PAGE)) {
                MemorySegment segment = mapping.segment();
                MemorySegment span = mapping.pageSpan();
                assertThat(FlushRange.covering(segment, 0, 1))
                        .as("byte 0 of a mapping at file offset %d is 904 bytes into the first page the kernel"
                                + " mapped (at %#x): that page is what msync must get", offset, span.address())
                        .isEqualTo(new FlushRange(span.address(), PAGE));
                assertThat(FlushRange.covering(segment, 0, segment.byteSize()))
                        .as("the whole segment of such a mapping: every page the kernel mapped, its pageSpan()")
                        .isEqualTo(new FlushRange(span.address(), span.byteSize()));
            }
        }
    }

    @Test
    void aRangeOutsideTheSegmentIsRefusedNamingOffsetAndLength() {
        MemorySegment segment = sixteenPages();
        long size = 16 * PAGE;
        assertThatThrownBy(() -> FlushRange.covering(segment, -1, 10), "offset -1, length 10")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("offset -1");
        assertThatThrownBy(() -> FlushRange.covering(segment, 0, -5), "offset 0, length -5")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("length -5");
        assertThatThrownBy(() -> FlushRange.covering(segment, size + 1, 0),
                "offset %d is past the end of a segment of %d bytes", size + 1, size)
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("offset " + (size + 1));
        assertThatThrownBy(() -> FlushRange.covering(segment, 10 * PAGE, 6 * PAGE + 1),
                "%d bytes at offset %d end 1 byte past the segment", 6 * PAGE + 1, 10 * PAGE)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("offset " + 10 * PAGE).hasMessageContaining("length " + (6 * PAGE + 1));
        assertThatThrownBy(() -> FlushRange.covering(segment, 1, Long.MAX_VALUE),
                "offset + length overflows a long: still refused, not wrapped around")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("length " + Long.MAX_VALUE);
        assertThatThrownBy(() -> FlushRange.covering(segment, Long.MAX_VALUE, 1), "offset Long.MAX_VALUE, length 1")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("offset " + Long.MAX_VALUE);
    }

    @Test
    void onlyLiveNativeMemoryHasPagesToFlush() {
        assertThatThrownBy(() -> FlushRange.covering(null, 0, 0), "a null segment")
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> FlushRange.covering(MemorySegment.ofArray(new byte[64]), 0, 8),
                "a heap segment: it lives in the Java heap, at no address the kernel knows")
                .isInstanceOf(IllegalArgumentException.class);
        MemorySegment segment = sixteenPages();
        arena.close(); // as MappedFile.close() unmaps a mapping
        assertThatThrownBy(() -> FlushRange.covering(segment, 0, PAGE),
                "a segment of a closed arena: its memory is unmapped (or mapped again for something else)")
                .isInstanceOf(IllegalStateException.class);
    }
}
