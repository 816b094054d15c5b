package mmapkit.faults.experiments;

import static mmapkit.mapping.natives.MemoryMapCalls.MAP_PRIVATE;
import static mmapkit.mapping.natives.MemoryMapCalls.MAP_SHARED;
import static mmapkit.mapping.natives.MemoryMapCalls.PROT_READ;
import static mmapkit.mapping.natives.MemoryMapCalls.PROT_WRITE;

import mmapkit.faults.Overcommit;
import mmapkit.faults.OvercommitPolicy;
import mmapkit.faults.Reservation;
import mmapkit.mapping.Pages;
import mmapkit.mapping.RawMapping;
import mmapkit.mapping.proc.SystemMemory;

/**
 * Experiment: overcommit. The mode and the counters of /proc/meminfo; a private writable mapping
 * larger than RAM plus swap asked for without and with MAP_NORESERVE, and the rule that decided;
 * and Committed_AS around a 1 GiB mapping that is never touched, private writable, read-only and
 * shared.
 */
public final class ReservingMemory {

    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;

    private ReservingMemory() {
    }

    public static void main(String[] args) {
        OvercommitPolicy policy = OvercommitPolicy.current();
        SystemMemory memory = SystemMemory.current();
        System.out.printf("vm.overcommit_memory %s, overcommit_ratio %d, overcommit_kbytes %d%n", policy.modeName(),
                policy.ratio(), policy.kbytes());
        System.out.printf("MemTotal %,d MiB, SwapTotal %,d MiB, CommitLimit %,d MiB, Committed_AS %,d MiB%n",
                memory.memTotal() / MIB, memory.swapTotal() / MIB, memory.commitLimit() / MIB,
                memory.committedAs() / MIB);

        long huge = roundUp(2 * Math.max(memory.ramPlusSwap(), memory.commitLimit()));
        System.out.println();
        System.out.printf("== a private writable mapping of %,d MiB (twice RAM + swap), never touched ==%n",
                huge / MIB);
        // tag::reserve[]
        Reservation charged = Overcommit.tryReserve(huge, false);
        Reservation notCharged = Overcommit.tryReserve(huge, true);
        // end::reserve[]
        for (Reservation reservation : new Reservation[] {charged, notCharged}) {
            System.out.printf("%-22s %s%n", reservation.noReserve() ? "with MAP_NORESERVE:" : "without MAP_NORESERVE:",
                    reservation.granted() ? "granted" : "refused (" + reservation.errnoName() + ")");
            System.out.printf("%-22s rule: %s%n", "", reservation.rule().explanation());
        }

        System.out.println();
        System.out.println("== Committed_AS around 1 GiB mappings that are never touched ==");
        commitOf("private, writable", PROT_READ | PROT_WRITE, MAP_PRIVATE);
        commitOf("private, read-only", PROT_READ, MAP_PRIVATE);
        commitOf("shared, writable", PROT_READ | PROT_WRITE, MAP_SHARED);
        System.out.println("(Committed_AS is system-wide: other processes move it too, by a few MiB.)");

        System.out.println();
        System.out.println(switch (policy.mode()) {
            case OvercommitPolicy.HEURISTIC -> "This kernel runs mode 0: only a single mapping larger than RAM + swap\n"
                    + "is refused, and MAP_NORESERVE skips even that check.";
            case OvercommitPolicy.ALWAYS -> "This kernel runs mode 1: every mapping is granted; memory runs out at\n"
                    + "the touch instead.";
            default -> "This kernel runs mode 2: every charged mapping must fit under CommitLimit,\n"
                    + "MAP_NORESERVE or not.";
        });
        System.out.println("The charge is taken at mmap for the whole size, touched or not. Shared anonymous memory");
        System.out.println("is charged too (it lives in shmem); a private read-only mapping is not.");
    }

    private static void commitOf(String what, int prot, int flags) {
        long before = SystemMemory.current().committedAs();
        try (RawMapping mapping = RawMapping.anonymous(GIB, prot, flags)) {
            long during = SystemMemory.current().committedAs();
            System.out.printf("%-19s Committed_AS %+,6d MiB after mmap of %,d MiB%n", what + ":",
                    (during - before) / MIB, mapping.length() / MIB);
        }
    }

    private static long roundUp(long bytes) {
        return (bytes + Pages.size() - 1) / Pages.size() * Pages.size();
    }
}
