package mmapkit.faults.sim;

/**
 * The disk behind the pages (a file, or swap): it counts what the fault handler asks of it.
 * A page-in reads a page into a frame on a fault; a write-back writes a dirty page to disk
 * before its frame is given to another page. Given code.
 */
public final class BackingStore {

    private long pageIns;
    private long writeBacks;

    BackingStore() {
    }

    /** Reads {@code page} from disk into memory. */
    public void pageIn(int page) {
        Checks.notNegative("page", page);
        pageIns++;
    }

    /** Writes the dirty {@code page} back to disk. */
    public void writeBack(int page) {
        Checks.notNegative("page", page);
        writeBacks++;
    }

    /** Pages read so far. */
    public long pageIns() {
        return pageIns;
    }

    /** Dirty pages written back so far. */
    public long writeBacks() {
        return writeBacks;
    }
}
