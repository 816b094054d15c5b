package mmapkit.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import mmapkit.course.Task;
import mmapkit.course.TimeBudget;
import mmapkit.device.process.EmptyMemfdToucher;
import mmapkit.device.process.SharedMemoryReader;
import mmapkit.device.special.Memfd;
import mmapkit.device.special.PosixSharedMemory;
import mmapkit.device.special.Seal;
import mmapkit.mapping.Pages;
import mmapkit.mapping.Probe;
import mmapkit.mapping.RawMapping;
import mmapkit.mapping.natives.NativeCallException;
import mmapkit.mapping.proc.MapsEntry;
import mmapkit.mapping.proc.ProcMaps;
import mmapkit.mapping.proc.ProcStatus;
import mmapkit.mapping.process.ChildJvm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Stream;

@Task(id = "06.2", points = 15, title = "memfd with seals, handed to another process; POSIX shared memory")
class MemfdTest {

    private static final long PAGE = Pages.size();
    private static final Duration CHILD_LIFETIME = TimeBudget.scaled(Duration.ofSeconds(30));
    private static final Duration CHILD_WAIT = TimeBudget.scaled(Duration.ofSeconds(25));
    /** O_CLOEXEC as /proc/PID/fdinfo shows it, in octal. */
    private static final int O_CLOEXEC = 02000000;

    private final SpecialFiles files = SpecialFiles.create();

    @AfterEach
    void cleanUp() {
        files.close();
    }

    /** A memfd of {@code pages} pages. */
    private static Memfd sized(String name, long pages) {
        Memfd memfd = Memfd.create(name);
        memfd.resize(pages * PAGE);
        return memfd;
    }

    private static String link(Memfd memfd) {
        return SpecialFiles.linkOrEmpty(Path.of("/proc/self/fd/" + memfd.fd()));
    }

    @Nested
    class Creating {

        @Test
        void aNewMemfdIsEmptyUnsealedAndNamedInProc() throws IOException {
            try (Memfd memfd = Memfd.create("kit-frame")) {
                assertThat(memfd.size()).as("memfd_create makes a file of size 0").isZero();
                assertThat(memfd.seals()).as("a memfd made with MFD_ALLOW_SEALING starts with no seal").isEmpty();
                assertThat(link(memfd)).as("/proc/self/fd/%d: a file with no name in any folder, shown by its memfd name",
                        memfd.fd()).isEqualTo("/memfd:kit-frame (deleted)");
                assertThat(memfd.procPath()).as("the path another process opens it by")
                        .isEqualTo(Path.of("/proc/" + ProcessHandle.current().pid() + "/fd/" + memfd.fd()));
                String fdinfo = Files.readString(Path.of("/proc/self/fdinfo/" + memfd.fd()));
                int flags = Integer.parseInt(fdinfo.lines().filter(line -> line.startsWith("flags:")).findFirst()
                        .orElseThrow().substring(6).strip(), 8);
                assertThat(flags & O_CLOEXEC).as("fdinfo flags %s: created with MFD_CLOEXEC, so programs this process"
                        + " starts do not inherit the descriptor by accident", Integer.toOctalString(flags))
                        .isEqualTo(O_CLOEXEC);
            }
        }

        @Test
        void resizeGivesZerosAndEverySharedMappingSeesTheSamePages() throws IOException {
            try (Memfd memfd = sized("kit-shared", 3);
                    RawMapping first = memfd.mapShared(3 * PAGE); RawMapping second = memfd.mapShared(3 * PAGE)) {
                assertThat(memfd.size()).as("after resize(3 pages)").isEqualTo(3 * PAGE);
                assertThat(first.segment().toArray(ValueLayout.JAVA_BYTE)).as("ftruncate added zeros").containsOnly(0);
                first.segment().set(ValueLayout.JAVA_LONG, 2 * PAGE, 0xC0FFEEL);
                assertThat(second.segment().get(ValueLayout.JAVA_LONG, 2 * PAGE)).as("two shared mappings of one memfd map"
                        + " the same pages (unlike two mappings of /dev/zero)").isEqualTo(0xC0FFEEL);
                byte[] read = Files.readAllBytes(memfd.procPath());
                assertThat(ByteBuffer.wrap(read).order(ByteOrder.nativeOrder()).getLong((int) (2 * PAGE)))
                        .as("read(2) of the file by its /proc path sees the store too: it is one file").isEqualTo(0xC0FFEEL);
                MapsEntry entry = ProcMaps.current().find(first.address()).orElseThrow();
                assertThat(entry.path()).as("the maps line of the mapping").isEqualTo("/memfd:kit-shared (deleted)");
                assertThat(entry.shared()).as("permissions %s", entry.permissions()).isTrue();
            }
        }

        @Test
        void aPrivateMappingCopiesOnWriteAndClosingTheDescriptorUnmapsNothing() {
            RawMapping shared;
            RawMapping privately;
            try (Memfd memfd = sized("kit-private", 2)) {
                shared = memfd.mapShared(2 * PAGE);
                privately = memfd.mapPrivate(2 * PAGE);
            }
            try (shared; privately) {
                shared.segment().set(ValueLayout.JAVA_LONG, 0, 1L);
                assertThat(privately.segment().get(ValueLayout.JAVA_LONG, 0)).as("a page of a private mapping not yet"
                        + " written shows the file's contents").isEqualTo(1L);
                privately.segment().set(ValueLayout.JAVA_LONG, 0, 2L);
                assertThat(shared.segment().get(ValueLayout.JAVA_LONG, 0)).as("the private store made a copy: the file"
                        + " keeps 1").isEqualTo(1L);
                shared.segment().set(ValueLayout.JAVA_LONG, PAGE, 3L);
                assertThat(shared.segment().get(ValueLayout.JAVA_LONG, PAGE)).as("the descriptor is closed, the mappings"
                        + " work: closing does not unmap, and the memfd lives while it is mapped").isEqualTo(3L);
            }
        }

        @Test
        void itsPagesAreShmem() {
            try (Memfd memfd = sized("kit-shmem", 256); RawMapping mapping = memfd.mapShared(256 * PAGE)) {
                long before = ProcStatus.current().rssShmem();
                MemorySegment segment = mapping.segment();
                long growth = SpecialFiles.growthAfterTouchesInAThread(() -> {
                    for (long page = 0; page < 256; page++) {
                        segment.set(ValueLayout.JAVA_BYTE, page * PAGE, (byte) 1);
                    }
                }, () -> ProcStatus.current().rssShmem(), before, 256 * PAGE);
                assertThat(growth).as("RssShmem grows by the 256 pages touched: a memfd is memory of the kernel's"
                        + " shmem, like a file in /dev/shm").isGreaterThanOrEqualTo(256 * PAGE);
            }
        }

        @Test
        void namesAndSizesAreCheckedBeforeAnyCall() {
            String longest = "n".repeat(Memfd.MAX_NAME_BYTES);
            try (Memfd memfd = Memfd.create(longest)) {
                assertThat(link(memfd)).as("a name of 249 bytes is the longest the kernel takes")
                        .isEqualTo("/memfd:" + longest + " (deleted)");
                assertThatThrownBy(() -> memfd.resize(-1), "resize(-1)").isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("size").hasMessageContaining("-1");
            }
            assertThatThrownBy(() -> Memfd.create("n".repeat(250)).close(), "a name of 250 bytes")
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name")
                    .hasMessageContaining("250").hasMessageContaining("249");
            assertThatThrownBy(() -> Memfd.create("é".repeat(125)).close(), "125 times é: 125 characters, 250 bytes of UTF-8")
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("250");
            assertThatThrownBy(() -> Memfd.create("a\0b").close(), "a name with a NUL character, which C would end at")
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NUL");
        }

        @Test
        void aPageTouchedBeforeTheFileHasASizeRaisesSigbus() throws Exception {
            try (ChildJvm child = ChildJvm.start(EmptyMemfdToucher.class, CHILD_LIFETIME)) {
                child.awaitLine(line -> line.startsWith("resized"), CHILD_WAIT);
                assertThat(child.waitFor()).as("EmptyMemfdToucher exits normally; it printed:%n%s", child.output()).isZero();
                assertThat(child.outputLines()).as("the child mapped a page of a memfd of size 0: mmap allows it, the"
                        + " touch raises SIGBUS (an InternalError in Java); after resize the same page reads 0")
                        .contains("mapped size 0", "resized, read 0")
                        .anyMatch(line -> line.startsWith("InternalError"));
            }
        }
    }

    @Nested
    class Seals {

        @Test
        void sealingWritesIsRefusedWithEbusyWhileAWritableSharedMappingExists() {
            try (Memfd memfd = sized("kit-busy", 1)) {
                try (RawMapping writable = memfd.mapShared(PAGE)) {
                    writable.segment().set(ValueLayout.JAVA_INT, 0, 5);
                    Throwable refused = catchThrowable(() -> memfd.addSeals(Seal.WRITE));
                    assertThat(refused).as("F_SEAL_WRITE while a writable shared mapping exists: the kernel cannot take"
                            + " back the write access that mapping has").isInstanceOf(NativeCallException.class);
                    NativeCallException e = (NativeCallException) refused;
                    assertThat(e.errnoName()).as(e.getMessage()).isEqualTo("EBUSY");
                    assertThat(e.call()).as("the call, as C would read").isEqualTo("fcntl(" + memfd.fd()
                            + ", F_ADD_SEALS, F_SEAL_WRITE)");
                    assertThat(memfd.seals()).as("a refused fcntl adds no seal").isEmpty();
                }
                memfd.addSeals(Seal.WRITE);
                assertThat(memfd.seals()).as("once the writable mapping is gone, the seal is taken")
                        .containsExactly(Seal.WRITE);
            }
        }

        @Test
        void aRefusedSetOfSealsAddsNoneOfThem() {
            try (Memfd memfd = sized("kit-all-or-none", 1)) {
                memfd.addSeals(Seal.GROW);
                try (RawMapping writable = memfd.mapShared(PAGE)) {
                    writable.segment().set(ValueLayout.JAVA_INT, 0, 5);
                    Throwable refused = catchThrowable(() -> memfd.addSeals(Seal.SHRINK, Seal.WRITE));
                    assertThat(refused).as("F_SEAL_SHRINK | F_SEAL_WRITE while a writable shared mapping exists: the"
                            + " kernel refuses the WRITE seal").isInstanceOf(NativeCallException.class);
                    NativeCallException e = (NativeCallException) refused;
                    assertThat(e.errnoName()).as(e.getMessage()).isEqualTo("EBUSY");
                    assertThat(memfd.seals()).as("the file had GROW; addSeals(SHRINK, WRITE) failed, so it keeps exactly"
                            + " GROW: one fcntl(F_ADD_SEALS) with both bits (0x%x) adds all or nothing, while one call"
                            + " per seal would leave SHRINK added by a call that reported failure",
                            Seal.bits(EnumSet.of(Seal.SHRINK, Seal.WRITE))).containsExactly(Seal.GROW);
                }
            }
        }

        @Test
        void afterSealingWritesSharedWritableMappingsAreRefusedAndPrivateOnesWork() throws IOException {
            try (Memfd memfd = sized("kit-sealed", 1)) {
                try (RawMapping writable = memfd.mapShared(PAGE)) {
                    writable.segment().set(ValueLayout.JAVA_LONG, 0, 7L);
                }
                memfd.addSeals(Seal.WRITE);
                Throwable refused = catchThrowable(() -> memfd.mapShared(PAGE).close());
                assertThat(refused).as("a writable MAP_SHARED mapping of a write-sealed memfd")
                        .isInstanceOf(NativeCallException.class);
                assertThat(((NativeCallException) refused).errnoName()).as(refused.getMessage()).isEqualTo("EPERM");
                assertThat(((NativeCallException) refused).call()).as("the refused call").startsWith("mmap(")
                        .contains("PROT_WRITE").contains("MAP_SHARED");
                // kernel behaviour: Linux 6.7+ allows a read-only shared mapping of a write-sealed memfd, older
                // kernels refuse it with EPERM too; the probe says which this kernel does
                Probe<Boolean> readOnlyShared = DeviceProbes.readOnlySharedMapOfWriteSealedMemfd();
                if (!readOnlyShared.holds()) {
                    Throwable readOnly = catchThrowable(() -> memfd.mapSharedReadOnly(PAGE).close());
                    assertThat(readOnly).as("on this kernel %s", readOnlyShared.reason()).isInstanceOf(NativeCallException.class);
                    assertThat(((NativeCallException) readOnly).errnoName()).as(readOnly.getMessage()).isEqualTo("EPERM");
                }
                try (RawMapping reading = readOnlyShared.holds() ? memfd.mapSharedReadOnly(PAGE) : memfd.mapPrivate(PAGE);
                        RawMapping copy = memfd.mapPrivate(PAGE)) {
                    assertThat(reading.segment().get(ValueLayout.JAVA_LONG, 0)).as(readOnlyShared.holds()
                            ? "read-only shared: allowed" : "a private mapping reads the sealed file").isEqualTo(7L);
                    copy.segment().set(ValueLayout.JAVA_LONG, 0, 8L);
                    assertThat(copy.segment().get(ValueLayout.JAVA_LONG, 0)).as("a writable private mapping works: its"
                            + " stores make private copies and never reach the file").isEqualTo(8L);
                    assertThat(reading.segment().get(ValueLayout.JAVA_LONG, 0)).as("the file still holds 7").isEqualTo(7L);
                }
                try (FileChannel channel = FileChannel.open(memfd.procPath(), StandardOpenOption.WRITE)) {
                    assertThatThrownBy(() -> channel.write(ByteBuffer.allocate(8), 0), "write(2) on a write-sealed memfd")
                            .isInstanceOf(IOException.class).hasMessageContaining("not permitted");
                }
            }
        }

        @Test
        void shrinkAndGrowSealsRefuseResizing() {
            try (Memfd memfd = sized("kit-size", 4)) {
                memfd.addSeals(Seal.SHRINK);
                Throwable shrink = catchThrowable(() -> memfd.resize(2 * PAGE));
                assertThat(shrink).as("F_SEAL_SHRINK: no ftruncate to a smaller size").isInstanceOf(NativeCallException.class);
                assertThat(((NativeCallException) shrink).errnoName()).isEqualTo("EPERM");
                assertThat(((NativeCallException) shrink).call()).isEqualTo("ftruncate(" + memfd.fd() + ", " + 2 * PAGE + ")");
                memfd.resize(8 * PAGE);
                assertThat(memfd.size()).as("growing is still allowed").isEqualTo(8 * PAGE);
                memfd.addSeals(Seal.GROW);
                Throwable grow = catchThrowable(() -> memfd.resize(16 * PAGE));
                assertThat(grow).as("F_SEAL_GROW: no ftruncate to a larger size").isInstanceOf(NativeCallException.class);
                assertThat(((NativeCallException) grow).errnoName()).isEqualTo("EPERM");
                assertThat(memfd.size()).as("the size stays").isEqualTo(8 * PAGE);
                assertThat(memfd.seals()).containsExactlyInAnyOrder(Seal.SHRINK, Seal.GROW);
            }
        }

        @Test
        void theSealSealFreezesTheSetAndAMemfdWithoutSealingIsBornWithIt() {
            try (Memfd memfd = sized("kit-frozen", 1)) {
                memfd.addSeals(Seal.SHRINK, Seal.SEAL);
                assertThat(memfd.seals()).as("both seals of one call").containsExactlyInAnyOrder(Seal.SHRINK, Seal.SEAL);
                Throwable more = catchThrowable(() -> memfd.addSeals(Seal.GROW));
                assertThat(more).as("F_SEAL_SEAL: no seal may be added any more").isInstanceOf(NativeCallException.class);
                assertThat(((NativeCallException) more).errnoName()).isEqualTo("EPERM");
                assertThat(((NativeCallException) more).call()).isEqualTo("fcntl(" + memfd.fd() + ", F_ADD_SEALS, F_SEAL_GROW)");
            }
            try (Memfd unsealable = Memfd.create("kit-unsealable", false)) {
                assertThat(unsealable.seals()).as("without MFD_ALLOW_SEALING the kernel gives the memfd F_SEAL_SEAL at"
                        + " birth").containsExactly(Seal.SEAL);
                Throwable refused = catchThrowable(() -> unsealable.addSeals(Seal.WRITE));
                assertThat(refused).isInstanceOf(NativeCallException.class);
                assertThat(((NativeCallException) refused).errnoName()).isEqualTo("EPERM");
            }
        }

        @Test
        void futureWriteLetsTheMappingsThatExistWriteAndNoNewOne() {
            try (Memfd memfd = sized("kit-future", 1); RawMapping writer = memfd.mapShared(PAGE)) {
                memfd.addSeals(Seal.FUTURE_WRITE);
                assertThat(memfd.seals()).as("F_SEAL_FUTURE_WRITE is taken although a writable mapping exists")
                        .containsExactly(Seal.FUTURE_WRITE);
                writer.segment().set(ValueLayout.JAVA_LONG, 0, 11L);
                Throwable refused = catchThrowable(() -> memfd.mapShared(PAGE).close());
                assertThat(refused).as("a new writable shared mapping").isInstanceOf(NativeCallException.class);
                assertThat(((NativeCallException) refused).errnoName()).isEqualTo("EPERM");
                try (RawMapping reader = memfd.mapSharedReadOnly(PAGE)) {
                    assertThat(reader.segment().get(ValueLayout.JAVA_LONG, 0)).as("the existing writer still writes: the"
                            + " pattern of one producer and many read-only consumers").isEqualTo(11L);
                }
            }
        }
    }

    @Nested
    class AnotherProcess {

        @Test
        void aChildOpensTheMemfdByItsProcPathAndSharesThePages() throws Exception {
            try (Memfd memfd = sized("kit-handed-on", 1); RawMapping mapping = memfd.mapShared(PAGE)) {
                mapping.segment().set(ValueLayout.JAVA_LONG, 0, 4242L);
                try (ChildJvm child = ChildJvm.start(SharedMemoryReader.class, CHILD_LIFETIME,
                        memfd.procPath().toString(), "0", "8", "4343")) {
                    child.awaitLine("stored"::equals, CHILD_WAIT);
                    assertThat(child.waitFor()).as("SharedMemoryReader exits normally; it printed:%n%s", child.output()).isZero();
                    assertThat(child.outputLines()).as("the child opened %s (MFD_CLOEXEC does not matter: it opens the"
                            + " file by path, it does not inherit the descriptor) and mapped it", memfd.procPath())
                            .contains("size " + PAGE, "read 4242");
                }
                assertThat(mapping.segment().get(ValueLayout.JAVA_LONG, 8)).as("the child's store is in our mapping at"
                        + " once: the same shmem pages, no copy, no msync").isEqualTo(4343L);
            }
        }

        @Test
        void aChildCannotMapAWriteSealedMemfdWritable() throws Exception {
            // the child reads through a read-only shared mapping: allowed for write-sealed memfds since Linux 6.7
            assumeTrue(DeviceProbes.readOnlySharedMapOfWriteSealedMemfd().holds(),
                    DeviceProbes.readOnlySharedMapOfWriteSealedMemfd().reason());
            try (Memfd memfd = sized("kit-trusted", 1)) {
                try (RawMapping mapping = memfd.mapShared(PAGE)) {
                    mapping.segment().set(ValueLayout.JAVA_LONG, 0, 77L);
                }
                memfd.addSeals(Seal.WRITE, Seal.SHRINK, Seal.GROW, Seal.SEAL);
                try (ChildJvm child = ChildJvm.start(SharedMemoryReader.class, CHILD_LIFETIME,
                        memfd.procPath().toString(), "0", "0", "666")) {
                    child.awaitLine(line -> line.startsWith("read "), CHILD_WAIT);
                    assertThat(child.waitFor()).as("SharedMemoryReader exits normally; it printed:%n%s", child.output()).isZero();
                    List<String> lines = child.outputLines();
                    assertThat(lines).as("the seals hold for every process: the child's writable mapping is refused,"
                            + " a read-only one reads 77").anyMatch(line -> line.startsWith("read-write refused"))
                            .contains("read 77").doesNotContain("stored");
                }
                try (RawMapping check = DeviceProbes.readOnlySharedMapOfWriteSealedMemfd().holds()
                        ? memfd.mapSharedReadOnly(PAGE) : memfd.mapPrivate(PAGE)) {
                    assertThat(check.segment().get(ValueLayout.JAVA_LONG, 0)).as("so a receiver may trust a sealed buffer:"
                            + " nobody changed it").isEqualTo(77L);
                }
            }
        }
    }

    @Nested
    class PosixShm {

        @Test
        void namesFollowThePosixRules() {
            PosixSharedMemory shm = PosixSharedMemory.standard();
            assertThat(shm.path("/frames")).as("\"/frames\" is the file frames in /dev/shm").isEqualTo(Path.of("/dev/shm/frames"));
            assertThat(shm.path("/" + "x".repeat(255))).as("255 bytes after the slash: NAME_MAX").isNotNull();
            for (String bad : new String[] {"frames", "/", "//frames", "/a/b", "/.", "/..", "/" + "x".repeat(256)}) {
                assertThatThrownBy(() -> shm.path(bad), "the name '%s'", bad).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("name").hasMessageContaining(bad.length() > 40 ? bad.substring(0, 20) : bad);
            }
            assertThat(PosixSharedMemory.in(files.dir()).path("/frames")).as("in the tests' own folder")
                    .isEqualTo(files.dir().resolve("frames"));
        }

        @Test
        void createSizesAndMapsAnObjectThatAChildOpensByItsName() throws Exception {
            PosixSharedMemory shm = PosixSharedMemory.in(files.dir());
            try (RawMapping region = shm.create("/kit-region", 2 * PAGE)) {
                Path file = files.dir().resolve("kit-region");
                assertThat(Files.size(file)).as("the object is a file of the size asked for").isEqualTo(2 * PAGE);
                assertThat(Files.getPosixFilePermissions(file)).as("rw for its owner only: 0600").hasSize(2);
                region.segment().set(ValueLayout.JAVA_LONG, PAGE, 31L);
                try (ChildJvm child = ChildJvm.start(SharedMemoryReader.class, CHILD_LIFETIME, file.toString(),
                        String.valueOf(PAGE), "0", "32")) {
                    child.awaitLine("stored"::equals, CHILD_WAIT);
                    assertThat(child.waitFor()).as("SharedMemoryReader exits normally; it printed:%n%s", child.output()).isZero();
                    assertThat(child.outputLines()).as("a process that knows the name opens the object").contains("read 31");
                }
                assertThat(region.segment().get(ValueLayout.JAVA_LONG, 0)).as("and its store is ours").isEqualTo(32L);
            }
        }

        @Test
        void createRefusesAnExistingObjectAndLeavesItAlone() throws IOException {
            PosixSharedMemory shm = PosixSharedMemory.in(files.dir());
            Path other = files.dir().resolve("someone-else");
            Files.writeString(other, "someone else's data");
            Throwable refused = catchThrowable(() -> shm.create("/someone-else", PAGE).close());
            assertThat(refused).as("O_CREAT|O_EXCL: an object that exists is another program's").isInstanceOf(NativeCallException.class);
            assertThat(((NativeCallException) refused).errnoName()).isEqualTo("EEXIST");
            assertThat(Files.readString(other)).as("and it is left as it was").isEqualTo("someone else's data");
            assertThatThrownBy(() -> shm.create("/kit-empty", 0).close(), "size 0").isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("size");
            assertThat(files.dir().resolve("kit-empty")).as("a refused create leaves no file").doesNotExist();
        }

        @Test
        void createRemovesItsObjectAgainWhenMappingItFails() throws IOException {
            PosixSharedMemory shm = PosixSharedMemory.in(files.dir());
            long huge = 1L << 50; // ftruncate takes it (a sparse tmpfs file), mmap cannot: larger than the address space
            Throwable refused = catchThrowable(() -> shm.create("/kit-too-big", huge).close());
            assertThat(refused).as("create(\"/kit-too-big\", %d): the object is created and sized, then mmap refuses"
                    + " a mapping larger than the address space", huge).isInstanceOf(NativeCallException.class);
            List<Path> left;
            try (Stream<Path> listing = Files.list(files.dir())) {
                left = listing.toList();
            }
            assertThat(left).as("files left in %s after the failed create: a create that fails after it made the object"
                    + " removes it again, or a name stays behind that nobody will map", files.dir()).isEmpty();
        }

        @Test
        void openFindsTheObjectAndUnlinkRemovesOnlyTheName() {
            PosixSharedMemory shm = PosixSharedMemory.in(files.dir());
            try (RawMapping created = shm.create("/kit-shared", PAGE)) {
                created.segment().set(ValueLayout.JAVA_INT, 0, 9);
                try (RawMapping opened = shm.open("/kit-shared")) {
                    assertThat(opened.length()).as("open maps the whole object").isEqualTo(PAGE);
                    assertThat(opened.segment().get(ValueLayout.JAVA_INT, 0)).isEqualTo(9);
                }
                assertThat(shm.unlink("/kit-shared")).as("unlink removes the name").isTrue();
                assertThat(files.dir().resolve("kit-shared")).doesNotExist();
                assertThat(shm.unlink("/kit-shared")).as("a second unlink finds nothing").isFalse();
                assertThat(created.segment().get(ValueLayout.JAVA_INT, 0)).as("the mapping keeps the memory").isEqualTo(9);
                Throwable missing = catchThrowable(() -> shm.open("/kit-shared").close());
                assertThat(missing).as("open of a name that is gone").isInstanceOf(NativeCallException.class);
                assertThat(((NativeCallException) missing).errnoName()).isEqualTo("ENOENT");
            }
        }
    }

    @Test
    void sealsAreBitsOfFcntl() {
        assertThat(Seal.bits(EnumSet.of(Seal.SEAL, Seal.WRITE))).isEqualTo(9);
        try (Memfd memfd = sized("kit-bits", 1)) {
            memfd.addSeals(Seal.GROW);
            assertThat(memfd.seals()).as("F_GET_SEALS after adding F_SEAL_GROW").isEqualTo(Seal.of(4));
        }
    }
}
