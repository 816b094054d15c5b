package mmapkit.faults.sim;

/**
 * The page-table entry of one virtual page, with the bits the hardware and the kernel keep:
 * <ul>
 *   <li><b>present</b>: the page is in a physical frame, and {@link #frame()} says which one;
 *       a reference to a page that is not present is a page fault;</li>
 *   <li><b>referenced</b> (the "accessed" bit of x86): set by every access; replacement
 *       policies such as Clock clear it to see whether the page is used again;</li>
 *   <li><b>dirty</b>: set by every write; a dirty page must be written back to the backing
 *       store before its frame can be given to another page.</li>
 * </ul>
 * Given code: the fault handler ({@link Pager}) sets and clears these bits.
 */
public final class PageTableEntry {

    private final int page;
    private boolean present;
    private boolean referenced;
    private boolean dirty;
    private int frame = Step.NONE;

    PageTableEntry(int page) {
        this.page = page;
    }

    /** The virtual page this entry describes. */
    public int page() {
        return page;
    }

    /** Whether the page is in a frame. */
    public boolean isPresent() {
        return present;
    }

    /** Whether the page was accessed since the bit was last cleared. */
    public boolean isReferenced() {
        return referenced;
    }

    /** Whether the page was written since it was loaded. */
    public boolean isDirty() {
        return dirty;
    }

    /** The frame holding the page, or {@link Step#NONE} when it is not present. */
    public int frame() {
        return frame;
    }

    public void setReferenced(boolean referenced) {
        this.referenced = referenced;
    }

    public void setDirty(boolean dirty) {
        this.dirty = dirty;
    }

    /** The page was loaded into {@code frame}: present, clean, not yet referenced. */
    public void map(int frame) {
        Checks.notNegative("frame", frame);
        this.frame = frame;
        this.present = true;
        this.referenced = false;
        this.dirty = false;
    }

    /** The page left its frame: not present, no frame, all bits cleared. */
    public void unmap() {
        this.frame = Step.NONE;
        this.present = false;
        this.referenced = false;
        this.dirty = false;
    }

    /** {@code "page 3: present in frame 1, referenced, dirty"} or {@code "page 3: not present"}. */
    @Override
    public String toString() {
        if (!present) {
            return "page " + page + ": not present";
        }
        return "page " + page + ": present in frame " + frame + (referenced ? ", referenced" : "") + (dirty ? ", dirty" : "");
    }
}
