package mmapkit.mapping;

import static mmapkit.mapping.natives.MemoryMapCalls.MAP_ANONYMOUS;
import static mmapkit.mapping.natives.MemoryMapCalls.MAP_PRIVATE;
import static mmapkit.mapping.natives.MemoryMapCalls.MAP_SHARED;
import static mmapkit.mapping.natives.MemoryMapCalls.PROT_NONE;
import static mmapkit.mapping.natives.MemoryMapCalls.PROT_READ;
import static mmapkit.mapping.natives.MemoryMapCalls.PROT_WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import mmapkit.course.Task;
import mmapkit.mapping.natives.NativeCallException;
import mmapkit.mapping.natives.PosixFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

@Task(id = "01.8", points = 10, title = "Call mmap and munmap through the FFM Linker")
class RawMmapTest {

    private static final long PAGE = Pages.size();

    @TempDir
    Path dir;

    @Test
    void anonymousMemoryIsZeroFilledAndGoneAfterClose() {
        RawMapping mapping = RawMapping.anonymous(3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
        long address = mapping.address();
        MemorySegment segment = mapping.segment();
        assertThat(segment.byteSize()).isEqualTo(3 * PAGE);
        assertThat(segment.get(ValueLayout.JAVA_LONG, 2 * PAGE)).as("anonymous memory starts zero-filled").isZero();
        segment.set(ValueLayout.JAVA_LONG, PAGE, 42);
        assertThat(KernelView.areaAt(address)).as("/proc/self/maps at 0x%x", address)
                .hasValueSatisfying(area -> assertThat(area.permissions()).as("private, read-write").isEqualTo("rw-p"));
        mapping.close();
        assertThat(KernelView.areaAt(address).filter(area -> area.start() == address && area.size() == 3 * PAGE))
                .as("munmap removes the mapping at 0x%x", address).isEmpty();
        assertThat(catchThrowable(() -> segment.get(ValueLayout.JAVA_LONG, PAGE)))
                .as("after close the segment must refuse access instead of touching unmapped memory (a JVM crash)")
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void closeUnmapsExactlyOnce() {
        RawMapping first = RawMapping.anonymous(PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
        first.close();
        try (RawMapping second = RawMapping.anonymous(PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE)) {
            second.segment().set(ValueLayout.JAVA_BYTE, 0, (byte) 1);
            first.close(); // the kernel may have put the second mapping where the first was
            assertThat(KernelView.areaAt(second.address())).as("closing the first mapping again must not munmap again:"
                    + " the address range may belong to another mapping by now").isPresent();
            assertThat(second.segment().get(ValueLayout.JAVA_BYTE, 0)).isEqualTo((byte) 1);
        }
    }

    @Test
    void badArgumentsAreRefusedBeforeTheCall() {
        assertThatThrownBy(() -> RawMapping.map(PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, PAGE + 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll("offset " + (PAGE + 1), String.valueOf(PAGE));
        assertThatThrownBy(() -> RawMapping.map(PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, -PAGE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("offset -" + PAGE);
        assertThat(catchThrowable(() -> RawMapping.anonymous(0, PROT_READ, MAP_PRIVATE)))
                .as("mmap refuses length 0 with EINVAL: say so before calling")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("length 0");
        assertThatThrownBy(() -> RawMapping.anonymous(-PAGE, PROT_READ, MAP_PRIVATE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("length -" + PAGE);
        assertThat(catchThrowable(() -> RawMapping.anonymous(PAGE, PROT_READ, 0)))
                .as("flags without MAP_SHARED, MAP_PRIVATE or MAP_SHARED_VALIDATE")
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll("MAP_SHARED", "MAP_PRIVATE", "MAP_SHARED_VALIDATE");
    }

    @Test
    void anErrnoBecomesAnExceptionWithTheCallItsNameAndMeaning() {
        long huge = 1L << 62;
        assertThat(catchThrowable(() -> RawMapping.anonymous(huge, PROT_READ | PROT_WRITE, MAP_PRIVATE)))
                .as("4 EiB is more than the address space: mmap fails with ENOMEM")
                .isInstanceOfSatisfying(NativeCallException.class, e -> {
                    assertThat(e.errno()).isEqualTo(12);
                    assertThat(e.errnoName()).isEqualTo("ENOMEM");
                    assertThat(e.meaning()).isEqualTo("Cannot allocate memory");
                    assertThat(e.call()).as("the call with its arguments")
                            .isEqualTo("mmap(0x0, 4611686018427387904, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)");
                    assertThat(e.getMessage()).contains("ENOMEM").contains("Cannot allocate memory");
                });
        assertThat(catchThrowable(() -> RawMapping.map(PAGE, PROT_READ, MAP_SHARED, -1, 0)))
                .as("a file mapping of descriptor -1: EBADF")
                .isInstanceOfSatisfying(NativeCallException.class, e -> assertThat(e.errnoName()).isEqualTo("EBADF"));
    }

    @Test
    void aSharedWritableMappingNeedsADescriptorOpenForWriting() throws Exception {
        Path file = TestFiles.patterned(dir, "data.bin", 2 * PAGE);
        int readOnly = PosixFiles.open(file, PosixFiles.O_RDONLY, 0);
        try {
            assertThat(catchThrowable(() -> RawMapping.map(PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, readOnly, 0)))
                    .as("PROT_WRITE with MAP_SHARED on a descriptor open for reading only")
                    .isInstanceOfSatisfying(NativeCallException.class, e -> {
                        assertThat(e.errnoName()).isEqualTo("EACCES");
                        assertThat(e.call()).contains("MAP_SHARED").contains(String.valueOf(readOnly));
                    });
            try (RawMapping copy = RawMapping.map(PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, readOnly, PAGE)) {
                assertThat(copy.segment().get(ValueLayout.JAVA_BYTE, 1)).as("MAP_PRIVATE works on it, at offset %d", PAGE)
                        .isEqualTo(TestFiles.patternAt(PAGE + 1));
            }
        } finally {
            PosixFiles.close(readOnly);
        }
    }

    @Test
    void closingTheDescriptorDoesNotUnmap() throws Exception {
        Path file = TestFiles.patterned(dir, "data.bin", PAGE);
        int fd = PosixFiles.open(file, PosixFiles.O_RDWR, 0);
        RawMapping mapping;
        try {
            mapping = RawMapping.map(PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        } finally {
            PosixFiles.close(fd);
        }
        try (mapping) {
            mapping.segment().set(ValueLayout.JAVA_BYTE, 3, (byte) 33);
            assertThat(TestFiles.readAt(file, 3, 1)[0]).as("the mapping outlives its descriptor, and its stores reach the file")
                    .isEqualTo((byte) 33);
        }
    }

    @Test
    void theSegmentKeepsThePromiseOfTheProtection() {
        try (RawMapping readOnly = RawMapping.anonymous(PAGE, PROT_READ, MAP_PRIVATE)) {
            MemorySegment segment = readOnly.segment();
            assertThat(segment.isReadOnly())
                    .as("a mapping without PROT_WRITE: the CPU answers a store with SIGSEGV, which kills the JVM,"
                            + " so its segment must be read-only (MemorySegment.asReadOnly())")
                    .isTrue();
            assertThat(catchThrowable(() -> segment.set(ValueLayout.JAVA_BYTE, 0, (byte) 1)))
                    .as("a store through the read-only segment is refused in Java")
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(segment.get(ValueLayout.JAVA_BYTE, 0)).as("loads work").isZero();
        }
        try (RawMapping writable = RawMapping.anonymous(PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE)) {
            assertThat(writable.segment().isReadOnly()).as("PROT_READ|PROT_WRITE gives a writable segment").isFalse();
        }
        try (RawMapping reserved = RawMapping.anonymous(PAGE, PROT_NONE, MAP_PRIVATE)) {
            assertThat(catchThrowable(reserved::segment))
                    .as("PROT_NONE memory cannot be touched at all (any access is SIGSEGV): refuse to hand out a segment,"
                            + " saying which protection is missing")
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("PROT_READ");
        }
    }
}
