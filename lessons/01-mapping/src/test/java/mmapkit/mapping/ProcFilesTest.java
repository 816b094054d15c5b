package mmapkit.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import mmapkit.course.Task;
import mmapkit.mapping.proc.MapsEntry;
import mmapkit.mapping.proc.ProcField;
import mmapkit.mapping.proc.ProcMaps;
import mmapkit.mapping.proc.ProcStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

@Task(id = "01.2", points = 10, title = "Read /proc/self/maps and /proc/self/status")
class ProcFilesTest {

    private static final long PAGE = Pages.size();

    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;

    private static final String MAPS = """
            55d0c8a00000-55d0c8a21000 rw-p 00000000 00:00 0                          [heap]
            7f3a1c200000-7f3a1c203000 rw-s 00002000 fd:01 1835021                    /tmp/data file.bin
            7f3a1c400000-7f3a1c401000 r--p 00000000 00:01 2049                       /memfd:ring (deleted)
            7f3a1c600000-7f3a1c800000 ---p 00000000 00:00 0
            ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]
            """;

    private static final String STATUS = """
            Name:\tjava
            Umask:\t0022
            State:\tS (sleeping)
            VmPeak:\t 9120456 kB
            VmSize:\t 8912340 kB
            VmHWM:\t   61000 kB
            VmRSS:\t   58632 kB
            RssAnon:\t   40000 kB
            RssFile:\t   18000 kB
            RssShmem:\t     632 kB
            Threads:\t19
            """;

    @Test
    void aMapsLineHasRangePermissionsOffsetDeviceInodeAndPath() {
        MapsEntry file = MapsEntry.parse("7f3a1c200000-7f3a1c203000 rw-s 00002000 fd:01 1835021                    /tmp/data file.bin");
        assertThat(file.start()).as("start is hexadecimal").isEqualTo(0x7f3a1c200000L);
        assertThat(file.end()).as("end is hexadecimal").isEqualTo(0x7f3a1c203000L);
        assertThat(file.size()).as("size = end - start: 0x3000 bytes").isEqualTo(0x3000);
        assertThat(file.offset()).as("the file offset is hexadecimal too: 00002000 is 0x2000").isEqualTo(0x2000);
        assertThat(file.device()).isEqualTo("fd:01");
        assertThat(file.inode()).as("the inode is decimal").isEqualTo(1835021);
        assertThat(file.path()).as("the path is everything after the inode and its padding, spaces included")
                .isEqualTo("/tmp/data file.bin");
        assertThat(file.permissions()).isEqualTo("rw-s");
        assertThat(file.readable() && file.writable() && !file.executable() && file.shared())
                .as("rw-s is readable, writable, not executable, shared").isTrue();
    }

    @Test
    void pseudoPathsDeletedFilesAndAnonymousMemory() {
        MapsEntry heap = MapsEntry.parse("55d0c8a00000-55d0c8a21000 rw-p 00000000 00:00 0                          [heap]");
        assertThat(heap.path()).isEqualTo("[heap]");
        assertThat(heap.shared()).as("p means private (copy-on-write)").isFalse();
        MapsEntry deleted = MapsEntry.parse("7f3a1c400000-7f3a1c401000 r--p 00000000 00:01 2049   /memfd:ring (deleted)");
        assertThat(deleted.deleted()).as("a path ending in ' (deleted)' is a file deleted while mapped").isTrue();
        assertThat(deleted.filePath()).isEqualTo("/memfd:ring");
        MapsEntry anonymous = MapsEntry.parse("7f3a1c600000-7f3a1c800000 ---p 00000000 00:00 0");
        assertThat(anonymous.path()).as("anonymous memory has no path at all, not even trailing spaces").isEmpty();
        assertThat(anonymous.anonymous()).isTrue();
        MapsEntry padded = MapsEntry.parse("7f3a1c600000-7f3a1c800000 ---p 00000000 00:00 0                    ");
        assertThat(padded.path()).as("a line padded with spaces but no path has an empty path").isEmpty();
        MapsEntry top = MapsEntry.parse("ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]");
        assertThat(top.start()).as("addresses above Long.MAX_VALUE parse as unsigned").isEqualTo(0xffffffffff600000L);
    }

    @Test
    void findReturnsTheEntryThatHoldsAnAddress() {
        ProcMaps maps = ProcMaps.parse(MAPS);
        assertThat(maps.entries()).as("five lines, five entries").hasSize(5);
        assertThat(maps.find(0x7f3a1c201234L)).as("an address inside the data file mapping")
                .hasValueSatisfying(entry -> assertThat(entry.path()).isEqualTo("/tmp/data file.bin"));
        assertThat(maps.find(0x7f3a1c200000L)).as("start is inside").isPresent();
        assertThat(maps.find(0x7f3a1c203000L)).as("end is the first address after the area, not inside it").isEmpty();
        assertThat(maps.find(0x1000L)).as("nothing is mapped at 0x1000").isEmpty();
        assertThat(maps.find(0xffffffffff600800L)).as("an address above Long.MAX_VALUE, compared unsigned")
                .hasValueSatisfying(entry -> assertThat(entry.path()).isEqualTo("[vsyscall]"));
    }

    @Test
    void aLineThatIsNotAMapsLineIsRefusedWithItsNumber() {
        assertThat(catchThrowable(() -> ProcMaps.parse("55d0c8a00000-55d0c8a21000 rw-p 00000000 00:00 0 [heap]\nhello world\n")))
                .as("line 2 is not a maps line")
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line 2").hasMessageContaining("hello world");
    }

    @Test
    void statusSizesAreInBytes() {
        ProcStatus status = ProcStatus.parse(STATUS);
        assertThat(status.vmSize()).as("VmSize 8912340 kB, and the kernel's kB is 1024 bytes").isEqualTo(8912340L * 1024);
        assertThat(status.vmRss()).as("VmRSS 58632 kB").isEqualTo(58632L * 1024);
        assertThat(status.rssAnon()).as("RssAnon").isEqualTo(40000L * 1024);
        assertThat(status.rssFile()).as("RssFile").isEqualTo(18000L * 1024);
        assertThat(status.rssShmem()).as("RssShmem").isEqualTo(632L * 1024);
        assertThat(ProcField.parse("Rss:                   4 kB")).as("an smaps line")
                .hasValueSatisfying(field -> assertThat(field.bytes()).isEqualTo(4 * 1024));
        assertThat(catchThrowable(() -> ProcStatus.parse("Name:\tjava\nVmRSS:\t 1 kB\n"))).as("a status text without VmSize")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("VmSize");
    }

    @Test
    void theRunningProcessShowsAMappingItJustMade(@TempDir Path dir) throws Exception {
        Path file = TestFiles.patterned(dir, "shown.bin", 3 * PAGE);
        try (Arena arena = Arena.ofShared(); FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            MemorySegment segment = channel.map(FileChannel.MapMode.READ_ONLY, 0, 3 * PAGE, arena);
            ProcMaps maps = ProcMaps.current();
            assertThat(maps.find(segment.address() + PAGE)).as("/proc/self/maps should hold the mapping just made at 0x%x",
                    segment.address()).hasValueSatisfying(entry -> {
                        assertThat(entry.filePath()).as("its path").isEqualTo(KernelView.realPath(file));
                        assertThat(entry.permissions()).as("a read-only shared file mapping").isEqualTo("r--s");
                    });
            assertThat(maps.entriesOf(file)).as("entriesOf(file) lists the one mapping of the file").hasSize(1);
        }
    }

    @Test
    void aGibibyteMappingCostsAddressSpaceNotResidentMemory(@TempDir Path dir) throws Exception {
        Path file = TestFiles.sparse(dir, "gib.bin", GIB);
        ProcStatus before = ProcStatus.current();
        try (Arena arena = Arena.ofShared(); FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            MemorySegment segment = channel.map(FileChannel.MapMode.READ_ONLY, 0, GIB, arena);
            ProcStatus mapped = ProcStatus.current();
            assertThat(mapped.vmSize() - before.vmSize()).as("VmSize should grow by about 1 GiB when 1 GiB is mapped"
                    + " (before %s, after %s)", before, mapped).isBetween(GIB - 64 * MIB, GIB + 256 * MIB);
            assertThat(mapped.rssFile() - before.rssFile()).as("RssFile should not grow yet: mapping reads nothing"
                    + " (before %s, after %s)", before, mapped).isLessThan(16 * MIB);
            long sum = 0;
            for (long offset = 0; offset < 64 * MIB; offset += PAGE) {
                sum += segment.get(ValueLayout.JAVA_BYTE, offset);
            }
            ProcStatus touched = ProcStatus.current();
            assertThat(sum).as("a hole reads zero").isZero();
            assertThat(touched.rssFile() - before.rssFile()).as("after touching 64 MiB of the 1 GiB, RssFile should have"
                    + " grown by about 64 MiB, not 1 GiB (before %s, after %s)", before, touched)
                    .isBetween(48 * MIB, 192 * MIB);
        }
    }
}
