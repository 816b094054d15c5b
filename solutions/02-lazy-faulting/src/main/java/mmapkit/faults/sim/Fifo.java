package mmapkit.faults.sim;

import java.util.ArrayDeque;

/**
 * First in, first out: the victim is the page that has been in memory longest, however often it
 * is used. Simple, and blind: it may evict the page used most. It is also the policy that shows
 * Belady's anomaly: more frames can mean more faults.
 */
public final class Fifo implements ReplacementPolicy {

    // SOLUTION-BEGIN 02.6
    /** Present pages, oldest first. */
    private final ArrayDeque<Integer> loadOrder = new ArrayDeque<>();
    // SOLUTION-STUB
    // // TODO 02.6: a field that remembers the order in which the present pages were loaded
    // SOLUTION-END

    @Override
    public String name() {
        return "FIFO";
    }

    @Override
    public void reset(ReferenceString references, int frameCount) {
        // SOLUTION-BEGIN 02.6
        loadOrder.clear();
        // SOLUTION-END
    }

    @Override
    public void loaded(int page, int frame, int step) {
        // SOLUTION-BEGIN 02.6
        loadOrder.addLast(page);
        // SOLUTION-END
    }

    @Override
    public int chooseVictim(Frames frames, PageTable pageTable, int step) {
        // SOLUTION-BEGIN 02.6
        return loadOrder.removeFirst();
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 02.6: evict the page that was loaded first (see hint 02.6)");
        // SOLUTION-END
    }
}
