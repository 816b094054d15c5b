package mmapkit.faults.sim;


/**
 * First in, first out: the victim is the page that has been in memory longest, however often it
 * is used. Simple, and blind: it may evict the page used most. It is also the policy that shows
 * Belady's anomaly: more frames can mean more faults.
 */
public final class Fifo implements ReplacementPolicy {

    // TODO 02.6 (see hint 02.6)
    // TODO 02.6: a field that remembers the order in which the present pages were loaded

    @Override
    public String name() {
        return "FIFO";
    }

    @Override
    public void reset(ReferenceString references, int frameCount) {
    }

    @Override
    public void loaded(int page, int frame, int step) {
    }

    @Override
    public int chooseVictim(Frames frames, PageTable pageTable, int step) {
        // TODO 02.6 (see hint 02.6)
        throw new UnsupportedOperationException("TODO 02.6: evict the page that was loaded first (see hint 02.6)");
    }
}
