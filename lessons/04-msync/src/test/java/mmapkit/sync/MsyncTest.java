package mmapkit.sync;

import static mmapkit.sync.Messages.saying;
import static mmapkit.sync.SyncFiles.WRITEBACK_NOTE;
import static mmapkit.sync.SyncFiles.dirtyPages;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import mmapkit.course.Task;
import mmapkit.dirty.WritebackSettings;
import mmapkit.faults.Advice;
import mmapkit.faults.PageControl;
import mmapkit.mapping.MapMode;
import mmapkit.mapping.MappedFile;
import mmapkit.mapping.Pages;
import mmapkit.mapping.RawMapping;
import mmapkit.mapping.natives.MemoryMapCalls;
import mmapkit.mapping.natives.NativeCallException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

@Task(id = "04.2", points = 15, title = "Flush a range with msync")
class MsyncTest {

    private static final long PAGE = Pages.size();

    private final SyncFiles files = SyncFiles.create();

    @AfterEach
    void deleteFiles() {
        files.close();
    }

    /** Stores a long into every page of the segment, so that each page is dirty. */
    private static void writeEveryPage(MemorySegment segment) {
        for (long page = 0; page * PAGE < segment.byteSize(); page++) {
            segment.set(ValueLayout.JAVA_LONG, page * PAGE, page + 1);
        }
    }

    @Test
    void flagBitsAreTheCValuesOfAValidCombination() {
        assertThat(Msync.flagBits(SyncFlag.SYNC)).as("MS_SYNC").isEqualTo(4);
        assertThat(Msync.flagBits(SyncFlag.ASYNC)).as("MS_ASYNC").isEqualTo(1);
        assertThat(Msync.flagBits(SyncFlag.SYNC, SyncFlag.INVALIDATE)).as("MS_SYNC | MS_INVALIDATE").isEqualTo(6);
        assertThat(Msync.flagBits(SyncFlag.INVALIDATE, SyncFlag.ASYNC)).as("MS_ASYNC | MS_INVALIDATE, in any order")
                .isEqualTo(3);
        assertThat(Msync.flagBits(SyncFlag.SYNC, SyncFlag.SYNC)).as("a flag given twice counts once").isEqualTo(4);
    }

    @Test
    void flagBitsRefusesAnythingButExactlyOneOfSyncOrAsync() {
        assertThatThrownBy(() -> Msync.flagBits(SyncFlag.SYNC, SyncFlag.ASYNC),
                "msync refuses MS_SYNC | MS_ASYNC (EINVAL): refuse it before the call, naming the flags")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SYNC").hasMessageContaining("ASYNC")
                .satisfies(saying("exactly one of SYNC or ASYNC"));
        assertThatThrownBy(() -> Msync.flagBits(), "no flag at all: POSIX requires one of MS_SYNC or MS_ASYNC")
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(saying("exactly one of SYNC or ASYNC"));
        assertThatThrownBy(() -> Msync.flagBits(SyncFlag.INVALIDATE),
                "INVALIDATE alone is neither SYNC nor ASYNC; the message names the flag given, INVALIDATE")
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(saying("exactly one of SYNC or ASYNC")).hasMessageContaining("INVALIDATE");
        assertThatThrownBy(() -> Msync.flagBits(SyncFlag.ASYNC, SyncFlag.INVALIDATE, SyncFlag.SYNC),
                "ASYNC, INVALIDATE and SYNC: both of SYNC and ASYNC; the message names the flags given")
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(saying("exactly one of SYNC or ASYNC")).hasMessageContaining("INVALIDATE");
        assertThatThrownBy(() -> Msync.flagBits((SyncFlag[]) null), "a null array")
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Msync.flagBits(SyncFlag.SYNC, null), "SYNC and a null flag")
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void syncOfAnUnalignedRangeCleansExactlyThePagesThatHoldIt() throws Exception {
        SyncFiles.assumeCachestat();
        Path file = files.hole("range.bin", 8);
        try (MappedFile mapping = SyncFiles.mapPageByPage(file)) {
            MemorySegment segment = mapping.segment();
            writeEveryPage(segment);
            assertThat(dirtyPages(file, 0, 8))
                    .as("a long stored into each of the 8 pages: 8 dirty pages" + WRITEBACK_NOTE)
                    .isEqualTo(8);

            long offset = PAGE + 1;
            long end = 3 * PAGE + 10; // bytes [offset, end): from inside page 1 to inside page 3
            FlushRange flushed = Msync.flush(segment, offset, end - offset, SyncFlag.SYNC);

            assertThat(flushed).as("bytes %d..%d lie in pages 1, 2 and 3", offset, end - 1)
                    .isEqualTo(new FlushRange(segment.address() + PAGE, 3 * PAGE));
            assertThat(dirtyPages(file, 1, 3))
                    .as("pages 1..3 hold the range: MS_SYNC wrote them to the file, clean now")
                    .isZero();
            assertThat(SyncFiles.writebackPages(file, 1, 3)).as("... and not under write-back either: MS_SYNC waits"
                    + " until the device has them").isZero();
            assertThat(dirtyPages(file, 0, 1)).as("page 0 must still be dirty: only the pages holding the range are"
                    + " flushed, and byte %d is in page 1" + WRITEBACK_NOTE, offset).isEqualTo(1);
            assertThat(dirtyPages(file, 4, 4)).as("pages 4..7 must still be dirty: the range ends in page 3"
                    + WRITEBACK_NOTE).isEqualTo(4);

            Msync.flush(segment, SyncFlag.SYNC, SyncFlag.INVALIDATE);
            assertThat(dirtyPages(file, 0, 8)).as("flush(segment, SYNC, INVALIDATE) of the whole segment: nothing dirty"
                    + " (INVALIDATE adds nothing on Linux, where every mapping shares the page cache's pages)")
                    .isZero();
        }
    }

    @Test
    void aSegmentThatStartsInsideAPageIsFlushedFromThatPage() throws Exception {
        SyncFiles.assumeCachestat();
        Path file = files.hole("unaligned.bin", 4);
        try (MappedFile mapping = MappedFile.map(file, MapMode.SHARED, PAGE + 100, 2 * PAGE)) {
            PageControl.advise(mapping.pageSpan(), Advice.RANDOM); // one page per fault, no large folio
            MemorySegment segment = mapping.segment(); // file bytes PAGE+100 .. 3*PAGE+100: pages 1..3 of the file
            segment.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, 42);
            assertThat(dirtyPages(file, 1, 1)).as("the long stored at segment offset 0 is in page 1 of the file")
                    .isEqualTo(1);
            Msync.flush(segment, 0, 8, SyncFlag.SYNC); // msync(address of segment byte 0) would be EINVAL
            assertThat(dirtyPages(file, 1, 1)).as("flushed from the start of the page that holds segment byte 0 (the"
                    + " segment's own address is not page-aligned, and msync refuses such an address)").isZero();
        }
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.nativeOrder());
        assertThat(bytes.getLong((int) PAGE + 100))
                .as("the long reached the file, at file offset %d", PAGE + 100).isEqualTo(42);
    }

    @Test
    void asyncIsANoOpOnLinuxThePagesStayDirty() throws Exception {
        SyncFiles.assumeCachestat();
        long expire = WritebackSettings.current().dirtyExpireCentisecs();
        assumeTrue(expire >= 500, () -> "vm.dirty_expire_centisecs is " + expire + ": the kernel writes dirty pages"
                + " back within " + expire * 10 + " ms anyway, too soon to watch MS_ASYNC leave them dirty");
        Path file = files.hole("async.bin", 4);
        try (MappedFile mapping = SyncFiles.mapPageByPage(file)) {
            writeEveryPage(mapping.segment());
            FlushRange flushed = Msync.flush(mapping.segment(), SyncFlag.ASYNC);
            assertThat(flushed.pageCount()).as("flush of the whole segment names its 4 pages").isEqualTo(4);
            assertThat(dirtyPages(file, 0, 4))
                    .as("MS_ASYNC does nothing on Linux (since 2.6.19): the 4 pages stay dirty until the flusher"
                            + " writes them back, %d ms after the stores by vm.dirty_expire_centisecs (or sooner under"
                            + " memory pressure). If they are clean, flush called msync with MS_SYNC." + WRITEBACK_NOTE,
                            expire * 10)
                    .isEqualTo(4);
        }
    }

    @Test
    void refusedArgumentsChangeNothing() throws Exception {
        SyncFiles.assumeCachestat();
        Path file = files.hole("refused.bin", 4);
        try (MappedFile mapping = SyncFiles.mapPageByPage(file)) {
            MemorySegment segment = mapping.segment();
            writeEveryPage(segment);
            assertThatThrownBy(() -> Msync.flush(segment, 0, PAGE, SyncFlag.SYNC, SyncFlag.ASYNC), "SYNC and ASYNC")
                    .isInstanceOf(IllegalArgumentException.class)
                    .satisfies(saying("exactly one of SYNC or ASYNC"));
            assertThatThrownBy(() -> Msync.flush(segment, 0, PAGE), "no flag")
                    .isInstanceOf(IllegalArgumentException.class)
                    .satisfies(saying("exactly one of SYNC or ASYNC"));
            assertThatThrownBy(() -> Msync.flush(segment, 0, 0, SyncFlag.INVALIDATE),
                    "INVALIDATE alone, on an empty range: the flags are checked even when there is nothing to"
                            + " flush").isInstanceOf(IllegalArgumentException.class)
                    .satisfies(saying("exactly one of SYNC or ASYNC"));
            assertThatThrownBy(() -> Msync.flush(segment, 3 * PAGE, PAGE + 1, SyncFlag.SYNC),
                    "a range that ends past the segment").isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("offset " + 3 * PAGE).hasMessageContaining("length " + (PAGE + 1));
            assertThatThrownBy(() -> Msync.flush(segment, -8, 8, SyncFlag.SYNC), "offset -8")
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("offset -8");
            assertThat(dirtyPages(file, 0, 4)).as("arguments are checked before the call: a refused flush flushes"
                    + " nothing" + WRITEBACK_NOTE).isEqualTo(4);
            assertThat(Msync.flush(segment, 2 * PAGE, 0, SyncFlag.SYNC).length()).as("an empty range: no page")
                    .isZero();
        }
    }

    @Test
    void aClosedMappingIsRefusedBeforeTheCall() throws Exception {
        Path file = files.hole("closed.bin", 2);
        MappedFile mapping = MappedFile.map(file, MapMode.SHARED);
        MemorySegment segment = mapping.segment();
        segment.set(ValueLayout.JAVA_LONG, 0, 1);
        mapping.close();
        assertThatThrownBy(() -> Msync.flush(segment, 0, 8, SyncFlag.SYNC),
                "the segment of a closed MappedFile: its memory is unmapped, or by now mapped for something else")
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    @SuppressWarnings("restricted") // a segment of the global scope over memory that is then unmapped
    void memoryThatIsNoLongerMappedGivesEnomem() {
        RawMapping raw = RawMapping.anonymous(2 * PAGE, MemoryMapCalls.PROT_READ | MemoryMapCalls.PROT_WRITE,
                MemoryMapCalls.MAP_PRIVATE);
        MemorySegment stale = MemorySegment.ofAddress(raw.address()).reinterpret(2 * PAGE);
        raw.close(); // munmap; the segment above does not know (it is never accessed, only its address is used)
        assertThatThrownBy(() -> Msync.flush(stale, 0, 2 * PAGE, SyncFlag.SYNC),
                "msync on an address range that is not mapped fails with ENOMEM (it touches no memory)")
                .isInstanceOfSatisfying(NativeCallException.class,
                        e -> assertThat(e.errnoName()).as("the errno of the refused call").isEqualTo("ENOMEM"));
    }

    @Test
    void syncOfAPrivateMappingReturnsAndLeavesTheFileAlone() throws Exception {
        SyncFiles.assumeCachestat();
        Path file = files.filled("private.bin", 4 * PAGE, (byte) 1);
        try (MappedFile mapping = MappedFile.map(file, MapMode.PRIVATE)) {
            MemorySegment segment = mapping.segment();
            segment.fill((byte) 7);
            FlushRange flushed = Msync.flush(segment, 0, segment.byteSize(), SyncFlag.SYNC);
            assertThat(flushed.pageCount()).isEqualTo(4);
        }
        assertThat(Files.readAllBytes(file)).as("stores through MAP_PRIVATE change private copies: msync has no"
                + " file to write them to, returns 0 and the file keeps its ones").containsOnly((byte) 1);
        assertThat(dirtyPages(file, 0, 4)).as("the file's pages were never dirtied").isZero();
    }
}
