package mmapkit.faults;

import static mmapkit.mapping.natives.MemoryMapCalls.MAP_PRIVATE;
import static mmapkit.mapping.natives.MemoryMapCalls.MAP_SHARED;
import static mmapkit.mapping.natives.MemoryMapCalls.PROT_READ;
import static mmapkit.mapping.natives.MemoryMapCalls.PROT_WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import mmapkit.course.Task;
import mmapkit.mapping.MapMode;
import mmapkit.mapping.MappedFile;
import mmapkit.mapping.RawMapping;
import mmapkit.mapping.natives.PosixFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;

@Task(id = "02.4", points = 10, title = "Advise and populate")
class AdviseAndPopulateTest {

    private static final long PAGE = DiskFiles.PAGE;

    private final DiskFiles files = DiskFiles.create();

    @AfterEach
    void deleteFiles() {
        files.close();
    }

    @Test
    void randomAdviceStopsTheReadaheadThatNormalAdviceDoes() throws Exception {
        Path file = files.file("readahead.bin", 256);
        PageControl.evict(file);
        try (MappedFile mapping = MappedFile.map(file, MapMode.READ_ONLY)) {
            PageControl.advise(mapping.segment(), Advice.NORMAL);
            PageControl.touchPages(mapping.segment(), Access.READ, 0);
            assertThat(Residency.of(mapping.segment()).residentCount())
                    .as("MADV_NORMAL: the fault on page 0 of an evicted file reads ahead (many pages, here %s)",
                            Residency.of(mapping.segment())).isGreaterThan(1);
        }
        PageControl.evict(file);
        try (MappedFile mapping = MappedFile.map(file, MapMode.READ_ONLY)) {
            PageControl.advise(mapping.segment(), Advice.RANDOM);
            PageControl.touchPages(mapping.segment(), Access.READ, 0, 100);
            assertThat(Residency.of(mapping.segment()).residentRuns())
                    .as("MADV_RANDOM: each fault reads its own page only")
                    .containsExactly(new PageRun(0, 1), new PageRun(100, 1));
        }
    }

    @Test
    void willNeedReadsTheFileInWithoutAFault() throws Exception {
        Path file = files.file("willneed.bin", 32);
        PageControl.evict(file);
        try (MappedFile mapping = MappedFile.map(file, MapMode.READ_ONLY)) {
            MemorySegment segment = mapping.segment();
            PageControl.advise(segment, Advice.WILLNEED);
            // WILLNEED only starts the reads: wait (bounded) until they are done
            for (int tries = 0; tries < 1000 && Residency.of(segment).residentCount() < 32; tries++) {
                Thread.sleep(10);
            }
            assertThat(Residency.of(segment).residentCount())
                    .as("MADV_WILLNEED reads the range into the page cache, asynchronously").isEqualTo(32);
            Faults faults = FaultCounters.measure(() -> PageControl.touch(segment, Access.READ));
            assertThat(faults.major()).as("the pages were read ahead: touching them waits for no disk").isZero();
        }
    }

    @Test
    void dontNeedDropsPageTableEntriesAndWhatIsLostDependsOnTheMapping() throws Exception {
        try (RawMapping memory = RawMapping.anonymous(4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE)) {
            MemorySegment segment = memory.segment();
            segment.set(ValueLayout.JAVA_LONG, PAGE, 42);
            PageControl.advise(segment, Advice.DONTNEED);
            assertThat(Residency.of(segment).residentCount()).as("MADV_DONTNEED frees private anonymous pages at once")
                    .isZero();
            assertThat(segment.get(ValueLayout.JAVA_LONG, PAGE)).as("and they read zero afterwards").isZero();
        }
        Path file = files.file("dontneed.bin", 4);
        byte original = Files.readAllBytes(file)[(int) PAGE];
        try (MappedFile copy = MappedFile.map(file, MapMode.PRIVATE); MappedFile shared = MappedFile.map(file, MapMode.SHARED)) {
            copy.segment().set(ValueLayout.JAVA_BYTE, PAGE, (byte) (original + 1));
            shared.segment().set(ValueLayout.JAVA_BYTE, 2 * PAGE, (byte) 7);
            PageControl.advise(copy.segment(), Advice.DONTNEED);
            PageControl.advise(shared.segment(), Advice.DONTNEED);
            assertThat(copy.segment().get(ValueLayout.JAVA_BYTE, PAGE))
                    .as("a private file mapping loses its copy: it reads the file again").isEqualTo(original);
            assertThat(shared.segment().get(ValueLayout.JAVA_BYTE, 2 * PAGE))
                    .as("a shared mapping keeps its data: it is in the page cache").isEqualTo((byte) 7);
        }
    }

    @Test
    void mapPopulateReadsAndMapsEveryPageInAdvance() throws Exception {
        Path file = files.file("populate.bin", 64);
        PageControl.evict(file);
        try (RawMapping mapping = PageControl.mapPopulated(file)) {
            MemorySegment segment = mapping.segment();
            assertThat(mapping.flags() & mmapkit.mapping.natives.MemoryMapCalls.MAP_POPULATE)
                    .as("mapped with MAP_POPULATE").isNotZero();
            assertThat(Residency.of(segment).residentCount()).as("MAP_POPULATE read the evicted file in during mmap")
                    .isEqualTo(64);
            Faults faults = FaultCounters.measure(() -> PageControl.touch(segment, Access.READ));
            assertThat(faults.total()).as("and mapped every page: touching them costs no fault").isLessThan(Kernel.NOISE);
        }
    }

    @Test
    void populateReadBeyondTheEndOfTheFileFailsWithAClearException() throws Exception {
        assumeTrue(FaultProbes.populateAdvice().holds(), FaultProbes.populateAdvice().reason());
        Path file = files.file("one-page.bin", 1);
        int fd = PosixFiles.open(file, PosixFiles.O_RDONLY, 0);
        try (RawMapping mapping = RawMapping.map(2 * PAGE, PROT_READ, MAP_SHARED, fd, 0)) {
            // page 1 is beyond the end of the file: a touch there would raise SIGBUS. Do not touch it.
            assertThat(catchThrowable(() -> PageControl.populate(mapping.segment(), Access.READ)))
                    .as("2 pages mapped over a 1-page file: MADV_POPULATE_READ answers EFAULT where a touch would raise"
                            + " SIGBUS; report it as an exception that names the range and the failing page")
                    .isInstanceOfSatisfying(PopulateException.class, e -> {
                        assertThat(e.errnoName()).isEqualTo("EFAULT");
                        assertThat(e.firstFailingPage()).as("page 0 is the file's, page 1 is beyond it").isEqualTo(1);
                        assertThat(e.length()).isEqualTo(2 * PAGE);
                        assertThat(e.getMessage()).contains("MADV_POPULATE_READ").contains("EFAULT").contains("page 1")
                                .contains("SIGBUS").contains("0x" + Long.toHexString(mapping.address()));
                    });
            assertThat(Residency.of(mapping.segment()).isResident(0)).as("page 0 was populated before the failure")
                    .isTrue();
        } finally {
            PosixFiles.close(fd);
        }
    }

    @Test
    void populateWriteBreaksCopyOnWriteInAdvanceAndNeedsAWritableMapping() throws Exception {
        assumeTrue(FaultProbes.populateAdvice().holds(), FaultProbes.populateAdvice().reason());
        Path file = files.file("cow.bin", 32);
        try (MappedFile mapping = MappedFile.map(file, MapMode.PRIVATE)) {
            PageControl.populate(mapping.segment(), Access.WRITE);
            Faults faults = FaultCounters.measure(() -> PageControl.touch(mapping.segment(), Access.WRITE));
            assertThat(faults.total()).as("MADV_POPULATE_WRITE made the private copies: the stores cost no fault")
                    .isLessThan(Kernel.NOISE);
        }
        try (MappedFile readOnly = MappedFile.map(file, MapMode.READ_ONLY)) {
            assertThat(catchThrowable(() -> PageControl.populate(readOnly.segment(), Access.WRITE)))
                    .as("MADV_POPULATE_WRITE on a read-only mapping: EINVAL, reported with the reason")
                    .isInstanceOfSatisfying(PopulateException.class, e -> {
                        assertThat(e.errnoName()).isEqualTo("EINVAL");
                        assertThat(e.getMessage()).contains("MADV_POPULATE_WRITE");
                    });
        }
    }

    @Test
    void badInputIsRefusedNamingTheRule() throws Exception {
        Path file = files.file("bad.bin", 4);
        MappedFile closed = MappedFile.map(file, MapMode.READ_ONLY);
        MemorySegment stale = closed.segment();
        try (closed) {
            assertThat(catchThrowable(() -> PageControl.advise(stale.asSlice(PAGE / 2), Advice.RANDOM)))
                    .as("madvise needs a page-aligned start").isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> PageControl.populate(stale.asSlice(8), Access.READ))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(catchThrowable(() -> PageControl.advise(stale, Advice.DONTNEED)))
                .as("DONTNEED on a range that is no longer ours could wipe someone else's memory: refuse")
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> PageControl.populate(stale, Access.READ)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        Path empty = Files.createFile(files.dir().resolve("empty.bin"));
        assertThatThrownBy(() -> PageControl.mapPopulated(empty)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty");
        assertThat(Advice.RANDOM.value()).isEqualTo(1);
        assertThat(Advice.DONTNEED.cName()).isEqualTo("MADV_DONTNEED");
    }

    @Test
    void dontNeedTakesOnlyWholePages() {
        try (RawMapping memory = RawMapping.anonymous(2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE)) {
            MemorySegment whole = memory.segment();
            long past = PAGE / 2;
            whole.set(ValueLayout.JAVA_BYTE, past, (byte) 42);
            MemorySegment part = whole.asSlice(0, 100);
            assertThat(catchThrowable(() -> PageControl.advise(part, Advice.DONTNEED)))
                    .as("DONTNEED on a segment of 100 bytes would drop its whole page, the bytes past the segment too"
                            + " (on the native heap: someone else's): refuse it, naming the size and the rule")
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContainingAll("100", "page");
            assertThat(whole.get(ValueLayout.JAVA_BYTE, past)).as("the byte past the segment is kept").isEqualTo((byte) 42);
        }
    }
}
