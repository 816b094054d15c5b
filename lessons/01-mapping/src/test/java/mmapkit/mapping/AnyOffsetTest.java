package mmapkit.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import mmapkit.course.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;

@Task(id = "01.4", points = 10, title = "Map at any offset, up to the last partial page")
class AnyOffsetTest {

    private static final long PAGE = Pages.size();

    @TempDir
    Path dir;

    @Test
    void anUnalignedOffsetMapsExactlyTheBytesAskedFor() throws Exception {
        Path file = TestFiles.patterned(dir, "data.bin", 4 * PAGE);
        try (TestFiles.Closing closing = TestFiles.closing(MappedFile.map(file, MapMode.READ_ONLY, 5000, 300))) {
            MappedFile mapping = closing.mapping();
            MemorySegment segment = mapping.segment();
            assertThat(segment.byteSize()).as("the segment is the 300 bytes asked for, not the page below").isEqualTo(300);
            for (long i = 0; i < 300; i++) {
                assertThat(segment.get(ValueLayout.JAVA_BYTE, i))
                        .as("byte %d of a mapping at offset 5000 should be byte %d of the file", i, 5000 + i)
                        .isEqualTo(TestFiles.patternAt(5000 + i));
            }
            assertThat(mapping.offset()).isEqualTo(5000);
        }
    }

    @Test
    void aRangeThatStraddlesAPageBoundary() throws Exception {
        Path file = TestFiles.patterned(dir, "data.bin", 3 * PAGE);
        try (TestFiles.Closing closing = TestFiles.closing(MappedFile.map(file, MapMode.PRIVATE, PAGE - 2, 4))) {
            MappedFile mapping = closing.mapping();
            byte[] bytes = mapping.segment().toArray(ValueLayout.JAVA_BYTE);
            assertThat(bytes).as("4 bytes from offset %d: two at the end of page 0, two at the start of page 1", PAGE - 2)
                    .containsExactly(TestFiles.patternAt(PAGE - 2), TestFiles.patternAt(PAGE - 1),
                            TestFiles.patternAt(PAGE), TestFiles.patternAt(PAGE + 1));
        }
    }

    @Test
    void thePageSpanStartsAtThePageBelowTheOffset() throws Exception {
        Path file = TestFiles.patterned(dir, "data.bin", 4 * PAGE);
        long offset = PAGE + 904; // 5000 on 4 KiB pages
        try (TestFiles.Closing closing = TestFiles.closing(MappedFile.map(file, MapMode.SHARED, offset, PAGE - 96))) {
            MappedFile mapping = closing.mapping();
            MemorySegment span = mapping.pageSpan();
            assertThat(span.address() % PAGE).as("the page span starts on a page boundary").isZero();
            assertThat(mapping.address() - span.address()).as("the segment starts %d - %d = 904 bytes into the span",
                    offset, PAGE).isEqualTo(904);
            assertThat(span.byteSize()).as("[%d, %d) touches pages 1 and 2: the span is two whole pages", offset,
                    offset + PAGE - 96).isEqualTo(2 * PAGE);
            assertThat(span.get(ValueLayout.JAVA_BYTE, 0)).as("byte 0 of the span is file offset %d", PAGE)
                    .isEqualTo(TestFiles.patternAt(PAGE));
            assertThat(KernelView.areaAt(span.address())).as("the kernel mapped the page below the offset").isPresent();
        }
    }

    @Test
    void theLastPartialPageReadsZeroPastTheEndOfTheFile() throws Exception {
        Path file = TestFiles.patterned(dir, "data.bin", 100);
        try (TestFiles.Closing closing = TestFiles.closing(MappedFile.map(file, MapMode.READ_ONLY, 0, 100))) {
            MappedFile mapping = closing.mapping();
            assertThat(mapping.segment().byteSize()).as("the segment is the 100 bytes of the file").isEqualTo(100);
            MemorySegment span = mapping.pageSpan();
            assertThat(span.byteSize()).as("the kernel maps whole pages: the span of a 100-byte file is one page").isEqualTo(PAGE);
            for (long i = 100; i < PAGE; i++) {
                assertThat(span.get(ValueLayout.JAVA_BYTE, i)).as("byte %d, past the end of the 100-byte file, should read 0", i)
                        .isZero();
            }
        }
    }

    @Test
    void storesPastTheEndOfTheFileNeverReachIt() throws Exception {
        Path file = TestFiles.patterned(dir, "data.bin", 100);
        byte[] before = Files.readAllBytes(file);
        try (TestFiles.Closing closing = TestFiles.closing(MappedFile.map(file, MapMode.SHARED, 0, 100))) {
            MappedFile mapping = closing.mapping();
            MemorySegment span = mapping.pageSpan();
            span.set(ValueLayout.JAVA_BYTE, 200, (byte) 42);
            assertThat(Files.size(file)).as("a store at byte 200 of the last page does not extend the file").isEqualTo(100);
            mapping.force();
        }
        assertThat(Files.size(file)).as("not even after force() and close()").isEqualTo(100);
        assertThat(Files.readAllBytes(file)).as("and read() sees the file as it was").isEqualTo(before);
    }

    @Test
    void anOffsetDeepInTheFileMapsToItsEnd() throws Exception {
        Path file = TestFiles.patterned(dir, "data.bin", 10 * PAGE + 17);
        long offset = 7 * PAGE + 3;
        long length = Files.size(file) - offset;
        try (TestFiles.Closing closing = TestFiles.closing(MappedFile.map(file, MapMode.READ_ONLY, offset, length))) {
            MappedFile mapping = closing.mapping();
            MemorySegment segment = mapping.segment();
            assertThat(segment.get(ValueLayout.JAVA_BYTE, length - 1)).as("the last byte of the file")
                    .isEqualTo(TestFiles.patternAt(offset + length - 1));
            assertThat(mapping.pageSpan().byteSize()).as("pages 7 to 10 (the last one partial)").isEqualTo(4 * PAGE);
        }
    }
}
