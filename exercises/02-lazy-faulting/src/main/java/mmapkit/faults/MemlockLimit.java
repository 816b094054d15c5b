package mmapkit.faults;

import mmapkit.faults.natives.ResourceLimitCalls;
import mmapkit.mapping.proc.ProcStatus;

/**
 * How much memory this process may lock: its {@code RLIMIT_MEMLOCK} (in bytes, -1 for unlimited)
 * and whether it has {@code CAP_IPC_LOCK}, with which the limit does not apply.
 *
 * <p>The default soft and hard limit is 8 MiB since Linux 5.16 (64 KiB before, often raised by
 * distributions); {@code ulimit -l} shows it in KiB.
 *
 * @param soft       the soft limit the kernel enforces, -1 for unlimited
 * @param hard       the ceiling for the soft limit, -1 for unlimited
 * @param capIpcLock whether the effective capabilities hold {@code CAP_IPC_LOCK}
 */
public record MemlockLimit(long soft, long hard, boolean capIpcLock) {

    /** The number of {@code CAP_IPC_LOCK} in the capability masks of {@code /proc/PID/status}. */
    public static final int CAP_IPC_LOCK = 14;

    /** This process's limit and capability now. */
    public static MemlockLimit current() {
        ResourceLimitCalls.Limit limit = ResourceLimitCalls.get(ResourceLimitCalls.RLIMIT_MEMLOCK);
        return new MemlockLimit(limit.soft(), limit.hard(), ProcStatus.hasEffectiveCapability(CAP_IPC_LOCK));
    }

    /** Whether locking more than {@link #soft()} bytes fails: no {@code CAP_IPC_LOCK} and a finite limit. */
    public boolean applies() {
        return !capIpcLock && soft != ResourceLimitCalls.UNLIMITED;
    }

    /** A limit as people read it: {@code 8 MiB}, {@code 64 KiB}, {@code unlimited}. */
    public static String describe(long bytes) {
        if (bytes == ResourceLimitCalls.UNLIMITED) {
            return "unlimited";
        }
        if (bytes >= 1 << 20 && bytes % (1 << 20) == 0) {
            return (bytes >> 20) + " MiB";
        }
        return bytes % 1024 == 0 ? (bytes >> 10) + " KiB" : bytes + " bytes";
    }

    @Override
    public String toString() {
        return "RLIMIT_MEMLOCK soft " + describe(soft) + ", hard " + describe(hard) + ", CAP_IPC_LOCK "
                + (capIpcLock ? "yes" : "no");
    }
}
