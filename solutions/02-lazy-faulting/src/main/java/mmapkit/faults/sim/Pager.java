package mmapkit.faults.sim;

import java.util.Objects;

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
        // SOLUTION-BEGIN 02.6
        Checks.positive("pageCount", pageCount);
        Checks.positive("frameCount", frameCount);
        if (pageCount - 1 > Reference.MAX_PAGE) {
            throw new IllegalArgumentException("pageCount " + pageCount + " must be at most " + (Reference.MAX_PAGE + 1));
        }
        Objects.requireNonNull(policy, "policy");
        // SOLUTION-STUB
        // // TODO 02.6: refuse a pageCount or frameCount that is not positive (see Checks), and a null policy
        // SOLUTION-END
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
        // SOLUTION-BEGIN 02.6
        Objects.requireNonNull(reference, "reference");
        PageTableEntry entry = pageTable.entry(reference.page());
        boolean fault = !entry.isPresent();
        int victim = Step.NONE;
        boolean writtenBack = false;
        if (fault) {
            int frame = frames.firstFree();
            if (frame == Step.NONE) {
                victim = policy.chooseVictim(frames, pageTable, step);
                PageTableEntry victimEntry = pageTable.entry(victim);
                if (!victimEntry.isPresent()) {
                    throw new IllegalStateException(policy.name() + " chose page " + victim
                            + " as the victim, but it is not present: a victim must be in a frame");
                }
                if (victimEntry.isDirty()) {
                    backingStore.writeBack(victim); // before the frame is reused, or the write is lost
                    writtenBack = true;
                }
                frame = victimEntry.frame();
                victimEntry.unmap();
                frames.free(frame);
            }
            backingStore.pageIn(reference.page());
            frames.place(frame, reference.page());
            entry.map(frame);
            policy.loaded(reference.page(), frame, step);
        }
        entry.setReferenced(true);
        if (reference.isWrite()) {
            entry.setDirty(true);
        }
        policy.accessed(reference.page(), step);
        return new Step(step, reference, fault, victim, writtenBack, frames.snapshot());
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 02.6: handle a hit or a page fault (see hint 02.6)");
        // SOLUTION-END
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
