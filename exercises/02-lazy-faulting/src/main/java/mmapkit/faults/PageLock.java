package mmapkit.faults;

import mmapkit.faults.natives.LockCalls;
import mmapkit.mapping.Pages;

/**
 * Pages of a mapping locked in RAM by {@link PageControl#lock}; {@link #close()} unlocks them
 * ({@code munlock}). Closing twice does nothing. Unmapping the pages unlocks them too, so close the
 * lock before the mapping.
 */
public final class PageLock implements AutoCloseable {

    private final long address;
    private final long length;
    private final LockMode mode;
    private boolean locked = true;

    /** A lock the caller has taken already, over {@code length} bytes from {@code address}. */
    PageLock(long address, long length, LockMode mode) {
        this.address = address;
        this.length = length;
        this.mode = mode;
    }

    /** The first locked byte: a page boundary. */
    public long address() {
        return address;
    }

    /** The bytes locked: whole pages. */
    public long length() {
        return length;
    }

    /** How many pages are locked. */
    public long pages() {
        return length / Pages.size();
    }

    /** How the pages were locked. */
    public LockMode mode() {
        return mode;
    }

    /** Whether {@link #close()} has not been called yet. */
    public synchronized boolean isLocked() {
        return locked;
    }

    /** Unlocks the pages: they may be evicted or swapped out again. */
    @Override
    public synchronized void close() {
        if (locked) {
            locked = false;
            if (length > 0) {
                LockCalls.munlock(address, length);
            }
        }
    }

    @Override
    public String toString() {
        return "PageLock[" + pages() + " pages at 0x" + Long.toHexString(address) + ", " + mode
                + (locked ? "" : ", unlocked") + "]";
    }
}
