package mmapkit.faults.experiments;

import mmapkit.faults.natives.AllocatorCalls;
import mmapkit.mapping.proc.MapsEntry;
import mmapkit.mapping.proc.ProcMaps;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Experiment: is malloc a system call? It calls glibc's {@code malloc} through the FFM linker for
 * small and large blocks and compares {@code /proc/self/maps} before and after each call. Small
 * blocks come from memory the allocator has already (an arena: the {@code [heap]} that {@code brk}
 * grows, or a thread's arena); blocks above the mmap threshold (128 KiB at first) get a mapping of
 * their own, which {@code free} unmaps. Most calls make no system call at all. Other threads of the
 * JVM change the maps too, so the experiment looks only at the mapping that holds the block.
 */
public final class WhereMallocGetsMemory {

    private static final long KIB = 1024;
    private static final long[] SIZES = {64, 4 * KIB, 64 * KIB, 1024 * KIB, 64 * 1024 * KIB};
    private static final int SMALL_CALLS = 1000;

    private WhereMallocGetsMemory() {
    }

    public static void main(String[] args) {
        System.out.println("glibc malloc and free called through the FFM Linker from a Java thread;");
        System.out.println("/proc/self/maps read before and after each call.");
        System.out.println();
        System.out.printf("%-16s %-34s %s%n", "call", "the block lies in", "what the call changed in the maps");
        List<Long> blocks = new ArrayList<>();
        for (long size : SIZES) {
            // tag::malloc-and-compare[]
            ProcMaps before = ProcMaps.current();
            long block = AllocatorCalls.malloc(size);
            ProcMaps after = ProcMaps.current();
            // end::malloc-and-compare[]
            blocks.add(block);
            System.out.printf("%-16s %-34s %s%n", "malloc(" + human(size) + ")", where(after, block),
                    change(before, after, block));
        }
        for (int index = SIZES.length - 1; index >= 0; index--) {
            long block = blocks.get(index);
            ProcMaps before = ProcMaps.current();
            AllocatorCalls.free(block);
            ProcMaps after = ProcMaps.current();
            boolean gone = before.find(block).isPresent() && after.find(block).isEmpty();
            System.out.printf("%-16s %-34s %s%n", "free(" + human(SIZES[index]) + ")", "",
                    gone ? "munmap: the block's mapping is gone"
                            : before.find(block).equals(after.find(block)) ? "nothing: the block goes back to its arena"
                            : "its arena changed (glibc trims an arena whose top is free)");
        }
        int changed = 0;
        long[] small = new long[SMALL_CALLS];
        for (int index = 0; index < SMALL_CALLS; index++) {
            ProcMaps before = ProcMaps.current();
            small[index] = AllocatorCalls.malloc(64);
            if (!before.find(small[index]).equals(ProcMaps.current().find(small[index]))) {
                changed++;
            }
        }
        for (long block : small) {
            AllocatorCalls.free(block);
        }
        System.out.printf("%d x malloc(64 B): %d of the calls changed the mapping that holds their block; the others%n"
                + "asked the kernel for nothing.%n",
                SMALL_CALLS, changed);
        System.out.println();
        System.out.println("malloc is a function of the C library, not a system call. Blocks below the mmap threshold");
        System.out.println("(M_MMAP_THRESHOLD: 128 KiB at first; glibc raises it, up to 32 MiB, when a program frees an");
        System.out.println("mmapped block) come from an arena, memory the library already holds: the [heap] that brk grows,");
        System.out.println("for the process's first thread, or an arena of anonymous memory that glibc mmaps for other");
        System.out.println("threads (a Java program's main thread is not the process's first one). Larger blocks get a");
        System.out.println("mapping of their own, with mmap, and free gives it back at once with munmap.");
    }

    /** Where the block lies: the heap, or an anonymous mapping, with the mapping's size. */
    private static String where(ProcMaps maps, long block) {
        Optional<MapsEntry> entry = maps.find(block);
        if (entry.isEmpty()) {
            return "no mapping (?)";
        }
        MapsEntry area = entry.get();
        String name = area.path().isEmpty() ? "anonymous" : area.path();
        return name + " " + area.permissions() + ", " + human(area.size());
    }

    /** What happened to the maps around the block: nothing, brk, mmap or mprotect. */
    private static String change(ProcMaps before, ProcMaps after, long block) {
        Optional<MapsEntry> was = before.find(block);
        MapsEntry now = after.find(block).orElseThrow();
        if (was.isEmpty()) {
            long fresh = newlyMapped(before, now, block);
            return now.path().equals("[heap]") ? "brk: the heap grew by " + human(fresh)
                    : "mmap: " + human(fresh) + " newly mapped";
        }
        if (!was.get().permissions().equals(now.permissions())) {
            return "mprotect: the arena grew into its " + was.get().permissions() + " reserve";
        }
        if (was.get().equals(now)) {
            return "nothing: the arena had the memory";
        }
        String grew = human(was.get().size()) + " -> " + human(now.size());
        return now.path().equals("[heap]") ? "brk: the heap grew, " + grew
                : now.start() == was.get().start() && now.end() > was.get().end() ? "mprotect: the arena grew, " + grew
                : "the arena's mapping changed, " + grew;
    }

    /** The bytes around the block that no area of the earlier maps covered. */
    private static long newlyMapped(ProcMaps before, MapsEntry now, long block) {
        long low = now.start();
        long high = now.end();
        for (MapsEntry old : before.entries()) {
            if (old.end() <= block && old.end() > low) {
                low = old.end();
            }
            if (old.start() > block && old.start() < high) {
                high = old.start();
            }
        }
        return high - low;
    }

    private static String human(long bytes) {
        if (bytes % (1024 * KIB) == 0) {
            return bytes / (1024 * KIB) + " MiB";
        }
        if (bytes % KIB == 0) {
            return bytes / KIB + " KiB";
        }
        return bytes + " B";
    }
}
