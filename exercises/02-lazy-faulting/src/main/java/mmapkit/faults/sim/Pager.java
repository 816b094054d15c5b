package mmapkit.faults.sim;


/**
 * The fault handler of a small machine: a page table of {@code pageCount} virtual pages,
 * {@code frameCount} physical frames, a backing store, and a replacement policy that picks the
 * victim when every frame is taken.
 *
 * <p>{@link #access} plays one reference, as the MMU and the kernel would:
 * <ol>
 *   <li>if the page is present, it is a hit;</li>
 *   <li>otherwise it is a page fault: take the lowest-numbered free frame or, when there is
 *       none, ask the policy for a victim; write the victim back if it is dirty; clear its
 *       present bit and free its frame; read the page in from the backing store, put it in the
 *       frame and set its present bit; tell the policy it was loaded;</li>
 *   <li>either way, set the page's referenced bit, set its dirty bit on a write, and tell the
 *       policy the page was accessed.</li>
 * </ol>
 */
public final class Pager {

    private final PageTable pageTable;
    private final Frames frames;
    private final BackingStore backingStore = new BackingStore();
    private final ReplacementPolicy policy;

    /**
     * A machine with every page not present and every frame free.
     *
     * @throws IllegalArgumentException when {@code pageCount} or {@code frameCount} is not positive
     *                                  ({@code "frameCount 0 must be positive"}), or {@code pageCount}
     *                                  is above {@code Reference.MAX_PAGE + 1}
     */
    public Pager(int pageCount, int frameCount, ReplacementPolicy policy) {
        // TODO 02.6 (see hint 02.6)
        // TODO 02.6: refuse a pageCount or frameCount that is not positive (see Checks), and a null policy
        this.pageTable = new PageTable(pageCount);
        this.frames = new Frames(frameCount);
        this.policy = policy;
    }

    /**
     * Plays one reference through the fault handler and returns what happened.
     *
     * @param reference the page and whether it is written
     * @param step      the index of the reference in its string, from 0 (policies use it as a clock)
     * @throws IllegalArgumentException when the page is outside the page table
     * @throws IllegalStateException    when the policy picks a page that is not present
     */
    public Step access(Reference reference, int step) {
        // TODO 02.6 (see hint 02.6)
        throw new UnsupportedOperationException("TODO 02.6: handle a hit or a page fault (see hint 02.6)");
    }

    /** The page table: one entry per virtual page. */
    public PageTable pageTable() {
        return pageTable;
    }

    /** The physical frames. */
    public Frames frames() {
        return frames;
    }

    /** The backing store, with its page-in and write-back counts. */
    public BackingStore backingStore() {
        return backingStore;
    }

    /** The replacement policy. */
    public ReplacementPolicy policy() {
        return policy;
    }
}
