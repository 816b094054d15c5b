package mmapkit.dirty;

import static mmapkit.mapping.natives.MemoryMapCalls.MAP_PRIVATE;
import static mmapkit.mapping.natives.MemoryMapCalls.PROT_READ;
import static mmapkit.mapping.natives.MemoryMapCalls.PROT_WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import mmapkit.course.Task;
import mmapkit.faults.Advice;
import mmapkit.faults.FaultProbes;
import mmapkit.faults.PageControl;
import mmapkit.mapping.MapMode;
import mmapkit.mapping.MappedFile;
import mmapkit.mapping.RawMapping;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

@Task(id = "03.3", points = 10, title = "Read pagemap and soft-dirty bits")
class PageMapTest {

    private static final long PAGE = KernelViewFiles.PAGE;

    private final KernelViewFiles files = KernelViewFiles.create();

    @AfterEach
    void deleteFiles() {
        files.close();
    }

    @Test
    void decodesTheBitsOfAPagemapEntry() {
        assertThat(PageFlags.of(0)).as("entry 0: a page never touched")
                .isEqualTo(new PageFlags(false, false, false, false, false, 0));
        assertThat(PageFlags.of(0xa1000000000abcdeL)).as("bits 63, 61 and 56 with frame 0xabcde")
                .isEqualTo(new PageFlags(true, false, true, true, false, 0xabcde));
        assertThat(PageFlags.of((1L << 63) | (1L << 55) | 0x7fffffffffffffL))
                .as("bit 63 (present), bit 55 (soft-dirty) and all 55 frame bits")
                .isEqualTo(new PageFlags(true, false, false, false, true, 0x7fffffffffffffL));
        assertThat(PageFlags.of((1L << 62) | 0x1234))
                .as("bit 62: swapped out, not present; the low bits are a swap location, not a frame")
                .isEqualTo(new PageFlags(false, true, false, false, false, 0));
    }

    @Test
    void anonymousPagesArePresentWhereWritten() {
        try (RawMapping memory = RawMapping.anonymous(8 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE)) {
            MemorySegment segment = memory.segment();
            // one page per first store, also under THP always or anonymous mTHP (see FaultProbes)
            FaultProbes.onePagePerAnonymousFault(segment.address(), segment.byteSize());
            segment.set(ValueLayout.JAVA_BYTE, 2 * PAGE, (byte) 1);
            segment.set(ValueLayout.JAVA_BYTE, 5 * PAGE + 77, (byte) 1);
            PageFlags[] flags = PageMap.of(segment);
            assertThat(flags).as("one entry per page").hasSize(8);
            assertThat(presentPages(flags)).as("present pages: the two written, no other").containsExactly(2L, 5L);
            for (int page : new int[] {2, 5}) {
                assertThat(flags[page].fileOrShared()).as("page %d is private anonymous memory, not a file page", page)
                        .isFalse();
                assertThat(flags[page].exclusive()).as("page %d is mapped by this process only", page).isTrue();
                assertFrame(flags[page], page);
            }
            assertThat(flags[0].frame()).as("a page that is not present has no frame").isZero();
        }
    }

    @Test
    void pagesOfASharedFileMappingAreFilePages() throws Exception {
        Path file = files.hole("shared.bin", 4);
        try (MappedFile mapping = MappedFile.map(file, MapMode.SHARED)) {
            MemorySegment pages = mapping.pageSpan();
            PageControl.advise(pages, Advice.RANDOM);
            pages.set(ValueLayout.JAVA_LONG, PAGE, 42L);
            PageFlags[] flags = PageMap.of(pages);
            assertThat(presentPages(flags)).as("page 1 was written, with no readahead").containsExactly(1L);
            assertThat(flags[1].fileOrShared()).as("a page of a file mapping sets bit 61").isTrue();
            assertFrame(flags[1], 1);
        }
    }

    @Test
    void refusesUnalignedAndClosedSegments() throws Exception {
        try (RawMapping memory = RawMapping.anonymous(2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE)) {
            MemorySegment unaligned = memory.segment().asSlice(100);
            assertThatThrownBy(() -> PageMap.of(unaligned)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(Long.toHexString(unaligned.address()));
        }
        Path file = files.synced("closed.bin", 1);
        MemorySegment stale;
        try (MappedFile mapping = MappedFile.map(file, MapMode.SHARED)) {
            stale = mapping.pageSpan();
        }
        assertThatThrownBy(() -> PageMap.of(stale)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(Long.toHexString(stale.address()));
    }

    @Test
    void detectsWhetherTheKernelSetsSoftDirtyBits() {
        boolean expected = softDirtyWorksByTheTestsOwnProbe();
        String reason = SoftDirty.unsupportedReason();
        assertThat(SoftDirty.supported()).as("the test's own probe (clear_refs, write a page, read bit 55) says "
                + (expected ? "supported" : "unsupported") + "; unsupportedReason() says '" + reason + "'")
                .isEqualTo(expected);
        assertThat(reason.isEmpty()).as("unsupportedReason() is empty exactly when supported() is true").isEqualTo(expected);
        if (!expected) {
            assertThat(reason).as("the reason names what is missing").containsIgnoringCase("soft-dirty");
        }
    }

    @Test
    void clearResetsTheSoftDirtyBitOfEveryPage() {
        try (RawMapping memory = RawMapping.anonymous(4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE)) {
            MemorySegment segment = memory.segment();
            for (long page = 0; page < 4; page++) {
                segment.set(ValueLayout.JAVA_BYTE, page * PAGE, (byte) 1);
            }
            SoftDirty.clear();
            for (long page = 0; page < 4; page++) {
                long entry = KernelViewFiles.pagemapEntry(segment.address() + page * PAGE);
                assertThat(entry & (1L << 63)).as("page %d stays present", page).isNotZero();
                assertThat(entry & (1L << 55)).as("bit 55 of page %d right after clear()", page).isZero();
            }
        }
    }

    @Test
    void softDirtyBitsMarkThePagesWrittenSinceClear() {
        assumeTrue(SoftDirty.supported(), SoftDirty::unsupportedReason);
        try (RawMapping memory = RawMapping.anonymous(8 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE)) {
            MemorySegment segment = memory.segment();
            for (long page = 0; page < 8; page++) {
                segment.set(ValueLayout.JAVA_BYTE, page * PAGE, (byte) 1);
            }
            SoftDirty.clear();
            segment.set(ValueLayout.JAVA_BYTE, PAGE + 9, (byte) 2);
            segment.set(ValueLayout.JAVA_BYTE, 6 * PAGE, (byte) 2);
            List<Long> softDirty = new ArrayList<>();
            PageFlags[] flags = PageMap.of(segment);
            for (int page = 0; page < flags.length; page++) {
                if (flags[page].softDirty()) {
                    softDirty.add((long) page);
                }
            }
            assertThat(softDirty).as("soft-dirty pages after clear() and writes to pages 1 and 6").containsExactly(1L, 6L);
        }
    }

    private static List<Long> presentPages(PageFlags[] flags) {
        List<Long> present = new ArrayList<>();
        for (int page = 0; page < flags.length; page++) {
            if (flags[page].present()) {
                present.add((long) page);
            }
        }
        return present;
    }

    private static void assertFrame(PageFlags flags, int page) {
        if (DirtyProbes.pagemapFrameNumbers().holds()) { // CAP_SYS_ADMIN in the initial user namespace
            assertThat(flags.frame()).as("page %d is present and this process has CAP_SYS_ADMIN: its frame shows", page)
                    .isPositive();
        } else {
            assertThat(flags.frame()).as("without CAP_SYS_ADMIN the kernel shows frame 0 (page %d)", page).isZero();
        }
    }

    /** Clears, writes a fresh page, reads its bit 55: set only by kernels with soft-dirty support. */
    private static boolean softDirtyWorksByTheTestsOwnProbe() {
        try (RawMapping memory = RawMapping.anonymous(PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE)) {
            MemorySegment segment = memory.segment();
            segment.set(ValueLayout.JAVA_BYTE, 0, (byte) 1);
            KernelViewFiles.clearSoftDirty();
            segment.set(ValueLayout.JAVA_BYTE, 0, (byte) 2);
            return (KernelViewFiles.pagemapEntry(segment.address()) & (1L << 55)) != 0;
        }
    }
}
