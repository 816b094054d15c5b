package mmapkit.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import mmapkit.course.Task;
import mmapkit.course.TimeBudget;
import mmapkit.device.process.SharedMemoryReader;
import mmapkit.device.process.ZeroMemoryChild;
import mmapkit.device.special.ZeroMemory;
import mmapkit.dirty.MappingStats;
import mmapkit.faults.FaultProbes;
import mmapkit.mapping.Pages;
import mmapkit.mapping.Probe;
import mmapkit.mapping.RawMapping;
import mmapkit.mapping.natives.NativeCallException;
import mmapkit.mapping.proc.MapsEntry;
import mmapkit.mapping.proc.ProcStatus;
import mmapkit.mapping.process.ChildJvm;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.LongFunction;

@Task(id = "06.1", points = 10, title = "Zero-filled and shared anonymous memory")
class ZeroAndAnonymousMemoryTest {

    private static final long PAGE = Pages.size();
    private static final Duration CHILD_LIFETIME = TimeBudget.scaled(Duration.ofSeconds(30));
    private static final Duration CHILD_WAIT = TimeBudget.scaled(Duration.ofSeconds(25));

    private static long devZeroInode() throws IOException {
        return ((Number) Files.getAttribute(ZeroMemory.DEV_ZERO, "unix:ino")).longValue();
    }

    /** Stores {@code value} in the first byte of {@code pages} pages. */
    private static void touch(MemorySegment segment, long pages, byte value) {
        for (long page = 0; page < pages; page++) {
            segment.set(ValueLayout.JAVA_BYTE, page * PAGE, value);
        }
    }

    @Nested
    class DevZeroMappedPrivate {

        /**
         * Kernel behaviour assumed: a read fault on private anonymous memory maps the shared zero
         * page where {@link FaultProbes#zeroPageOnReadFault()} finds one (reads then take no
         * memory), and a zeroed page of its own where it finds none (a kernel booted with
         * {@code pvm_no_zero_page=1}, for one): the expected counts follow the probe.
         */
        @Test
        void readsAsZerosAndTakesMemoryOnlyWhereWritten() {
            Probe<Boolean> zeroPage = FaultProbes.zeroPageOnReadFault();
            try (RawMapping zero = ZeroMemory.privateZero(64 * PAGE)) {
                MemorySegment segment = zero.segment();
                assertThat(segment.byteSize()).as("the mapping's length").isEqualTo(64 * PAGE);
                assertThat(MappingStats.of(segment).rss()).as("Rss of a fresh mapping of /dev/zero: mmap itself"
                        + " gives no page; each comes at its first touch").isZero();
                assertThat(segment.toArray(ValueLayout.JAVA_BYTE)).as("all 64 pages read as zeros").containsOnly(0);
                long afterReads = zeroPage.holds() ? 0 : 64;
                assertThat(MappingStats.of(segment).anonymousPages()).as("after reading all 64 pages, smaps counts %d"
                        + " pages as Anonymous: private /dev/zero memory is anonymous memory, and on this kernel %s",
                        afterReads, zeroPage.reason()).isEqualTo(afterReads);
                touch(segment, 16, (byte) 7);
                MappingStats stats = MappingStats.of(segment);
                long afterStores = zeroPage.holds() ? 16 : 64;
                assertThat(stats.anonymousPages()).as("after stores to 16 pages, smaps counts %d pages as Anonymous:"
                        + " private /dev/zero memory is anonymous memory, page by page (%s)", afterStores,
                        zeroPage.holds() ? "reads only mapped the shared zero page, which is nobody's; each store"
                                + " replaced it with a page of this mapping's own"
                                : "this kernel has no shared zero page, so the reads already gave every page one of"
                                + " its own, and the stores change none of them").isEqualTo(afterStores);
                assertThat(segment.get(ValueLayout.JAVA_BYTE, 15 * PAGE)).as("the store to page 15 is there").isEqualTo((byte) 7);
                assertThat(segment.get(ValueLayout.JAVA_BYTE, 16 * PAGE)).as("page 16 was not stored to").isZero();
                assertThat(zero.flags()).as("the flags given to mmap").isEqualTo(mmapkit.mapping.natives.MemoryMapCalls.MAP_PRIVATE);
            }
        }

        @Test
        void storesStayInTheirMappingAndNeverReachTheDevice() throws IOException {
            try (RawMapping first = ZeroMemory.privateZero(4 * PAGE); RawMapping second = ZeroMemory.privateZero(4 * PAGE)) {
                first.segment().set(ValueLayout.JAVA_LONG, 128, 0x0123_4567_89AB_CDEFL);
                assertThat(second.segment().get(ValueLayout.JAVA_LONG, 128)).as("a second private mapping of /dev/zero"
                        + " does not see the first one's store: each private mapping is memory of its own").isZero();
                try (InputStream in = Files.newInputStream(ZeroMemory.DEV_ZERO)) {
                    assertThat(in.readNBytes((int) PAGE)).as("read(2) of /dev/zero still gives zeros: a private"
                            + " mapping never writes back").containsOnly(0);
                }
                MapsEntry entry = ZeroMemory.mapsEntry(first);
                assertThat(entry.start()).as("the maps line holds the mapping's first byte").isEqualTo(first.address());
                assertThat(entry.shared()).as("its permissions %s end in 'p': private, copy-on-write", entry.permissions())
                        .isFalse();
                assertThat(entry.deleted()).as("no shmem object behind it (%s)", entry).isFalse();
            }
        }

        @Test
        void theDescriptorOfDevZeroIsClosedAfterTheCallWhateverHappened() {
            long before = SpecialFiles.descriptorsOpenOn("/dev/zero");
            try (RawMapping privately = ZeroMemory.privateZero(PAGE); RawMapping shared = ZeroMemory.sharedZero(PAGE)) {
                assertThat(SpecialFiles.descriptorsOpenOn("/dev/zero")).as("descriptors of /dev/zero open while two"
                        + " mappings of it exist: the mappings do not need them, closing does not unmap").isEqualTo(before);
                privately.segment().set(ValueLayout.JAVA_INT, 0, 1);
                shared.segment().set(ValueLayout.JAVA_INT, 0, 2);
            }
            for (long length : new long[] {0, -PAGE}) {
                assertThatThrownBy(() -> ZeroMemory.privateZero(length).close(), "privateZero(%d)", length)
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("length")
                        .hasMessageContaining(String.valueOf(length));
                assertThatThrownBy(() -> ZeroMemory.sharedZero(length).close(), "sharedZero(%d)", length)
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("length")
                        .hasMessageContaining(String.valueOf(length));
                assertThatThrownBy(() -> ZeroMemory.sharedAnonymous(length).close(), "sharedAnonymous(%d)", length)
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("length")
                        .hasMessageContaining(String.valueOf(length));
            }
            assertThat(SpecialFiles.descriptorsOpenOn("/dev/zero")).as("and none left open by the refused calls")
                    .isEqualTo(before);
        }

        @Test
        void theDescriptorOfDevZeroIsClosedAlsoWhenMmapRefusesTheMapping() {
            long huge = 1L << 50; // 1 PiB: more than the 128 TiB of a process's address space
            long before = SpecialFiles.descriptorsOpenOn("/dev/zero");
            Throwable privately = catchThrowable(() -> ZeroMemory.privateZero(huge).close());
            assertThat(privately).as("privateZero(%d): /dev/zero opens, then mmap refuses a mapping larger than the"
                    + " address space (ENOMEM)", huge).isInstanceOf(NativeCallException.class);
            long afterPrivate = SpecialFiles.descriptorsOpenOn("/dev/zero");
            assertThat(afterPrivate).as("descriptors of /dev/zero open in this process: %d before privateZero(%d), %d after"
                    + " its mmap failed; the descriptor is closed in a finally, whether mmap succeeds or not", before, huge,
                    afterPrivate).isEqualTo(before);
            Throwable shared = catchThrowable(() -> ZeroMemory.sharedZero(huge).close());
            assertThat(shared).as("sharedZero(%d): mmap refuses it", huge).isInstanceOf(NativeCallException.class);
            long afterShared = SpecialFiles.descriptorsOpenOn("/dev/zero");
            assertThat(afterShared).as("descriptors of /dev/zero open: %d before sharedZero(%d), %d after its mmap failed",
                    before, huge, afterShared).isEqualTo(before);
        }
    }

    @Nested
    class DevZeroMappedShared {

        @Test
        void eachMappingIsAShmemObjectOfItsOwn() throws IOException {
            try (RawMapping first = ZeroMemory.sharedZero(4 * PAGE); RawMapping second = ZeroMemory.sharedZero(4 * PAGE)) {
                MapsEntry a = ZeroMemory.mapsEntry(first);
                MapsEntry b = ZeroMemory.mapsEntry(second);
                assertThat(a.shared()).as("permissions %s: MAP_SHARED shows as 's'", a.permissions()).isTrue();
                assertThat(a.path()).as("a shared mapping of /dev/zero is backed by an unnamed shmem file, shown as"
                        + " deleted").isEqualTo("/dev/zero (deleted)");
                assertThat(a.inode()).as("its inode is the shmem object's, not /dev/zero's (%d)", devZeroInode())
                        .isNotEqualTo(devZeroInode());
                assertThat(b.inode()).as("a second mmap of /dev/zero makes a second object: another inode than %s", a)
                        .isNotEqualTo(a.inode());
                first.segment().set(ValueLayout.JAVA_LONG, 0, 42L);
                assertThat(second.segment().get(ValueLayout.JAVA_LONG, 0)).as("so MAP_SHARED alone shares nothing"
                        + " between two mappings: only processes that inherit one mapping by fork share it").isZero();
                assertThat(first.segment().get(ValueLayout.JAVA_LONG, 0)).isEqualTo(42L);
            }
        }

        @Test
        void touchedPagesAreShmemNotAnonymous() {
            try (RawMapping shared = ZeroMemory.sharedZero(64 * PAGE)) {
                long shmemBefore = ProcStatus.current().rssShmem();
                long shmemGrowth = SpecialFiles.growthAfterTouchesInAThread(() -> touch(shared.segment(), 32, (byte) 1),
                        () -> ProcStatus.current().rssShmem(), shmemBefore, 32 * PAGE);
                MappingStats stats = MappingStats.of(shared.segment());
                assertThat(stats.residentPages()).as("32 pages touched, 32 resident").isEqualTo(32);
                assertThat(stats.anonymous()).as("Anonymous of a shared /dev/zero mapping: its pages belong to a shmem"
                        + " file, not to the process").isZero();
                assertThat(shmemGrowth).as("RssShmem of /proc/self/status grows by the 32 touched pages")
                        .isGreaterThanOrEqualTo(32 * PAGE);
                assertThat(shared.flags()).as("the flags given to mmap").isEqualTo(mmapkit.mapping.natives.MemoryMapCalls.MAP_SHARED);
            }
        }

        @Test
        void anonymousSharedMemoryIsTheSameKindOfObject() throws IOException {
            try (RawMapping anonymous = ZeroMemory.sharedAnonymous(8 * PAGE)) {
                MapsEntry entry = ZeroMemory.mapsEntry(anonymous);
                assertThat(entry.shared()).as("MAP_SHARED|MAP_ANONYMOUS: %s", entry).isTrue();
                assertThat(entry.path()).as("the kernel sets up anonymous shared memory exactly as a shared mapping of"
                        + " /dev/zero, and names it so").isEqualTo("/dev/zero (deleted)");
                assertThat(entry.inode()).as("an object of its own").isNotZero().isNotEqualTo(devZeroInode());
                assertThat(entry.size()).as("one area of 8 pages").isEqualTo(8 * PAGE);
                assertThat(anonymous.segment().toArray(ValueLayout.JAVA_BYTE)).as("zero-filled").containsOnly(0);
            }
        }
    }

    @Nested
    class AnotherProcess {

        @Test
        void aChildThatMapsDevZeroItselfReadsZerosNotOurStores() throws Exception {
            LongFunction<String> hex = Long::toHexString;
            try (RawMapping shared = ZeroMemory.sharedZero(PAGE); RawMapping anonymous = ZeroMemory.sharedAnonymous(PAGE)) {
                shared.segment().set(ValueLayout.JAVA_LONG, 64, 42L);
                anonymous.segment().set(ValueLayout.JAVA_LONG, 64, 43L);
                try (ChildJvm child = ChildJvm.start(ZeroMemoryChild.class, CHILD_LIFETIME, "64")) {
                    child.awaitLine(line -> line.startsWith("maps "), CHILD_WAIT);
                    assertThat(child.waitFor()).as("ZeroMemoryChild exits normally; it printed:%n%s", child.output()).isZero();
                    assertThat(child.outputLines()).as("a child JVM is started by exec, not a fork of this process: its"
                            + " own mappings of /dev/zero are new objects, and read zeros where this process stored 42"
                            + " (at 0x%s) and 43 (at 0x%s)", hex.apply(shared.address()), hex.apply(anonymous.address()))
                            .contains("shared /dev/zero 0", "private /dev/zero 0", "shared anonymous 0");
                }
                assertThat(shared.segment().get(ValueLayout.JAVA_LONG, 64)).as("our own store is still there").isEqualTo(42L);
            }
        }

        @Test
        void aChildAllowedToOpenMapFilesReachesTheVeryPages() throws Exception {
            try (RawMapping anonymous = ZeroMemory.sharedAnonymous(4 * PAGE)) {
                Path path = ZeroMemory.mapFilesPath(anonymous);
                MapsEntry entry = ZeroMemory.mapsEntry(anonymous);
                assertThat(path).as("/proc/<pid>/map_files/<start>-<end> of the area, in lowercase hex without 0x")
                        .isEqualTo(Path.of("/proc/" + ProcessHandle.current().pid() + "/map_files/"
                                + Long.toHexString(entry.start()) + "-" + Long.toHexString(entry.end())));
                String target = SpecialFiles.linkOrEmpty(path);
                // the link may read even where opening it is refused (root of a user namespace of its own)
                // kernel behaviour: opening a map_files link needs CAP_SYS_ADMIN or CAP_CHECKPOINT_RESTORE (5.9+) in
                // the initial user namespace; tried here, explained by the probe
                assumeTrue(!target.isEmpty() && SpecialFiles.canOpen(path), "opening " + path + " failed: "
                        + DeviceProbes.mapFilesOpenable().reason() + "; only checkpoint/restore tools may reach another"
                        + " process's anonymous shared memory");
                assertThat(target).as("the link names the shmem object behind the mapping").isEqualTo("/dev/zero (deleted)");
                anonymous.segment().set(ValueLayout.JAVA_LONG, 0, 0x5EED_0006L);
                try (ChildJvm child = ChildJvm.start(SharedMemoryReader.class, CHILD_LIFETIME, path.toString(), "0", "8", "99")) {
                    child.awaitLine("stored"::equals, CHILD_WAIT);
                    assertThat(child.waitFor()).as("SharedMemoryReader exits normally; it printed:%n%s", child.output()).isZero();
                    assertThat(child.outputLines()).as("the child opened the object by its map_files path and mapped it:"
                            + " it reads this process's store").contains("read " + 0x5EED_0006L);
                }
                assertThat(anonymous.segment().get(ValueLayout.JAVA_LONG, 8)).as("and its store of 99 is in our mapping:"
                        + " one object, two mappings, the same pages").isEqualTo(99L);
            }
        }
    }
}
