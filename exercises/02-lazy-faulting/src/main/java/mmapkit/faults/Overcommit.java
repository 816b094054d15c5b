package mmapkit.faults;

import static mmapkit.mapping.natives.MemoryMapCalls.MAP_NORESERVE;

import mmapkit.faults.natives.ResourceLimitCalls;
import mmapkit.mapping.natives.NativeCallException;
import mmapkit.mapping.proc.SystemMemory;


/**
 * Reserving memory: whether the kernel promises a private writable anonymous mapping, and why.
 *
 * <p>The promise (the commit charge) is taken at mmap, for the whole size, before any page is
 * touched: that is the moment an allocation can fail with ENOMEM. Shared mappings and read-only
 * private mappings are not charged, and neither, in modes 0 and 1, is a mapping made with
 * {@code MAP_NORESERVE}. Mode 2 charges it anyway.
 */
public final class Overcommit {

    private Overcommit() {
    }

    /**
     * The rule of {@code policy} that decides a private writable anonymous mapping of {@code bytes},
     * given the counters in {@code memory}: in mode 0 a size above RAM plus swap is refused; in mode 2
     * a size that would take {@code Committed_AS} past {@code CommitLimit} is refused, with or without
     * {@code MAP_NORESERVE}. (Mode 2 keeps a small reserve for root and other processes; the rule does
     * not model it, so sizes close to the limit may be refused a little earlier.)
     *
     * @throws IllegalArgumentException for a size that is not positive
     */
    public static OvercommitRule ruleFor(OvercommitPolicy policy, SystemMemory memory, long bytes, boolean noReserve) {
        // TODO 02.4 (see hint 02.4)
        throw new UnsupportedOperationException("TODO 02.4: decide by mode, size and MAP_NORESERVE (see hint 02.4)");
    }

    /**
     * Asks mmap for a private writable anonymous mapping of {@code bytes}, with or without
     * {@code MAP_NORESERVE}, never touches it, unmaps it at once, and reports whether it was granted
     * together with the rule that explains the outcome ({@link OvercommitRule#PROCESS_LIMIT} when this
     * process's {@code RLIMIT_AS} or {@code RLIMIT_DATA} is below the size).
     *
     * @throws IllegalArgumentException for a size that is not a positive multiple of the page size
     * @throws NativeCallException      when mmap fails with another errno than ENOMEM
     */
    public static Reservation tryReserve(long bytes, boolean noReserve) {
        // TODO 02.4 (see hint 02.4)
        throw new UnsupportedOperationException("TODO 02.4: mmap, unmap, name the rule (see hint 02.4)");
    }

    /** Whether {@code RLIMIT_AS} or {@code RLIMIT_DATA} is finite and below {@code bytes}. */
    static boolean belowProcessLimit(long bytes) {
        for (int resource : new int[] {ResourceLimitCalls.RLIMIT_AS, ResourceLimitCalls.RLIMIT_DATA}) {
            long soft = ResourceLimitCalls.get(resource).soft();
            if (soft != ResourceLimitCalls.UNLIMITED && Long.compareUnsigned(soft, bytes) < 0) {
                return true;
            }
        }
        return false;
    }
}
