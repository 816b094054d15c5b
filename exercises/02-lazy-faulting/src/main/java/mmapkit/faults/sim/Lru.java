package mmapkit.faults.sim;


/**
 * Least recently used: the victim is the present page whose last access lies furthest in the
 * past, on the bet that the recent past predicts the near future. Real kernels cannot afford to
 * record every access and approximate it (Clock, Linux's active and inactive lists).
 */
public final class Lru implements ReplacementPolicy {

    // TODO 02.6 (see hint 02.6)
    // TODO 02.6: a field that remembers when each page was last accessed

    @Override
    public String name() {
        return "LRU";
    }

    @Override
    public void reset(ReferenceString references, int frameCount) {
    }

    @Override
    public void accessed(int page, int step) {
    }

    @Override
    public int chooseVictim(Frames frames, PageTable pageTable, int step) {
        // TODO 02.6 (see hint 02.6)
        throw new UnsupportedOperationException("TODO 02.6: evict the page used least recently (see hint 02.6)");
    }
}
