package mmapkit.dirty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import mmapkit.course.Task;
import mmapkit.faults.Advice;
import mmapkit.faults.PageControl;
import mmapkit.mapping.MapMode;
import mmapkit.mapping.MappedFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

@Task(id = "03.1", points = 15, title = "Read a mapping's statistics from smaps")
class MappingStatsTest {

    private static final long PAGE = KernelViewFiles.PAGE;
    private static final long KB = 1024;
    private static final String WRITEBACK_NOTE = " (if fewer: the kernel wrote some back on its own in the"
            + " milliseconds since the stores; run the test again)";

    private static final String ENTRY = """
            7f3a1c200000-7f3a1c210000 rw-s 00000000 fd:01 1835021                    /data/file.bin
            Size:                 64 kB
            KernelPageSize:        4 kB
            MMUPageSize:           4 kB
            Rss:                  24 kB
            Pss:                  14 kB
            Pss_Dirty:             8 kB
            Shared_Clean:          8 kB
            Shared_Dirty:          4 kB
            Private_Clean:         4 kB
            Private_Dirty:         8 kB
            Referenced:           24 kB
            Anonymous:            12 kB
            KSM:                   0 kB
            LazyFree:              0 kB
            AnonHugePages:         0 kB
            Swap:                 16 kB
            SwapPss:              16 kB
            Locked:                0 kB
            THPeligible:           0
            VmFlags: rd wr sh mr mw me ms sd
            """;

    private final KernelViewFiles files = KernelViewFiles.create();

    @AfterEach
    void deleteFiles() {
        files.close();
    }

    @Test
    void parsesTheFieldsOfAnSmapsEntry() {
        assertThat(MappingStats.parse(ENTRY)).as("the smaps fields in bytes (kB is 1024 bytes); Size, Pss_Dirty,"
                        + " SwapPss, VmFlags and the other lines are not fields of the record")
                .isEqualTo(new MappingStats(24 * KB, 14 * KB, 8 * KB, 4 * KB, 4 * KB, 8 * KB, 12 * KB, 16 * KB));
        assertThat(MappingStats.parse("Rss: 8 kB\nPrivate_Dirty: 4 kB\n"))
                .as("an entry without its maps line, and with fields missing: those are 0")
                .isEqualTo(new MappingStats(8 * KB, 0, 0, 0, 0, 4 * KB, 0, 0));
    }

    @Test
    void aFieldThatIsNotASizeIsNamedWithItsValue() {
        assertThatThrownBy(() -> MappingStats.parse("Rss: lots kB\n")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Rss").hasMessageContaining("lots");
    }

    @Test
    void parsesDirtyAndWritebackOfMeminfo() {
        String meminfo = """
                MemTotal:       16318420 kB
                MemFree:         9116880 kB
                Dirty:              1364 kB
                Writeback:            12 kB
                WritebackTmp:        999 kB
                """;
        assertThat(MemInfo.parse(meminfo)).as("Dirty and Writeback in bytes; WritebackTmp is another counter")
                .isEqualTo(new MemInfo(1364 * KB, 12 * KB));
        assertThat(catchThrowable(() -> MemInfo.parse("MemTotal: 4 kB\nWriteback: 0 kB\n")))
                .as("meminfo text without a Dirty line").isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Dirty");
        MemInfo now = MemInfo.current();
        assertThat(now.dirty()).as("the system's Dirty now").isNotNegative();
        assertThat(now.writeback()).as("the system's Writeback now").isNotNegative();
    }

    @Test
    void storesToASharedMappingArePrivateDirtyUntilForce() throws Exception {
        Path file = files.hole("shared.bin", 16);
        try (MappedFile mapping = MappedFile.map(file, MapMode.SHARED)) {
            MemorySegment pages = mapping.segment();
            PageControl.advise(pages, Advice.RANDOM); // no readahead: one page per fault
            assertThat(MappingStats.of(pages).rss()).as("a fresh mapping of a hole: nothing in memory").isZero();
            for (long page : new long[] {0, 3, 4, 9, 15}) {
                pages.set(ValueLayout.JAVA_LONG, page * PAGE, page + 1);
            }
            MappingStats written = MappingStats.of(pages.asSlice(9 * PAGE)); // any byte of the mapping names it
            assertThat(written.privateDirty())
                    .as("5 pages written through MAP_SHARED that no other process maps: 5 pages of Private_Dirty"
                            + " (Private means mapped by one process, whatever the mapping's flags)" + WRITEBACK_NOTE)
                    .isEqualTo(5 * PAGE);
            assertThat(written.sharedDirty()).as("Shared_Dirty: no other process maps these pages").isZero();
            assertThat(written.anonymous()).as("stores to a shared file mapping change the file's pages:"
                    + " no anonymous copies").isZero();
            assertThat(written.rss()).as("Rss: the 5 pages written").isEqualTo(5 * PAGE);
            mapping.force();
            MappingStats forced = MappingStats.of(pages);
            assertThat(forced.privateDirty()).as("after force() (msync) the pages are written back: clean").isZero();
            assertThat(forced.privateClean()).as("... and still in memory, now Private_Clean").isEqualTo(5 * PAGE);
        }
    }

    @Test
    void storesToAPrivateMappingAreAnonymousCopies() throws Exception {
        Path file = files.synced("private.bin", 16);
        try (MappedFile mapping = MappedFile.map(file, MapMode.PRIVATE)) {
            MemorySegment pages = mapping.segment();
            PageControl.advise(pages, Advice.RANDOM);
            for (long page = 2; page < 6; page++) {
                pages.set(ValueLayout.JAVA_LONG, page * PAGE, page);
            }
            MappingStats stats = MappingStats.of(pages);
            assertThat(stats.anonymous()).as("each page written through MAP_PRIVATE is copied into anonymous memory:"
                    + " 4 pages of Anonymous").isEqualTo(4 * PAGE);
            assertThat(stats.sharedDirty()).as("the copies belong to this mapping alone").isZero();
            assertThat(stats.privateDirty()).as("anonymous copies are Private_Dirty too, and never written back")
                    .isEqualTo(4 * PAGE);
        }
    }

    @Test
    void refusesHeapAndClosedSegments() throws Exception {
        assertThat(catchThrowable(() -> MappingStats.of(MemorySegment.ofArray(new byte[16]))))
                .as("a heap segment is in no mapping of its own").isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("segment");
        Path file = files.synced("closed.bin", 1);
        MemorySegment stale;
        try (MappedFile mapping = MappedFile.map(file, MapMode.SHARED)) {
            stale = mapping.segment();
        }
        long address = stale.address();
        assertThat(catchThrowable(() -> MappingStats.of(stale))).as("a segment of a closed mapping")
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(Long.toHexString(address));
    }
}
