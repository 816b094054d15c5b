package mmapkit.faults.sim;

/**
 * Clock, or second chance: an approximation of LRU that needs only the referenced bit. A hand
 * goes round the frames. At the page under the hand: if its referenced bit is set, the page was
 * used since the hand last passed; clear the bit (its second chance) and move on; if the bit is
 * clear, that page is the victim: the new page is loaded into the victim's frame, and the hand
 * moves on to the next frame (so the new page is the last one the hand will reach again). If every
 * bit is set, the hand clears them all and comes back to where it started: Clock then behaves like
 * FIFO.
 *
 * <p>The hand starts at frame 0; frames are filled in order while some are free.
 */
public final class Clock implements ReplacementPolicy {

    /** The frame under the hand. */
    private int hand;

    @Override
    public String name() {
        return "Clock";
    }

    @Override
    public void reset(ReferenceString references, int frameCount) {
        hand = 0;
    }

    /** The frame the hand points at: where the next sweep starts. */
    public int hand() {
        return hand;
    }

    @Override
    public int chooseVictim(Frames frames, PageTable pageTable, int step) {
        // TODO 02.7 (see hint 02.7)
        throw new UnsupportedOperationException("TODO 02.7: sweep the hand over the frames (see hint 02.7)");
    }
}
