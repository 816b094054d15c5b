package mmapkit.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import mmapkit.course.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

@Task(id = "01.6", points = 15, title = "Map beyond 2 GiB and through windows")
class BeyondTwoGibTest {

    private static final long PAGE = Pages.size();

    private static final long GIB = 1L << 30;
    private static final long MIB = 1L << 20;
    /** 3 GiB and 100 bytes: past what an int can index, and not a whole number of pages. */
    private static final long SIZE = 3 * GIB + 100;

    @TempDir
    Path dir;

    private Path sparseWithMarkers() throws Exception {
        Path file = TestFiles.sparse(dir, "huge.bin", SIZE);
        TestFiles.writeAt(file, SIZE - 10, "last page!".getBytes(StandardCharsets.US_ASCII));
        TestFiles.writeAt(file, (2 * GIB) + 4099, "past 2 GiB".getBytes(StandardCharsets.US_ASCII));
        return file;
    }

    @Test
    void aWholeFileLargerThan2GibIsOneSegment() throws Exception {
        Path file = sparseWithMarkers();
        try (TestFiles.Closing closing = TestFiles.closing(MappedFile.map(file, MapMode.READ_ONLY, 0, SIZE))) {
            MappedFile mapping = closing.mapping();
            MemorySegment segment = mapping.segment();
            assertThat(segment.byteSize()).as("one segment of 3 GiB + 100 bytes: a MappedByteBuffer stops at 2 GiB")
                    .isEqualTo(SIZE);
            byte[] last = segment.asSlice(SIZE - 10, 10).toArray(ValueLayout.JAVA_BYTE);
            assertThat(new String(last, StandardCharsets.US_ASCII)).as("the last 10 bytes of the file, in its last page")
                    .isEqualTo("last page!");
            assertThat(segment.get(ValueLayout.JAVA_BYTE, GIB + 12345)).as("the hole in the middle reads zero").isZero();
        }
    }

    @Test
    void anOffsetBeyond2GibMapsTheRightBytes() throws Exception {
        Path file = sparseWithMarkers();
        try (TestFiles.Closing closing = TestFiles.closing(MappedFile.map(file, MapMode.SHARED, 2 * GIB + 4099, 10))) {
            MappedFile mapping = closing.mapping();
            assertThat(new String(mapping.segment().toArray(ValueLayout.JAVA_BYTE), StandardCharsets.US_ASCII))
                    .as("10 bytes at file offset 2 GiB + 4099").isEqualTo("past 2 GiB");
            mapping.segment().set(ValueLayout.JAVA_BYTE, 0, (byte) 'P');
            assertThat(TestFiles.readAt(file, 2 * GIB + 4099, 1)[0]).as("a SHARED store beyond 2 GiB reaches the file")
                    .isEqualTo((byte) 'P');
        }
    }

    @Test
    void windowsReadAndWriteAFileLargerThanTheBudget() throws Exception {
        Path file = sparseWithMarkers();
        long budget = MIB;
        try (FileWindows windows = FileWindows.open(file, MapMode.SHARED, budget)) {
            assertThat(windows.size()).isEqualTo(SIZE);
            assertThat(windows.getByte(SIZE - 1)).as("the last byte of the file").isEqualTo((byte) '!');
            assertThat(windows.mappedBytes()).as("never more than the budget mapped").isBetween(1L, budget);
            windows.putByte(7, (byte) 7);
            assertThat(windows.getByte(7)).isEqualTo((byte) 7);
            windows.putLong(2 * GIB, 0x1122334455667788L);
            assertThat(windows.getLong(2 * GIB)).isEqualTo(0x1122334455667788L);
            assertThat(TestFiles.readAt(file, 7, 1)[0]).as("a SHARED window writes through to the file").isEqualTo((byte) 7);
            assertThat(TestFiles.readLongAt(file, 2 * GIB)).as("a long is stored little-endian, as x86-64 does")
                    .isEqualTo(0x1122334455667788L);
            assertThat(windows.mappedBytes()).as("still within the budget").isLessThanOrEqualTo(budget);
        }
    }

    @Test
    void aLongThatStraddlesAWindowEdgeIsReadAndWrittenWhole() throws Exception {
        Path file = TestFiles.sparse(dir, "straddle.bin", 64 * MIB);
        long budget = 8 * PAGE;
        try (FileWindows windows = FileWindows.open(file, MapMode.SHARED, budget)) {
            for (long edge = budget; edge < 64 * MIB; edge += 5 * MIB + PAGE) {
                long position = edge - 3;
                windows.getByte(edge - budget); // put a window right before the edge
                windows.putLong(position, edge);
                assertThat(windows.mappedBytes()).as("within the budget").isLessThanOrEqualTo(budget);
                assertThat(TestFiles.readLongAt(file, position))
                        .as("the long at %d straddles %d: all 8 bytes must reach the file", position, edge).isEqualTo(edge);
                windows.getByte(0);
                assertThat(windows.getLong(position)).as("and read back whole from another window").isEqualTo(edge);
            }
        }
    }

    @Test
    void movingAwayFromAWindowUnmapsIt() throws Exception {
        Path file = sparseWithMarkers();
        long budget = 4 * MIB;
        try (FileWindows windows = FileWindows.open(file, MapMode.READ_ONLY, budget)) {
            long before = windows.windowsMapped();
            for (long position = 0; position < SIZE; position += 256 * MIB) {
                windows.getByte(position);
                assertThat(KernelView.bytesMappedOf(file)).as("after reading at %d, /proc/self/maps should show at most the"
                        + " budget of %d bytes of the file mapped: close the window you move away from", position, budget)
                        .isLessThanOrEqualTo(budget);
            }
            assertThat(windows.windowsMapped() - before).as("one window per position 256 MiB apart").isEqualTo(13);
        }
        assertThat(KernelView.bytesMappedOf(file)).as("close() unmaps the last window").isZero();
    }

    @Test
    void badBudgetsAndPositionsAreRefused() throws Exception {
        Path file = TestFiles.patterned(dir, "small.bin", 3 * PAGE);
        assertThat(catchThrowable(() -> FileWindows.open(file, MapMode.READ_ONLY, PAGE)))
                .as("a budget of one page cannot hold a long that straddles a page boundary")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("budget " + PAGE);
        assertThat(catchThrowable(() -> FileWindows.open(file, MapMode.READ_ONLY, 10_000)))
                .as("a budget that is not a whole number of pages")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("budget 10000");
        try (FileWindows windows = FileWindows.open(file, MapMode.READ_ONLY, 2 * PAGE)) {
            assertThat(catchThrowable(() -> windows.getLong(3 * PAGE - 4))).as("a long that runs past the end of the file")
                    .isInstanceOfAny(IllegalArgumentException.class, IndexOutOfBoundsException.class)
                    .hasMessageContaining(String.valueOf(3 * PAGE - 4));
            assertThat(catchThrowable(() -> windows.getByte(-1))).as("a negative position")
                    .isInstanceOfAny(IllegalArgumentException.class, IndexOutOfBoundsException.class).hasMessageContaining("-1");
        }
        assertThat(Files.size(file)).isEqualTo(3 * PAGE);
    }
}
