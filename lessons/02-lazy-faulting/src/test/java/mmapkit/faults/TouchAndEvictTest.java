package mmapkit.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import mmapkit.course.Task;
import mmapkit.mapping.MapMode;
import mmapkit.mapping.MappedFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

@Task(id = "02.3", points = 10, title = "Touch and evict pages")
class TouchAndEvictTest {

    private static final long PAGE = DiskFiles.PAGE;

    private final DiskFiles files = DiskFiles.create();

    @AfterEach
    void deleteFiles() {
        files.close();
    }

    @Test
    void touchingChosenPagesOfAnEvictedFileMakesExactlyThoseResident() throws Exception {
        Path file = files.file("chosen.bin", 64);
        PageControl.evict(file);
        try (MappedFile mapping = MappedFile.map(file, MapMode.READ_ONLY)) {
            MemorySegment segment = mapping.segment();
            Kernel.noReadahead(segment);
            PageControl.touchPages(segment, Access.READ, 3, 10, 40, 41, 63);
            assertThat(Residency.of(segment).residentRuns())
                    .as("with MADV_RANDOM a fault on an evicted file reads just its page (no readahead; fault-around"
                            + " maps only pages already cached, and there are none): exactly pages 3, 10, 40, 41, 63")
                    .containsExactly(new PageRun(3, 1), new PageRun(10, 1), new PageRun(40, 2), new PageRun(63, 1));
        }
    }

    @Test
    void evictingDropsTheFileFromThePageCacheButNotPagesStillMapped() throws Exception {
        Path file = files.file("evict.bin", 32);
        assertThat(Residency.ofFile(file).pages().residentCount()).as("just written with write(): all cached")
                .isEqualTo(32);
        PageControl.evict(file);
        assertThat(Residency.ofFile(file).pages().residentCount()).as("evict: fsync, then posix_fadvise(DONTNEED)")
                .isZero();
        try (MappedFile mapping = MappedFile.map(file, MapMode.READ_ONLY)) {
            PageControl.touch(mapping.segment(), Access.READ);
            assertThat(Residency.of(mapping.segment()).residentCount()).as("touch reads every page in").isEqualTo(32);
            PageControl.evict(file);
            assertThat(Residency.of(mapping.segment()).residentCount())
                    .as("DONTNEED leaves pages that a process maps: this mapping still maps all 32").isEqualTo(32);
        }
        PageControl.evict(file);
        assertThat(Residency.ofFile(file).pages().residentCount()).as("once unmapped, evicting drops them").isZero();
    }

    @Test
    void dirtyPagesAreWrittenBackBeforeEviction() throws Exception {
        Path file = files.file("dirty.bin", 8);
        byte[] before = Files.readAllBytes(file);
        try (MappedFile mapping = MappedFile.map(file, MapMode.SHARED)) {
            mapping.segment().set(java.lang.foreign.ValueLayout.JAVA_BYTE, 5 * PAGE + 1, (byte) (before[(int) (5 * PAGE + 1)] + 1));
        }
        PageControl.evict(file);
        assertThat(Residency.ofFile(file).pages().residentCount())
                .as("a dirty page cannot be dropped before it is written: evict must write it back first (force/fsync)")
                .isZero();
        assertThat(Files.readAllBytes(file)[(int) (5 * PAGE + 1)]).as("the store survived eviction: it was on disk")
                .isEqualTo((byte) (before[(int) (5 * PAGE + 1)] + 1));
    }

    @Test
    void readingAnEvictedFileCausesMajorFaultsAndReadingItAgainNone() throws Exception {
        long pages = 64;
        Path file = files.file("cold.bin", pages);
        PageControl.evict(file);
        try (MappedFile mapping = MappedFile.map(file, MapMode.READ_ONLY)) {
            MemorySegment segment = mapping.segment();
            Kernel.noReadahead(segment);
            Faults cold = FaultCounters.measure(() -> PageControl.touch(segment, Access.READ));
            assertThat(cold.major()).as("with MADV_RANDOM every page of the evicted file waits for the disk:"
                    + " one major fault per page").isBetween(pages, pages + 2);
            Faults again = FaultCounters.measure(() -> PageControl.touch(segment, Access.READ));
            assertThat(again.total()).as("the pages are cached and mapped now: reading them again costs no fault"
                    + " (at most a few of the JVM's own)").isLessThan(Kernel.NOISE);
        }
        try (MappedFile another = MappedFile.map(file, MapMode.READ_ONLY)) {
            Faults cached = FaultCounters.measure(() -> PageControl.touch(another.segment(), Access.READ));
            assertThat(cached.major()).as("a new mapping of a cached file: its faults are all minor").isZero();
            assertThat(cached.minor()).as("a new mapping faults again (its page table is empty), but minor").isPositive();
        }
    }

    @Test
    void aStoreToEachPageOfAPrivateMappingCostsOneFaultPerPage() throws Exception {
        long pages = 64;
        Path file = files.file("private.bin", pages);
        byte[] original = Files.readAllBytes(file);
        try (MappedFile mapping = MappedFile.map(file, MapMode.PRIVATE)) {
            Faults stores = FaultCounters.measure(() -> PageControl.touch(mapping.segment(), Access.WRITE));
            assertThat(stores.minor()).as("a store to a page of a private mapping copies it: one copy-on-write fault"
                    + " per page, write faults do not fault around (%d pages)", pages)
                    .isBetween(pages, pages + pages / 2 + Kernel.NOISE);
            assertThat(stores.major()).as("the file is cached: nothing to wait for").isZero();
            Faults again = FaultCounters.measure(() -> PageControl.touch(mapping.segment(), Access.WRITE));
            assertThat(again.total()).as("the copies are this mapping's now: storing again costs nothing").isLessThan(Kernel.NOISE);
        }
        assertThat(Files.readAllBytes(file)).as("a WRITE touch must leave the bytes as they were").isEqualTo(original);
    }

    @Test
    void aReadFaultOfACachedFileMapsItsNeighboursToo() throws Exception {
        long pages = 256;
        // kernel behaviour assumed: one read fault maps several cached pages (fault_around_bytes > 2 pages)
        assumeTrue(FaultProbes.faultAround().value() > 2, FaultProbes.faultAround().reason());
        Path file = files.file("around.bin", pages);
        try (MappedFile mapping = MappedFile.map(file, MapMode.READ_ONLY)) {
            Faults faults = FaultCounters.measure(() -> PageControl.touch(mapping.segment(), Access.READ));
            assertThat(faults.total()).as("fault-around: a read fault on a cached file maps up to 16 cached"
                    + " neighbours (fault_around_bytes 64 KiB; large folios map more), so reading %d pages costs far"
                    + " fewer faults than pages", pages).isLessThan(pages / 2);
        }
    }

    @Test
    void badInputIsRefusedNamingArgumentValueAndRule() throws Exception {
        Path file = files.file("bad.bin", 4);
        try (MappedFile mapping = MappedFile.map(file, MapMode.READ_ONLY)) {
            MemorySegment segment = mapping.segment();
            assertThat(catchThrowable(() -> PageControl.touchPages(segment, Access.READ, 1, 4)))
                    .as("pages 0..3 exist; refuse page 4 before touching any")
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("page 4");
            assertThatThrownBy(() -> PageControl.touchPages(segment, Access.READ, -1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("page -1");
            assertThat(catchThrowable(() -> PageControl.touch(segment, Access.WRITE)))
                    .as("a store to a read-only mapping").isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("read-only");
            assertThatThrownBy(() -> PageControl.touch(segment.asSlice(1), Access.READ))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        MappedFile closed = MappedFile.map(file, MapMode.READ_ONLY);
        MemorySegment stale = closed.segment();
        closed.close();
        assertThatThrownBy(() -> PageControl.touch(stale, Access.READ)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThat(catchThrowable(() -> PageControl.evict(files.dir().resolve("missing.bin"))))
                .as("evicting a file that does not exist").isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("missing.bin");
    }
}
