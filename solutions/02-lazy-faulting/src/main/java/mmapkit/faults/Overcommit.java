package mmapkit.faults;

import static mmapkit.mapping.natives.MemoryMapCalls.MAP_ANONYMOUS;
import static mmapkit.mapping.natives.MemoryMapCalls.MAP_NORESERVE;
import static mmapkit.mapping.natives.MemoryMapCalls.MAP_PRIVATE;
import static mmapkit.mapping.natives.MemoryMapCalls.PROT_READ;
import static mmapkit.mapping.natives.MemoryMapCalls.PROT_WRITE;

import mmapkit.faults.natives.ResourceLimitCalls;
import mmapkit.mapping.Pages;
import mmapkit.mapping.natives.MemoryMapCalls;
import mmapkit.mapping.natives.NativeCallException;
import mmapkit.mapping.proc.SystemMemory;

import java.util.Objects;

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
        // SOLUTION-BEGIN 02.4
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(memory, "memory");
        if (bytes <= 0) {
            throw new IllegalArgumentException("bytes " + bytes + " must be positive: a mapping has at least one page");
        }
        if (policy.mode() == OvercommitPolicy.STRICT) { // mode 2 charges MAP_NORESERVE mappings too
            return memory.committedAs() + bytes > memory.commitLimit()
                    ? OvercommitRule.STRICT_OVER_LIMIT : OvercommitRule.STRICT_WITHIN_LIMIT;
        }
        if (noReserve) {
            return OvercommitRule.NORESERVE_NOT_CHARGED;
        }
        if (policy.mode() == OvercommitPolicy.ALWAYS) {
            return OvercommitRule.ALWAYS_GRANTED;
        }
        return bytes > memory.ramPlusSwap() ? OvercommitRule.HEURISTIC_TOO_LARGE : OvercommitRule.HEURISTIC_FITS;
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 02.4: decide by mode, size and MAP_NORESERVE (see hint 02.4)");
        // SOLUTION-END
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
        // SOLUTION-BEGIN 02.4
        if (bytes <= 0 || !Pages.isAligned(bytes)) {
            throw new IllegalArgumentException("bytes " + bytes + " must be a positive multiple of the page size "
                    + Pages.size());
        }
        OvercommitPolicy policy = OvercommitPolicy.current();
        SystemMemory before = SystemMemory.current();
        OvercommitRule rule = belowProcessLimit(bytes) ? OvercommitRule.PROCESS_LIMIT
                : ruleFor(policy, before, bytes, noReserve);
        int flags = MAP_PRIVATE | MAP_ANONYMOUS | (noReserve ? MAP_NORESERVE : 0);
        try {
            long address = MemoryMapCalls.mmap(0, bytes, PROT_READ | PROT_WRITE, flags, -1, 0);
            MemoryMapCalls.munmap(address, bytes); // granted: the charge is taken; give it back untouched
            return new Reservation(bytes, noReserve, true, "", policy, before, rule);
        } catch (NativeCallException e) {
            if (!e.errnoName().equals("ENOMEM")) {
                throw e;
            }
            return new Reservation(bytes, noReserve, false, e.errnoName(), policy, before, rule);
        }
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 02.4: mmap, unmap, name the rule (see hint 02.4)");
        // SOLUTION-END
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
