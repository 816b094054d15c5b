package mmapkit.faults;

import mmapkit.mapping.proc.SystemMemory;

/**
 * What {@link Overcommit#tryReserve} saw: whether mmap granted a private writable anonymous mapping
 * of {@code bytes}, and the rule of the overcommit mode that explains the outcome.
 *
 * @param bytes     the size asked for
 * @param noReserve whether {@code MAP_NORESERVE} was given
 * @param granted   whether mmap succeeded
 * @param errnoName the errno when it failed ({@code ENOMEM}), empty when granted
 * @param policy    the overcommit settings at the time
 * @param before    the system's memory counters just before the call
 * @param rule      the rule that predicts the outcome for these settings and counters
 */
public record Reservation(long bytes, boolean noReserve, boolean granted, String errnoName, OvercommitPolicy policy,
                          SystemMemory before, OvercommitRule rule) {

    /** Whether the outcome is what the rule predicts. */
    public boolean asPredicted() {
        return granted == rule.grants();
    }

    @Override
    public String toString() {
        return (granted ? "granted" : "refused (" + errnoName + ")") + ", " + (bytes >> 20) + " MiB"
                + (noReserve ? " with MAP_NORESERVE" : "") + " - " + rule.explanation();
    }
}
