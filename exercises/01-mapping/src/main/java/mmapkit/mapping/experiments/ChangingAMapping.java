package mmapkit.mapping.experiments;

import static mmapkit.mapping.natives.MemoryMapCalls.MAP_PRIVATE;
import static mmapkit.mapping.natives.MemoryMapCalls.PROT_READ;
import static mmapkit.mapping.natives.MemoryMapCalls.PROT_WRITE;

import mmapkit.mapping.Pages;
import mmapkit.mapping.RawMapping;
import mmapkit.mapping.natives.NativeCallException;
import mmapkit.mapping.proc.MapsEntry;
import mmapkit.mapping.proc.ProcMaps;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Experiment: one mapping changed after {@code mmap}. {@code mprotect} makes it read-only (the
 * kernel's permissions and the toolkit's segment agree), {@code mremap} shrinks it in place, a
 * guard page placed above it with {@code MAP_FIXED_NOREPLACE} keeps it from growing in place, and
 * {@code mremap} with {@code MREMAP_MAYMOVE} moves it instead, data and all; a second
 * {@code MAP_FIXED_NOREPLACE} on a taken page is refused with EEXIST. After each step it prints
 * the mapping's range and the permissions {@code /proc/self/maps} shows for it.
 */
public final class ChangingAMapping {

    private static final long PAGE = Pages.size();

    private ChangingAMapping() {
    }

    public static void main(String[] args) {
        System.out.printf("%-27s %-25s %8s  %s%n", "step", "range (hex)", "length", "/proc/self/maps");
        // tag::protect-and-remap[]
        try (RawMapping mapping = RawMapping.anonymous(4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE)) {
            mapping.segment().set(ValueLayout.JAVA_LONG, 0, 42);
            show("mapped 4 pages, stored 42", mapping);

            MemorySegment before = mapping.segment();
            mapping.protect(PROT_READ);
            show("protect(PROT_READ)", mapping);
            attempt("store through the new segment", () -> mapping.segment().set(ValueLayout.JAVA_LONG, 0, 43));
            attempt("load through the segment from before", () -> before.get(ValueLayout.JAVA_LONG, 0));

            mapping.protect(PROT_READ | PROT_WRITE);
            mapping.resizeInPlace(2 * PAGE); // shrinking always stays in place
            show("resizeInPlace(2 pages)", mapping);

            try (RawMapping guard = mapping.guardPageAbove()) { // MAP_FIXED_NOREPLACE, in a page just freed
                show("guardPageAbove()", guard);
                attempt("resizeInPlace(4 pages)", () -> mapping.resizeInPlace(4 * PAGE));
                long old = mapping.address();
                boolean moved = mapping.resize(4 * PAGE); // MREMAP_MAYMOVE
                show("resize(4 pages)", mapping);
                long value = mapping.segment().get(ValueLayout.JAVA_LONG, 0);
                System.out.printf("  moved: %b (from %x); the long at offset 0 reads %d%n", moved, old, value);
                attempt("anonymousAt(the guard page's address)",
                        () -> RawMapping.anonymousAt(guard.address(), PAGE, PROT_READ, MAP_PRIVATE));
            }
        }
        // end::protect-and-remap[]
    }

    /** The mapping's range, in pages, and the permissions {@code /proc/self/maps} shows for it. */
    private static void show(String step, RawMapping mapping) {
        long start = mapping.address();
        long end = start + Pages.alignUp(mapping.length());
        String permissions = ProcMaps.current().find(start).map(MapsEntry::permissions).orElse("(not in /proc/self/maps)");
        System.out.printf("%-27s %x-%x %2d page%s  %s%n", step, start, end, (end - start) / PAGE,
                end - start == PAGE ? " " : "s", permissions);
    }

    /** Runs a step that the kernel or the toolkit refuses, and prints how. */
    private static void attempt(String step, Runnable action) {
        try {
            action.run();
            System.out.println("  " + step + ": worked (unexpected)");
        } catch (NativeCallException e) {
            System.out.println("  " + step + ": " + e.getClass().getSimpleName() + ":");
            System.out.println("    " + e.call());
            System.out.println("    failed: " + e.errnoName() + " (" + e.meaning() + ")");
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.out.println("  " + step + ": " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }
}
