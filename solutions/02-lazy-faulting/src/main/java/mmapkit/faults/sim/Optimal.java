package mmapkit.faults.sim;

/**
 * Belady's optimal policy (OPT, or MIN): the victim is the present page whose next use lies
 * farthest in the future, or that is never used again. No policy faults less, which makes OPT
 * the yardstick for the others; no real system can run it, since it must know the future.
 *
 * <p>Ties: when several present pages are never used again, the one in the lowest-numbered frame
 * is evicted. (Two pages cannot share a next use, since each reference names one page.)
 */
public final class Optimal implements ReplacementPolicy {

    /** The whole reference string, which OPT reads ahead. */
    private ReferenceString references;

    @Override
    public String name() {
        return "OPT";
    }

    @Override
    public void reset(ReferenceString references, int frameCount) {
        this.references = references;
    }

    @Override
    public int chooseVictim(Frames frames, PageTable pageTable, int step) {
        if (references == null) {
            throw new IllegalStateException("OPT needs the whole reference string: call reset(references, frameCount) first");
        }
        // SOLUTION-BEGIN 02.7
        int victim = Step.NONE;
        int farthest = -1;
        for (int frame = 0; frame < frames.count(); frame++) { // lowest frame first: it wins ties
            int page = frames.pageIn(frame);
            int next = nextUse(page, step);
            if (next > farthest) {
                farthest = next;
                victim = page;
            }
        }
        return victim;
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 02.7: evict the page used farthest in the future (see hint 02.7)");
        // SOLUTION-END
    }

    // SOLUTION-BEGIN 02.7
    /** The index of the next reference to {@code page} after {@code step}, or {@code Integer.MAX_VALUE} for never. */
    private int nextUse(int page, int step) {
        for (int i = step + 1; i < references.length(); i++) {
            if (references.get(i).page() == page) {
                return i;
            }
        }
        return Integer.MAX_VALUE;
    }
    // SOLUTION-END
}
