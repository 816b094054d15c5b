package mmapkit.faults.sim;

import java.util.HashMap;
import java.util.Map;

/**
 * Least recently used: the victim is the present page whose last access lies furthest in the
 * past, on the bet that the recent past predicts the near future. Real kernels cannot afford to
 * record every access and approximate it (Clock, Linux's active and inactive lists).
 */
public final class Lru implements ReplacementPolicy {

    // SOLUTION-BEGIN 02.6
    /** The step of each page's latest access. */
    private final Map<Integer, Integer> lastAccess = new HashMap<>();
    // SOLUTION-STUB
    // // TODO 02.6: a field that remembers when each page was last accessed
    // SOLUTION-END

    @Override
    public String name() {
        return "LRU";
    }

    @Override
    public void reset(ReferenceString references, int frameCount) {
        // SOLUTION-BEGIN 02.6
        lastAccess.clear();
        // SOLUTION-END
    }

    @Override
    public void accessed(int page, int step) {
        // SOLUTION-BEGIN 02.6
        lastAccess.put(page, step);
        // SOLUTION-END
    }

    @Override
    public int chooseVictim(Frames frames, PageTable pageTable, int step) {
        // SOLUTION-BEGIN 02.6
        int victim = Step.NONE;
        int oldest = Integer.MAX_VALUE;
        for (int frame = 0; frame < frames.count(); frame++) {
            int page = frames.pageIn(frame);
            int last = lastAccess.getOrDefault(page, -1);
            if (last < oldest) {
                oldest = last;
                victim = page;
            }
        }
        return victim;
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 02.6: evict the page used least recently (see hint 02.6)");
        // SOLUTION-END
    }
}
