package mmapkit.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import mmapkit.course.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

@Task(id = "01.3", points = 15, title = "Map a file read-only, shared or private")
class MapModesTest {

    private static final long PAGE = Pages.size();

    @TempDir
    Path dir;

    @Test
    void readOnlyMapsTheFileAsItIs() throws Exception {
        Path file = TestFiles.patterned(dir, "data.bin", 3 * PAGE);
        try (TestFiles.Closing closing = TestFiles.closing(MappedFile.map(file, MapMode.READ_ONLY, 0, 3 * PAGE))) {
            MappedFile mapping = closing.mapping();
            MemorySegment segment = mapping.segment();
            assertThat(segment.byteSize()).as("the segment should be exactly the length asked for").isEqualTo(3 * PAGE);
            for (long i : new long[] {0, 1, PAGE - 1, PAGE, 3 * PAGE - 1}) {
                assertThat(segment.get(ValueLayout.JAVA_BYTE, i)).as("byte %d of the mapping is byte %d of the file", i, i)
                        .isEqualTo(TestFiles.patternAt(i));
            }
            assertThat(mapping.mode()).isEqualTo(MapMode.READ_ONLY);
            assertThat(KernelView.areaAt(mapping.address())).as("/proc/self/maps at the mapping's address")
                    .hasValueSatisfying(area -> assertThat(area.permissions()).as("a READ_ONLY mapping is r--s").isEqualTo("r--s"));
        }
    }

    @Test
    void writingThroughAReadOnlyMappingIsRefused() throws Exception {
        Path file = TestFiles.patterned(dir, "data.bin", PAGE);
        try (TestFiles.Closing closing = TestFiles.closing(MappedFile.map(file, MapMode.READ_ONLY, 0, PAGE))) {
            MappedFile mapping = closing.mapping();
            MemorySegment segment = mapping.segment();
            assertThat(catchThrowable(() -> segment.set(ValueLayout.JAVA_BYTE, 10, (byte) 1)))
                    .as("a store through a READ_ONLY mapping: the JDK refuses it before the CPU could fault")
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("read-only");
        }
        assertThat(Files.readAllBytes(file)[10]).as("the file is unchanged").isEqualTo(TestFiles.patternAt(10));
    }

    @Test
    void aStoreThroughASharedMappingIsSeenByReadAtOnce() throws Exception {
        Path file = TestFiles.patterned(dir, "data.bin", 2 * PAGE);
        try (TestFiles.Closing closing = TestFiles.closing(MappedFile.map(file, MapMode.SHARED, 0, 2 * PAGE))) {
            MappedFile mapping = closing.mapping();
            mapping.segment().set(ValueLayout.JAVA_BYTE, 5000, (byte) 99);
            assertThat(TestFiles.readAt(file, 5000, 1)[0])
                    .as("read() should see a SHARED store at once, before force() or close(): both use the same page-cache page")
                    .isEqualTo((byte) 99);
            assertThat(KernelView.areaAt(mapping.address())).hasValueSatisfying(area -> assertThat(area.permissions())
                    .as("a SHARED mapping is rw-s").isEqualTo("rw-s"));
        }
    }

    @Test
    void aStoreThroughAPrivateMappingNeverReachesTheFile() throws Exception {
        Path file = TestFiles.patterned(dir, "data.bin", 2 * PAGE);
        try (TestFiles.Closing closing = TestFiles.closing(MappedFile.map(file, MapMode.PRIVATE, 0, 2 * PAGE))) {
            MappedFile mapping = closing.mapping();
            MemorySegment segment = mapping.segment();
            segment.set(ValueLayout.JAVA_BYTE, 5000, (byte) 99);
            assertThat(segment.get(ValueLayout.JAVA_BYTE, 5000)).as("the PRIVATE mapping sees its own store").isEqualTo((byte) 99);
            assertThat(TestFiles.readAt(file, 5000, 1)[0]).as("read() must not see a PRIVATE store: it went to a private copy")
                    .isEqualTo(TestFiles.patternAt(5000));
            mapping.force();
            assertThat(KernelView.areaAt(mapping.address())).hasValueSatisfying(area -> assertThat(area.permissions())
                    .as("a PRIVATE mapping is rw-p").isEqualTo("rw-p"));
        }
        assertThat(TestFiles.readAt(file, 5000, 1)[0]).as("nor after force() and close()").isEqualTo(TestFiles.patternAt(5000));
    }

    @Test
    void mappingPastTheEndOfAFileOpenedReadOnlyIsRefused() throws Exception {
        Path file = TestFiles.patterned(dir, "data.bin", PAGE);
        for (MapMode mode : new MapMode[] {MapMode.READ_ONLY, MapMode.PRIVATE}) {
            assertThat(catchThrowable(() -> MappedFile.map(file, mode, 0, 2 * PAGE)))
                    .as("%s [0, 2 pages) of a one-page file: the file is opened read-only and cannot be extended", mode)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContainingAll(String.valueOf(2 * PAGE), String.valueOf(PAGE));
            assertThat(Files.size(file)).as("a refused %s map must leave the file as it was", mode).isEqualTo(PAGE);
        }
    }

    @Test
    void aSharedMappingPastTheEndExtendsTheFileAsJavaDoes() throws Exception {
        Path file = TestFiles.patterned(dir, "data.bin", 100);
        try (TestFiles.Closing closing = TestFiles.closing(MappedFile.map(file, MapMode.SHARED, 0, 2 * PAGE))) {
            MappedFile mapping = closing.mapping();
            assertThat(Files.size(file)).as("FileChannel.map extends a file opened read-write to the end of the region")
                    .isEqualTo(2 * PAGE);
            assertThat(mapping.segment().get(ValueLayout.JAVA_BYTE, 8000)).as("the extension reads zero").isZero();
        }
    }

    @Test
    void badArgumentsAreRefusedAndTheFileIsLeftAlone() throws Exception {
        Path file = TestFiles.patterned(dir, "data.bin", PAGE);
        assertThatThrownBy(() -> MappedFile.map(file, MapMode.SHARED, 0, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("length 0");
        assertThatThrownBy(() -> MappedFile.map(file, MapMode.SHARED, 0, -PAGE)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("length -" + PAGE);
        assertThatThrownBy(() -> MappedFile.map(file, MapMode.SHARED, -1, 10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("offset -1");
        Path missing = dir.resolve("missing.bin");
        assertThat(catchThrowable(() -> MappedFile.map(missing, MapMode.SHARED, 0, PAGE)))
                .as("mapping a file that does not exist").isInstanceOf(NoSuchFileException.class);
        assertThat(missing).as("a refused map must not create the file").doesNotExist();
        assertThat(Files.size(file)).isEqualTo(PAGE);
    }

    @Test
    void aFileThatCannotBeMappedIsNamedInTheErrorAndLeftAlone() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("a-folder"));
        for (MapMode mode : MapMode.values()) {
            assertThat(catchThrowable(() -> MappedFile.map(folder, mode, 0, 1)))
                    .as("mapping the directory a-folder %s: the error must name it and say that a directory has no bytes"
                            + " to map (the JDK alone says only \"No such device\")", mode)
                    .isInstanceOf(IOException.class).hasMessageContainingAll("a-folder", "directory");
        }
        Path file = TestFiles.patterned(dir, "data.bin", PAGE);
        long huge = 1L << 62;
        assertThat(catchThrowable(() -> MappedFile.map(file, MapMode.SHARED, 0, huge)))
                .as("a SHARED mapping of 2^62 bytes fails (the file system refuses such a size, or the address space"
                        + " has no room): the error must name the file and the end of the range")
                .isInstanceOf(IOException.class).hasMessageContainingAll("data.bin", String.valueOf(huge));
        assertThat(Files.size(file)).as("a failed SHARED mapping must leave the file's size as it was"
                + " (FileChannel.map extends the file before it maps: cut it back)").isEqualTo(PAGE);
        assertThat(Files.readAllBytes(file)[1]).as("and its bytes").isEqualTo(TestFiles.patternAt(1));
    }
}
