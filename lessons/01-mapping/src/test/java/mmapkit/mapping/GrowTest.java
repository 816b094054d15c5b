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
import java.nio.file.Path;

@Task(id = "01.7", points = 10, title = "Grow a file and remap it")
class GrowTest {

    private static final long PAGE = Pages.size();

    @TempDir
    Path dir;

    @Test
    void growExtendsTheFileAndKeepsTheData() throws Exception {
        Path file = TestFiles.patterned(dir, "log.bin", PAGE);
        try (TestFiles.Closing closing = TestFiles.closing(MappedFile.map(file, MapMode.SHARED, 0, PAGE))) {
            MappedFile mapping = closing.mapping();
            mapping.segment().set(ValueLayout.JAVA_BYTE, 10, (byte) -1);
            mapping.grow(3 * PAGE);
            assertThat(Files.size(file)).as("grow(3 pages) extends the one-page file to three pages").isEqualTo(3 * PAGE);
            assertThat(mapping.length()).isEqualTo(3 * PAGE);
            MemorySegment segment = mapping.segment();
            assertThat(segment.byteSize()).as("the new segment covers the grown region").isEqualTo(3 * PAGE);
            assertThat(segment.get(ValueLayout.JAVA_BYTE, 10)).as("the store made before growing is kept").isEqualTo((byte) -1);
            assertThat(segment.get(ValueLayout.JAVA_BYTE, PAGE - 1)).as("the old data is kept").isEqualTo(TestFiles.patternAt(PAGE - 1));
            assertThat(segment.get(ValueLayout.JAVA_BYTE, 9000)).as("the new part reads zero").isZero();
            segment.set(ValueLayout.JAVA_BYTE, 9000, (byte) 5);
            assertThat(TestFiles.readAt(file, 9000, 1)[0]).as("a store in the new part reaches the file").isEqualTo((byte) 5);
        }
    }

    @Test
    void segmentsTakenBeforeGrowingAreInvalid() throws Exception {
        Path file = TestFiles.patterned(dir, "log.bin", PAGE);
        try (TestFiles.Closing closing = TestFiles.closing(MappedFile.map(file, MapMode.SHARED, 0, PAGE))) {
            MappedFile mapping = closing.mapping();
            MemorySegment old = mapping.segment();
            mapping.grow(2 * PAGE);
            assertThat(catchThrowable(() -> old.get(ValueLayout.JAVA_BYTE, 0)))
                    .as("the old mapping is unmapped by grow, so its segment must refuse access")
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
            assertThat(KernelView.bytesMappedOf(file)).as("only the new mapping of two pages is left in /proc/self/maps")
                    .isEqualTo(2 * PAGE);
        }
    }

    @Test
    void growAtAnUnalignedOffsetKeepsTheOffset() throws Exception {
        Path file = TestFiles.patterned(dir, "log.bin", 2 * PAGE);
        try (TestFiles.Closing closing = TestFiles.closing(MappedFile.map(file, MapMode.SHARED, 5000, 100))) {
            MappedFile mapping = closing.mapping();
            mapping.grow(10_000);
            assertThat(mapping.offset()).isEqualTo(5000);
            assertThat(Files.size(file)).as("the file must reach 5000 + 10000 bytes").isEqualTo(15_000);
            assertThat(mapping.segment().get(ValueLayout.JAVA_BYTE, 0)).as("byte 0 is still file offset 5000")
                    .isEqualTo(TestFiles.patternAt(5000));
        }
    }

    @Test
    void onlyASharedMappingCanGrow() throws Exception {
        Path file = TestFiles.patterned(dir, "log.bin", PAGE);
        for (MapMode mode : new MapMode[] {MapMode.READ_ONLY, MapMode.PRIVATE}) {
            try (TestFiles.Closing closing = TestFiles.closing(MappedFile.map(file, mode, 0, PAGE))) {
                MappedFile mapping = closing.mapping();
                assertThat(catchThrowable(() -> mapping.grow(2 * PAGE))).as("grow a %s mapping", mode)
                        .isInstanceOf(IllegalStateException.class).hasMessageContaining(mode.name());
                assertThat(mapping.segment().get(ValueLayout.JAVA_BYTE, 1)).as("the mapping is left as it was")
                        .isEqualTo(TestFiles.patternAt(1));
            }
            assertThat(Files.size(file)).as("a refused grow leaves the file alone").isEqualTo(PAGE);
        }
    }

    @Test
    void growingToTheSameOrASmallerLengthIsRefused() throws Exception {
        Path file = TestFiles.patterned(dir, "log.bin", PAGE);
        try (TestFiles.Closing closing = TestFiles.closing(MappedFile.map(file, MapMode.SHARED, 0, PAGE))) {
            MappedFile mapping = closing.mapping();
            assertThatThrownBy(() -> mapping.grow(PAGE)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("newLength " + PAGE);
            assertThatThrownBy(() -> mapping.grow(-1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("newLength -1");
            assertThat(mapping.segment().byteSize()).as("the mapping is left as it was").isEqualTo(PAGE);
        }
    }

    @Test
    void aGrowTheFileSystemRefusesNamesTheFileAndKeepsTheMapping() throws Exception {
        Path file = TestFiles.patterned(dir, "log.bin", PAGE);
        long huge = 1L << 62;
        try (TestFiles.Closing closing = TestFiles.closing(MappedFile.map(file, MapMode.SHARED, 0, PAGE))) {
            MappedFile mapping = closing.mapping();
            assertThat(catchThrowable(() -> mapping.grow(huge)))
                    .as("growing to 2^62 bytes fails (file size limit or address space): the error must name the file"
                            + " and the end of the range")
                    .isInstanceOf(IOException.class).hasMessageContainingAll("log.bin", String.valueOf(huge));
            assertThat(Files.size(file)).as("a failed grow must leave the file's size as it was").isEqualTo(PAGE);
            assertThat(mapping.segment().get(ValueLayout.JAVA_BYTE, 1)).as("and the old mapping usable")
                    .isEqualTo(TestFiles.patternAt(1));
        }
    }
}
