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
        // TODO 02.7 (see hint 02.7)
        throw new UnsupportedOperationException("TODO 02.7: evict the page used farthest in the future (see hint 02.7)");
    }

}
