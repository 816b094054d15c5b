package mmapkit.faults;

import static mmapkit.mapping.natives.MemoryMapCalls.MAP_PRIVATE;
import static mmapkit.mapping.natives.MemoryMapCalls.PROT_READ;
import static mmapkit.mapping.natives.MemoryMapCalls.PROT_WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import mmapkit.course.Task;
import mmapkit.faults.natives.AdviceCalls;
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
import java.util.List;

@Task(id = "02.2", points = 10, title = "Ask mincore which pages are resident")
class ResidencyTest {

    private static final long PAGE = DiskFiles.PAGE;

    private final DiskFiles files = DiskFiles.create();

    @AfterEach
    void deleteFiles() {
        files.close();
    }

    @Test
    void onlyBit0OfEachVectorByteMeansResident() {
        ResidencyMap map = ResidencyMap.fromVector(new byte[] {1, 0, 3, 2, (byte) 0xff, (byte) 0xfe, 0, 1});
        assertThat(map.pageCount()).isEqualTo(8);
        assertThat(List.of(map.isResident(0), map.isResident(1), map.isResident(2), map.isResident(3),
                map.isResident(4), map.isResident(5), map.isResident(6), map.isResident(7)))
                .as("mincore sets one byte per page, and only its bit 0 means resident: 2 and 0xfe are NOT resident,"
                        + " the other bits are reserved")
                .containsExactly(true, false, true, false, true, false, false, true);
        assertThat(map.residentCount()).as("resident pages of {1, 0, 3, 2, 0xff, 0xfe, 0, 1}").isEqualTo(4);
    }

    @Test
    void residentPagesComeInRuns() {
        ResidencyMap map = ResidencyMap.fromVector(new byte[] {1, 1, 0, 0, 1, 0, 1, 1, 1, 0, 0, 1});
        assertThat(map.residentRuns()).as("runs of consecutive resident pages, as (firstPage, pageCount)")
                .containsExactly(new PageRun(0, 2), new PageRun(4, 1), new PageRun(6, 3), new PageRun(11, 1));
        assertThat(ResidencyMap.fromVector(new byte[5]).residentRuns()).as("no resident page, no run").isEmpty();
        assertThat(ResidencyMap.fromVector(new byte[0]).pageCount()).isZero();
        byte[] many = new byte[200]; // more than one 64-bit word
        many[63] = 1;
        many[64] = 1;
        many[199] = 1;
        assertThat(ResidencyMap.fromVector(many).residentRuns()).as("a run across the 64-page boundary")
                .containsExactly(new PageRun(63, 2), new PageRun(199, 1));
    }

    @Test
    void anonymousMemoryIsResidentExactlyWhereItWasTouched() {
        try (RawMapping memory = RawMapping.anonymous(16 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE)) {
            MemorySegment segment = memory.segment();
            Kernel.onePagePerFault(segment); // no large anonymous folio (THP always, mTHP)
            assertThat(Residency.of(segment).residentCount()).as("fresh anonymous memory: mapped, nothing allocated yet")
                    .isZero();
            segment.set(ValueLayout.JAVA_BYTE, 2 * PAGE, (byte) 1);
            segment.set(ValueLayout.JAVA_BYTE, 5 * PAGE + 100, (byte) 1);
            ResidencyMap map = Residency.of(segment);
            assertThat(map.pageCount()).isEqualTo(16);
            assertThat(map.residentRuns()).as("stores to pages 2 and 5 allocate those two pages and no other"
                    + " (anonymous faults do not fault around)").containsExactly(new PageRun(2, 1), new PageRun(5, 1));
        }
    }

    @Test
    void mappingAnEvictedFileMakesNothingResident() throws Exception {
        Path file = files.file("data.bin", 32);
        evictWithTheGivenBinding(file);
        assertThat(Residency.ofFile(file).pages().residentCount())
                .as("after posix_fadvise(DONTNEED) no page of the file is in the page cache").isZero();
        try (MappedFile mapping = MappedFile.map(file, MapMode.READ_ONLY)) {
            ResidencyMap map = Residency.of(mapping.segment());
            assertThat(map.pageCount()).isEqualTo(32);
            assertThat(map.residentCount()).as("mmap reads nothing: a fresh mapping of an evicted file has no resident page")
                    .isZero();
        }
    }

    @Test
    void aFileWrittenWithWriteIsInThePageCacheWholly() throws Exception {
        Path file = files.file("written.bin", (int) (5 * PAGE + 10), 1);
        FileResidency residency = Residency.ofFile(file);
        assertThat(residency.size()).isEqualTo(5 * PAGE + 10);
        assertThat(residency.pages().pageCount()).as("5 whole pages and a partial one").isEqualTo(6);
        assertThat(residency.pages().residentCount())
                .as("write() puts every page it writes into the page cache: all resident, before any mapping touched them")
                .isEqualTo(6);
        assertThat(residency.reliable()).as("this process owns the file: %s", residency.visibility().reason()).isTrue();
        Path empty = Files.createFile(files.dir().resolve("empty.bin"));
        assertThat(Residency.ofFile(empty).pages().pageCount()).as("an empty file has no page (and cannot be mapped)")
                .isZero();
    }

    @Test
    void theLinux52RuleIsReportedNotHidden() {
        MincoreVisibility hidden = MincoreVisibility.decide("6.8.0-45-generic", 0, 1000, false, false);
        assertThat(hidden.reliable()).as("uid 1000, file owned by uid 0, not writable, no CAP_FOWNER, Linux 6.8:"
                + " mincore claims every page resident").isFalse();
        assertThat(hidden.reason()).as("say why the counts mean nothing").contains("5.2").contains("own").contains("writ");
        assertThat(MincoreVisibility.decide("6.8.0", 1000, 1000, false, false).reliable()).as("the owner sees the truth")
                .isTrue();
        assertThat(MincoreVisibility.decide("6.8.0", 0, 1000, false, true).reliable())
                .as("a caller that could open the file for writing sees the truth").isTrue();
        assertThat(MincoreVisibility.decide("6.8.0", 0, 1000, true, false).reliable())
                .as("CAP_FOWNER counts as owning every file").isTrue();
        assertThat(MincoreVisibility.decide("5.1.21", 0, 1000, false, false).reliable())
                .as("before Linux 5.2 mincore told everyone").isTrue();
        assertThat(MincoreVisibility.decide("5.2.0", 0, 1000, false, false).reliable()).isFalse();
        assertThatThrownBy(() -> MincoreVisibility.decide("unknown", 0, 1000, false, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown");
        Path passwd = Path.of("/etc/passwd");
        FileResidency system = Residency.ofFile(passwd);
        boolean expected = Files.isWritable(passwd) || isOwnedByMe(passwd) || System.getProperty("user.name").equals("root");
        assertThat(system.reliable()).as("/etc/passwd on this machine: %s", system.visibility().reason()).isEqualTo(expected);
    }

    @Test
    void badInputIsRefusedNamingTheRule() throws Exception {
        Path file = files.file("bad.bin", 4);
        try (MappedFile mapping = MappedFile.map(file, MapMode.READ_ONLY)) {
            MemorySegment unaligned = mapping.segment().asSlice(100);
            assertThat(catchThrowable(() -> Residency.of(unaligned)))
                    .as("mincore needs a page-aligned address (else EINVAL): check first and say so")
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("0x" + Long.toHexString(unaligned.address()));
            ResidencyMap map = Residency.of(mapping.segment());
            assertThat(catchThrowable(() -> map.isResident(4))).as("pages 0..3 only").isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("page 4");
            assertThatThrownBy(() -> map.isResident(-1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("page -1");
        }
        MappedFile closed = MappedFile.map(file, MapMode.READ_ONLY);
        MemorySegment stale = closed.segment();
        closed.close();
        assertThat(catchThrowable(() -> Residency.of(stale))).as("a segment of a closed mapping: refuse, do not ask about"
                + " an address range that may belong to something else by now")
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThat(catchThrowable(() -> Residency.of(MemorySegment.ofArray(new byte[(int) (2 * PAGE)]))))
                .as("a heap array is not a mapping").isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("native");
    }

    private static boolean isOwnedByMe(Path file) {
        try {
            return Files.getOwner(file).getName().equals(System.getProperty("user.name"));
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** Eviction with the given bindings (task 02.3 writes PageControl.evict). */
    static void evictWithTheGivenBinding(Path file) throws Exception {
        try (var channel = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.READ)) {
            channel.force(true);
        }
        int fd = PosixFiles.open(file, PosixFiles.O_RDONLY, 0);
        try {
            AdviceCalls.posixFadvise(fd, 0, 0, AdviceCalls.POSIX_FADV_DONTNEED);
        } finally {
            PosixFiles.close(fd);
        }
    }
}
