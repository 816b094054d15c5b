package mmapkit.mapping;

import static mmapkit.mapping.natives.MemoryMapCalls.MAP_ANONYMOUS;
import static mmapkit.mapping.natives.MemoryMapCalls.MAP_FIXED;
import static mmapkit.mapping.natives.MemoryMapCalls.MAP_PRIVATE;
import static mmapkit.mapping.natives.MemoryMapCalls.MAP_SHARED;
import static mmapkit.mapping.natives.MemoryMapCalls.PROT_NONE;
import static mmapkit.mapping.natives.MemoryMapCalls.PROT_READ;
import static mmapkit.mapping.natives.MemoryMapCalls.PROT_WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import mmapkit.course.Task;
import mmapkit.mapping.natives.NativeCallException;
import mmapkit.mapping.natives.PosixFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Set;
import java.util.function.Supplier;

@Task(id = "01.9", points = 10, title = "Protect, resize and place a mapping")
class ChangeAMappingTest {

    private static final long PAGE = Pages.size();
    private static final int READ_WRITE = PROT_READ | PROT_WRITE;

    @TempDir
    Path dir;

    @Test
    void protectChangesWhatTheKernelAndTheSegmentAllow() {
        try (RawMapping mapping = RawMapping.anonymous(2 * PAGE, READ_WRITE, MAP_PRIVATE)) {
            mapping.segment().set(ValueLayout.JAVA_LONG, PAGE, 42);
            MemorySegment before = mapping.segment();

            mapping.protect(PROT_READ);
            assertThat(mapping.prot()).as("prot() after protect(PROT_READ)").isEqualTo(PROT_READ);
            assertThat(permissionsAt(mapping.address() + PAGE)).as("/proc/self/maps after mprotect(PROT_READ)").isEqualTo("r--p");
            MemorySegment readOnly = mapping.segment();
            assertThat(readOnly.isReadOnly()).as("the segment of a mapping without PROT_WRITE must be read-only:"
                    + " a store through it would crash the JVM with SIGSEGV").isTrue();
            assertThat(readOnly.get(ValueLayout.JAVA_LONG, PAGE)).as("mprotect keeps the data").isEqualTo(42);
            assertThat(catchThrowable(() -> before.get(ValueLayout.JAVA_LONG, 0)))
                    .as("the segment taken before protect() is writable: it must refuse every access from now on")
                    .isInstanceOf(IllegalStateException.class);

            mapping.protect(READ_WRITE);
            assertThat(permissionsAt(mapping.address())).as("/proc/self/maps after mprotect(PROT_READ|PROT_WRITE)")
                    .isEqualTo("rw-p");
            MemorySegment writable = mapping.segment();
            assertThat(writable.isReadOnly()).as("writable again after protect(PROT_READ|PROT_WRITE)").isFalse();
            writable.set(ValueLayout.JAVA_LONG, 0, 7);
            assertThat(writable.get(ValueLayout.JAVA_LONG, 0)).isEqualTo(7);
        }
    }

    @Test
    void protNoneMakesMemoryThatNoSegmentReaches() {
        try (RawMapping mapping = RawMapping.anonymous(PAGE, READ_WRITE, MAP_PRIVATE)) {
            MemorySegment before = mapping.segment();
            mapping.protect(PROT_NONE);
            assertThat(mapping.prot()).isEqualTo(PROT_NONE);
            assertThat(permissionsAt(mapping.address())).as("/proc/self/maps after mprotect(PROT_NONE)").isEqualTo("---p");
            assertThat(catchThrowable(mapping::segment)).as("a PROT_NONE mapping has no segment to give: any access would"
                    + " crash the JVM").isInstanceOf(IllegalStateException.class);
            assertThat(catchThrowable(() -> before.get(ValueLayout.JAVA_BYTE, 0)))
                    .as("nor may the segment taken before protect(PROT_NONE) reach it").isInstanceOf(IllegalStateException.class);
            mapping.protect(PROT_READ);
            assertThat(mapping.segment().get(ValueLayout.JAVA_BYTE, 0)).as("readable again, still zero").isZero();
        }
    }

    @Test
    void badOrRefusedProtectionsLeaveTheMappingAsItWas() throws Exception {
        try (RawMapping mapping = RawMapping.anonymous(PAGE, READ_WRITE, MAP_PRIVATE)) {
            assertThat(catchThrowable(() -> mapping.protect(0x40)))
                    .as("protect(0x40): only PROT_READ, PROT_WRITE and PROT_EXEC are protections")
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prot");
            assertThat(mapping.prot()).isEqualTo(READ_WRITE);
        }
        Path file = TestFiles.patterned(dir, "data.bin", PAGE);
        int readOnly = PosixFiles.open(file, PosixFiles.O_RDONLY, 0);
        RawMapping mapping;
        try {
            mapping = RawMapping.map(PAGE, PROT_READ, MAP_SHARED, readOnly, 0);
        } finally {
            PosixFiles.close(readOnly);
        }
        try (mapping) {
            assertThat(catchThrowable(() -> mapping.protect(READ_WRITE)))
                    .as("PROT_WRITE for a shared mapping of a file opened read-only: mprotect fails with EACCES")
                    .isInstanceOfSatisfying(NativeCallException.class, e -> {
                        assertThat(e.errnoName()).isEqualTo("EACCES");
                        assertThat(e.call()).as("the call with its arguments").startsWith("mprotect(");
                    });
            assertThat(mapping.prot()).as("prot() after a refused protect()").isEqualTo(PROT_READ);
            assertThat(permissionsAt(mapping.address())).isEqualTo("r--s");
            MemorySegment segment = mapping.segment();
            assertThat(segment.isReadOnly()).as("still read-only").isTrue();
            assertThat(segment.get(ValueLayout.JAVA_BYTE, 5)).as("and still the file's data").isEqualTo(TestFiles.patternAt(5));
        }
    }

    @Test
    void shrinkingStaysInPlaceAndGrowingInPlaceNeedsThePagesAboveFree() {
        try (RawMapping mapping = retryWhenTaken(() -> {
            RawMapping fresh = RawMapping.anonymous(4 * PAGE, READ_WRITE, MAP_PRIVATE);
            try {
                fresh.segment().set(ValueLayout.JAVA_LONG, 0, 11);
                fresh.resizeInPlace(PAGE);
                fresh.resizeInPlace(3 * PAGE); // into the pages the shrink freed
                return fresh;
            } catch (RuntimeException e) {
                fresh.close();
                throw e;
            }
        })) {
            long address = mapping.address();
            assertThat(mapping.length()).as("length() after resizeInPlace(3 pages)").isEqualTo(3 * PAGE);
            MemorySegment grown = mapping.segment();
            assertThat(grown.byteSize()).as("the segment covers the new length").isEqualTo(3 * PAGE);
            assertThat(grown.get(ValueLayout.JAVA_LONG, 0)).as("mremap keeps the data").isEqualTo(11);
            assertThat(grown.get(ValueLayout.JAVA_LONG, 2 * PAGE)).as("the pages added to anonymous memory are zero-filled")
                    .isZero();
            assertThat(permissionsAt(address + 2 * PAGE)).as("/proc/self/maps at the last page").isEqualTo("rw-p");

            mapping.resizeInPlace(PAGE);
            assertThat(mapping.address()).as("shrinking never moves a mapping").isEqualTo(address);
            assertThat(mapping.segment().byteSize()).isEqualTo(PAGE);
            assertThat(catchThrowable(() -> grown.get(ValueLayout.JAVA_LONG, 2 * PAGE)))
                    .as("the segment taken before the shrink reaches pages that are no longer mapped: it must refuse")
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void whereThePagesAboveAreTakenResizeInPlaceFailsAndResizeMoves() {
        RawMapping[] made = retryWhenTaken(() -> {
            RawMapping fresh = RawMapping.anonymous(2 * PAGE, READ_WRITE, MAP_PRIVATE);
            try {
                fresh.resizeInPlace(PAGE);
                return new RawMapping[] {fresh, fresh.guardPageAbove()};
            } catch (RuntimeException e) {
                fresh.close();
                throw e;
            }
        });
        try (RawMapping mapping = made[0]; RawMapping guard = made[1]) {
            long address = mapping.address();
            mapping.segment().set(ValueLayout.JAVA_LONG, 8, 23);
            assertThat(catchThrowable(() -> mapping.resizeInPlace(3 * PAGE)))
                    .as("growing in place into the guard page above: mremap without MREMAP_MAYMOVE fails")
                    .isInstanceOfSatisfying(NativeCallException.class, e -> {
                        assertThat(e.errnoName()).isEqualTo("ENOMEM");
                        assertThat(e.call()).startsWith("mremap(");
                    });
            assertThat(mapping.address()).as("a failed resize leaves the address").isEqualTo(address);
            assertThat(mapping.length()).as("and the length").isEqualTo(PAGE);
            MemorySegment before = mapping.segment();
            assertThat(before.get(ValueLayout.JAVA_LONG, 8)).as("and the data").isEqualTo(23);

            boolean moved = mapping.resize(3 * PAGE);
            assertThat(moved).as("resize() with the pages above taken must move the mapping").isTrue();
            assertThat(mapping.address()).as("the address after the move").isNotEqualTo(address);
            assertThat(mapping.length()).isEqualTo(3 * PAGE);
            assertThat(mapping.segment().get(ValueLayout.JAVA_LONG, 8)).as("mremap moves the pages, data and all").isEqualTo(23);
            assertThat(permissionsAt(mapping.address() + 2 * PAGE)).as("/proc/self/maps at the moved mapping's last page")
                    .isEqualTo("rw-p");
            assertThat(catchThrowable(() -> before.get(ValueLayout.JAVA_LONG, 8)))
                    .as("the segment taken before the move points at unmapped memory: it must refuse")
                    .isInstanceOf(IllegalStateException.class);
            assertThat(permissionsAt(guard.address())).as("the guard page stays where it was").isEqualTo("---p");
        }
    }

    @Test
    void mapAtPlacesExactlyThereOrRefusesAndNeverReplaces() {
        try (RawMapping taken = RawMapping.anonymous(2 * PAGE, READ_WRITE, MAP_PRIVATE)) {
            taken.segment().set(ValueLayout.JAVA_LONG, PAGE, 99);
            long occupied = taken.address() + PAGE;
            assertThat(catchThrowable(() -> RawMapping.anonymousAt(occupied, PAGE, READ_WRITE, MAP_PRIVATE)))
                    .as("MAP_FIXED_NOREPLACE on a page that is mapped already")
                    .isInstanceOfSatisfying(NativeCallException.class, e -> {
                        assertThat(e.errnoName()).isEqualTo("EEXIST");
                        assertThat(e.call()).as("the call with its flags").contains("MAP_FIXED_NOREPLACE")
                                .contains(Long.toHexString(occupied));
                    });
            assertThat(taken.segment().get(ValueLayout.JAVA_LONG, PAGE)).as("the mapping that was there keeps its data")
                    .isEqualTo(99);
            assertThat(permissionsAt(occupied)).isEqualTo("rw-p");

            assertThat(catchThrowable(() -> RawMapping.anonymousAt(occupied + 1, PAGE, READ_WRITE, MAP_PRIVATE)))
                    .as("an address that is not page-aligned, refused before the call")
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("address")
                    .hasMessageContaining(String.valueOf(PAGE));
            assertThat(catchThrowable(() -> RawMapping.anonymousAt(0, PAGE, READ_WRITE, MAP_PRIVATE)))
                    .as("address 0, refused before the call").isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("address 0");
            assertThat(catchThrowable(() -> RawMapping.mapAt(occupied, PAGE, READ_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0)))
                    .as("MAP_FIXED in the flags, refused before the call").isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("MAP_FIXED");
        }

        try (RawMapping placed = retryWhenTaken(() -> {
            long free = freedPages(3);
            return RawMapping.anonymousAt(free + PAGE, PAGE, READ_WRITE, MAP_PRIVATE);
        })) {
            long address = placed.address();
            assertThat(Pages.isAligned(address)).isTrue();
            assertThat(permissionsAt(address)).as("/proc/self/maps at the address asked for").isEqualTo("rw-p");
            assertThat(placed.segment().get(ValueLayout.JAVA_LONG, 0)).as("anonymous memory starts zero-filled").isZero();
        }
    }

    @Test
    void guardPagesAreInaccessibleNeighboursThatReplaceNothing() {
        RawMapping[] made = retryWhenTaken(() -> {
            long free = freedPages(4);
            RawMapping region = RawMapping.anonymousAt(free + PAGE, 2 * PAGE, READ_WRITE, MAP_PRIVATE);
            RawMapping below = null;
            try {
                below = region.guardPageBelow();
                return new RawMapping[] {region, below, region.guardPageAbove()};
            } catch (RuntimeException e) {
                if (below != null) {
                    below.close();
                }
                region.close();
                throw e;
            }
        });
        try (RawMapping region = made[0]; RawMapping below = made[1]; RawMapping above = made[2]) {
            long start = region.address();
            long end = start + 2 * PAGE;
            assertThat(KernelView.areaAt(start - 1)).as("/proc/self/maps just below the region")
                    .hasValueSatisfying(area -> {
                        assertThat(area.permissions()).as("a guard page is PROT_NONE").isEqualTo("---p");
                        assertThat(area.end()).as("and ends where the region starts").isEqualTo(start);
                    });
            assertThat(KernelView.areaAt(end)).as("/proc/self/maps just above the region")
                    .hasValueSatisfying(area -> {
                        assertThat(area.permissions()).isEqualTo("---p");
                        assertThat(area.start()).as("and starts where the region ends").isEqualTo(end);
                    });
            assertThat(below.address()).isEqualTo(start - PAGE);
            assertThat(above.address()).isEqualTo(end);
            assertThat(catchThrowable(above::segment)).as("a guard page has no segment: touching it crashes the JVM")
                    .isInstanceOf(IllegalStateException.class);
            region.segment().set(ValueLayout.JAVA_BYTE, 2 * PAGE - 1, (byte) 5);

            assertThat(catchThrowable(region::guardPageAbove)).as("a second guard page above: the page is taken")
                    .isInstanceOfSatisfying(NativeCallException.class, e -> assertThat(e.errnoName()).isEqualTo("EEXIST"));
            assertThat(permissionsAt(end)).as("the first guard page is still there").isEqualTo("---p");
        }
    }

    /** The permissions /proc/self/maps shows for the page at {@code address}. */
    private static String permissionsAt(long address) {
        return KernelView.areaAt(address).map(KernelView.Area::permissions).orElse("(nothing mapped at 0x"
                + Long.toHexString(address) + ")");
    }

    /**
     * The address of {@code pages} pages that were mapped a moment ago and are free now: a place
     * where nothing is mapped, found by mapping it and unmapping it again.
     */
    private static long freedPages(long pages) {
        RawMapping probe = RawMapping.anonymous(pages * PAGE, PROT_NONE, MAP_PRIVATE);
        long address = probe.address();
        probe.close();
        return address;
    }

    /**
     * Maps into pages that were just freed. Between the free and the map, another thread of this JVM
     * (the JIT compiler, the garbage collector, a new thread's stack) may rarely map something
     * there; the kernel then rightly answers EEXIST or ENOMEM. So this tries again, three times at most.
     */
    private static <T> T retryWhenTaken(Supplier<T> attempt) {
        NativeCallException last = null;
        for (int i = 0; i < 3; i++) {
            try {
                return attempt.get();
            } catch (NativeCallException e) {
                if (!Set.of("EEXIST", "ENOMEM").contains(e.errnoName())) {
                    throw e;
                }
                last = e;
            }
        }
        throw last;
    }
}
