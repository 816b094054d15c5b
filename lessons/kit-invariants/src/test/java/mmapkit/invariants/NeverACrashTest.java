package mmapkit.invariants;

import static mmapkit.mapping.natives.MemoryMapCalls.MAP_PRIVATE;
import static mmapkit.mapping.natives.MemoryMapCalls.PROT_READ;
import static mmapkit.mapping.natives.MemoryMapCalls.PROT_WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import mmapkit.device.natives.MemfdCalls;
import mmapkit.device.special.Memfd;
import mmapkit.device.special.Seal;
import mmapkit.dirty.natives.CachestatCall;
import mmapkit.faults.PageControl;
import mmapkit.faults.natives.ResidencyCalls;
import mmapkit.mapping.Pages;
import mmapkit.mapping.RawMapping;
import mmapkit.mapping.natives.PosixFiles;
import mmapkit.sync.CorruptLogException;
import mmapkit.sync.MappedStorage;
import mmapkit.sync.RecordFormat;
import mmapkit.sync.RecordLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The crashes and unclear errors found by feeding the toolkit bad input, each now a Java exception
 * that names the input and the rule, where the fix lies in code the kit gives (the natives
 * packages, {@code RecordFormat}, the argument checks of {@code Memfd}); the ones inside exercises
 * are graded tests of their modules. Runs the reference toolkit (solutions come first on this
 * module's class path). Every case here used to end the JVM (SIGSEGV, a corrupt native heap), roll
 * a log back, or throw a message that named nothing.
 */
class NeverACrashTest {

    private static final long PAGE = Pages.size();

    @TempDir
    Path dir;

    @Test
    void mincoreRefusesAVectorShorterThanOneBytePerPage() {
        try (RawMapping memory = RawMapping.anonymous(4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
             Arena arena = Arena.ofConfined()) {
            MemorySegment shortVector = arena.allocate(3);
            assertThat(catchThrowable(() -> ResidencyCalls.mincore(memory.address(), 4 * PAGE, shortVector)))
                    .as("mincore writes 4 bytes for 4 pages whatever the vector's size: 3 bytes would let the kernel"
                            + " write past the vector into the native heap (a JVM crash)")
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContainingAll("vec of 3 bytes", "length " + 4 * PAGE, "one byte per page");
            assertThat(catchThrowable(() -> ResidencyCalls.mincore(memory.address(), 4 * PAGE + 1, arena.allocate(4))))
                    .as("one byte more than 4 pages is a fifth page").isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("5 bytes");
            assertThat(catchThrowable(() -> ResidencyCalls.mincore(memory.address(), PAGE,
                    MemorySegment.ofArray(new byte[1])))).as("a vector on the Java heap")
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("heap");
            assertThat(catchThrowable(() -> ResidencyCalls.mincore(memory.address(), PAGE, arena.allocate(1).asReadOnly())))
                    .as("a read-only vector").isInstanceOf(IllegalArgumentException.class).hasMessageContaining("read-only");
            assertThat(catchThrowable(() -> ResidencyCalls.mincore(memory.address(), -1, arena.allocate(1))))
                    .as("a negative length (a size_t: a huge range)").isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("length -1");
            assertThat(catchThrowable(() -> ResidencyCalls.mincore(memory.address(), PAGE, null)))
                    .as("no vector").isInstanceOf(IllegalArgumentException.class).hasMessageContaining("vec is null");
            MemorySegment closedVector;
            try (Arena closed = Arena.ofConfined()) {
                closedVector = closed.allocate(4);
            }
            assertThat(catchThrowable(() -> ResidencyCalls.mincore(memory.address(), 4 * PAGE, closedVector)))
                    .as("a vector of a closed arena").isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("closed arena");
            MemorySegment vector = arena.allocate(4);
            ResidencyCalls.mincore(memory.address(), 4 * PAGE, vector);
            assertThat(vector.byteSize()).as("a vector of exactly one byte per page is fine").isEqualTo(4);
        }
    }

    @Test
    void cachestatRefusesCountsShorterThanItsStruct() throws Exception {
        Path file = Files.write(dir.resolve("data.bin"), new byte[(int) PAGE]);
        int fd = PosixFiles.open(file, PosixFiles.O_RDONLY, 0);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment shortCounts = arena.allocate(8);
            assertThat(catchThrowable(() -> CachestatCall.cachestat(fd, 0, PAGE, shortCounts)))
                    .as("cachestat writes five longs (40 bytes) whatever the segment's size")
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(String.valueOf(CachestatCall.STAT.byteSize()));
            assertThat(catchThrowable(() -> CachestatCall.cachestat(fd, 0, PAGE, null)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("counts is null");
        } finally {
            PosixFiles.close(fd);
        }
    }

    @Test
    void namesAndPathsThatCCannotTakeAreRefusedByName() {
        assertThat(catchThrowable(() -> MemfdCalls.memfdCreate(null, MemfdCalls.MFD_CLOEXEC)))
                .as("memfd_create with no name").isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("name null");
        assertThat(catchThrowable(() -> MemfdCalls.memfdCreate("a\0b", MemfdCalls.MFD_CLOEXEC)))
                .as("a name with a NUL: C would read only 'a'").isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NUL");
        assertThat(catchThrowable(() -> PosixFiles.open(null, PosixFiles.O_RDONLY, 0)))
                .as("open with no path").isInstanceOf(NullPointerException.class).hasMessageContaining("file");
    }

    @Test
    void addSealsNamesANullSeal() {
        try (Memfd memfd = Memfd.create("seals")) {
            assertThat(catchThrowable(() -> memfd.addSeals(Seal.WRITE, (Seal) null)))
                    .as("a null among the seals (EnumSet alone says only that \"e\" is null)")
                    .isInstanceOf(NullPointerException.class).hasMessageContainingAll("more[0]", "null", "WRITE");
            assertThat(catchThrowable(() -> memfd.addSeals(Seal.WRITE, (Seal[]) null)))
                    .as("a null array of more seals").isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("more");
            assertThat(catchThrowable(() -> memfd.addSeals(null)))
                    .as("a null first seal").isInstanceOf(NullPointerException.class).hasMessageContaining("first");
            assertThat(memfd.seals()).as("refused calls add no seal").isEmpty();
        }
    }

    @Test
    void readOnlyMappingsOfTheToolkitGiveReadOnlySegments() throws Exception {
        try (Memfd memfd = Memfd.create("read-only-view")) {
            memfd.resize(PAGE);
            try (RawMapping view = memfd.mapSharedReadOnly(PAGE)) {
                assertThat(view.segment().isReadOnly()).as("Memfd.mapSharedReadOnly promises read-only access: a store"
                        + " through a writable segment would be SIGSEGV").isTrue();
                assertThat(catchThrowable(() -> view.segment().set(ValueLayout.JAVA_BYTE, 0, (byte) 1)))
                        .as("a store is refused in Java").isInstanceOf(IllegalArgumentException.class);
            }
            memfd.addSeals(Seal.WRITE);
            try (RawMapping sealed = memfd.mapSharedReadOnly(PAGE); RawMapping copy = memfd.mapPrivate(PAGE)) {
                assertThat(sealed.segment().isReadOnly()).as("the read-only view of a write-sealed memfd").isTrue();
                assertThat(copy.segment().isReadOnly()).as("a private copy-on-write mapping stays writable").isFalse();
            }
        }
        Path file = Files.write(dir.resolve("populated.bin"), new byte[(int) PAGE]);
        try (RawMapping populated = PageControl.mapPopulated(file)) {
            assertThat(populated.segment().isReadOnly()).as("PageControl.mapPopulated maps PROT_READ").isTrue();
            assertThat(catchThrowable(() -> populated.segment().set(ValueLayout.JAVA_BYTE, 0, (byte) 1)))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aLogOnStorageSmallerThanItselfIsRefusedNotRolledBack() throws Exception {
        long small = Pages.alignUp(RecordFormat.DATA_START + 64);
        Path file = dir.resolve("log.bin");
        long end;
        try (MappedStorage storage = MappedStorage.open(file, 2 * small)) {
            RecordLog log = RecordLog.create(storage);
            log.append(new byte[8]);
            log.commit();
            assertThat(log.committedEnd()).as("the first commit ends inside the smaller storage").isLessThanOrEqualTo(small);
            log.append(new byte[(int) (small - RecordFormat.DATA_START)]);
            log.commit();
            end = log.committedEnd();
        }
        byte[] before = Files.readAllBytes(file);
        long committedEnd = end;
        try (MappedStorage smaller = MappedStorage.open(file, small)) {
            assertThat(catchThrowable(() -> RecordLog.open(smaller)))
                    .as("the newest mark is intact and ends at %d, past a storage of %d bytes: taking the older mark"
                            + " would roll back a commit, and the next commit would overwrite it", committedEnd, small)
                    .isInstanceOf(CorruptLogException.class)
                    .hasMessageContainingAll(String.valueOf(small), String.valueOf(committedEnd));
        }
        assertThat(Arrays.equals(Files.readAllBytes(file), before)).as("the refused open leaves the file as it was").isTrue();
        try (MappedStorage whole = MappedStorage.open(file, 2 * small)) {
            assertThat(RecordLog.open(whole).committedCount()).as("opened with its whole size, both commits are there")
                    .isEqualTo(2);
        }
    }
}
