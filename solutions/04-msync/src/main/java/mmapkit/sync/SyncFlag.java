package mmapkit.sync;

import mmapkit.sync.natives.SyncCalls;

import java.util.Set;

/**
 * The flags of {@code msync(2)}. A call takes exactly one of {@link #SYNC} or {@link #ASYNC}, and
 * {@link #INVALIDATE} optionally; {@link Msync} refuses any other combination before calling the
 * kernel.
 *
 * <p>What Linux does with them (see {@code mm/msync.c}): {@code SYNC} writes the dirty pages of
 * the range to the file and waits until the device has them, for shared mappings of a file only;
 * {@code ASYNC} does nothing, because the kernel tracks dirty pages anyway and writes them back on
 * its own schedule; {@code INVALIDATE} does nothing beyond failing with EBUSY on a locked range,
 * because every mapping of a file already shares the page cache's pages.
 */
public enum SyncFlag {
    /** {@code MS_SYNC}: write the range back and wait. */
    SYNC(SyncCalls.MS_SYNC),
    /** {@code MS_ASYNC}: "schedule" the write-back; a no-op on Linux. */
    ASYNC(SyncCalls.MS_ASYNC),
    /** {@code MS_INVALIDATE}: drop other cached copies; a no-op on Linux apart from EBUSY on locked memory. */
    INVALIDATE(SyncCalls.MS_INVALIDATE);

    private final int bit;

    SyncFlag(int bit) {
        this.bit = bit;
    }

    /** The flag's value in C. */
    public int bit() {
        return bit;
    }

    /** The C value of a set of flags: {@code MS_SYNC | MS_INVALIDATE} is 6. */
    public static int bits(Set<SyncFlag> flags) {
        int bits = 0;
        for (SyncFlag flag : flags) {
            bits |= flag.bit;
        }
        return bits;
    }
}
