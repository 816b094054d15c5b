package mmapkit.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import mmapkit.course.Task;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Map;

@Task(id = "01.5", points = 10, title = "Unmap deterministically")
class UnmapTest {

    private static final long PAGE = Pages.size();

    @TempDir
    Path dir;

    @Test
    void closeUnmapsAtOnce() throws Exception {
        Path file = TestFiles.patterned(dir, "data.bin", PAGE);
        MappedFile mapping = MappedFile.map(file, MapMode.SHARED, 0, PAGE);
        long address = mapping.address();
        assertThat(KernelView.areaAt(address)).as("mapped: /proc/self/maps holds 0x%x", address).isPresent();
        mapping.close();
        assertThat(KernelView.areasOf(file)).as("after close() nothing of data.bin should be left in /proc/self/maps:"
                + " close must unmap now, not when the garbage collector gets round to it").isEmpty();
        assertThat(mapping.isOpen()).as("isOpen() after close()").isFalse();
    }

    @Test
    void everyMethodRefusesUseAfterClose() throws Exception {
        Path file = TestFiles.patterned(dir, "data.bin", PAGE);
        MappedFile mapping = MappedFile.map(file, MapMode.SHARED, 0, PAGE);
        mapping.close();
        Map<String, ThrowingCallable> calls = Map.of(
                "segment()", mapping::segment, "pageSpan()", mapping::pageSpan, "address()", mapping::address,
                "length()", mapping::length, "offset()", mapping::offset, "file()", mapping::file,
                "mode()", mapping::mode, "force()", mapping::force, "grow(2 pages)", () -> mapping.grow(2 * PAGE));
        calls.forEach((name, call) -> assertThat(catchThrowable(call)).as("%s after close()", name)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContainingAll("data.bin", "closed"));
    }

    @Test
    void aSegmentTakenBeforeCloseCannotTouchTheUnmappedMemory() throws Exception {
        Path file = TestFiles.patterned(dir, "data.bin", PAGE);
        MappedFile mapping = MappedFile.map(file, MapMode.SHARED, 0, PAGE);
        MemorySegment segment = mapping.segment();
        mapping.close();
        assertThat(catchThrowable(() -> segment.get(ValueLayout.JAVA_BYTE, 0)))
                .as("reading through a segment of a closed mapping must throw, not crash the JVM or read stale memory")
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThat(catchThrowable(() -> segment.set(ValueLayout.JAVA_BYTE, 0, (byte) 1))).as("nor write through it")
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void closingTwiceIsHarmless() throws Exception {
        Path file = TestFiles.patterned(dir, "data.bin", PAGE);
        MappedFile mapping = MappedFile.map(file, MapMode.READ_ONLY, 0, PAGE);
        mapping.close();
        mapping.close();
        assertThat(mapping.isOpen()).as("still closed after a second close()").isFalse();
        assertThat(KernelView.areasOf(file)).as("and unmapped").isEmpty();
    }

    @Test
    void manyMappingsComeAndGoWithoutPilingUp() throws Exception {
        Path file = TestFiles.patterned(dir, "data.bin", 1 << 20);
        for (int i = 0; i < 200; i++) {
            try (MappedFile mapping = MappedFile.map(file, MapMode.PRIVATE, 0, 1 << 20)) {
                mapping.segment().set(ValueLayout.JAVA_BYTE, i, (byte) i);
            }
        }
        assertThat(KernelView.bytesMappedOf(file)).as("200 mappings opened and closed one after the other should leave"
                + " no address space behind").isZero();
    }

    @Test
    void closingOneMappingLeavesAnotherOfTheSameFile() throws Exception {
        Path file = TestFiles.patterned(dir, "data.bin", 2 * PAGE);
        try (MappedFile kept = MappedFile.map(file, MapMode.SHARED, 0, 2 * PAGE)) {
            MappedFile closed = MappedFile.map(file, MapMode.SHARED, 0, 2 * PAGE);
            long closedAddress = closed.address();
            closed.close();
            assertThat(KernelView.areaAt(closedAddress)).as("the closed mapping's address range is gone").isEmpty();
            assertThat(kept.segment().get(ValueLayout.JAVA_BYTE, PAGE + 1)).as("the other mapping still reads the file")
                    .isEqualTo(TestFiles.patternAt(PAGE + 1));
            assertThat(KernelView.bytesMappedOf(file)).as("one mapping of two pages is left").isEqualTo(2 * PAGE);
        }
    }
}
