package mmapkit.faults.sim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Physical memory: a fixed number of frames, each holding one page or none. Frames are numbered
 * from 0; {@link Step#NONE} means "no page" (a free frame). Given code.
 */
public final class Frames {

    private final int[] pageInFrame;

    /** Made by the {@link Pager}, which checks {@code count}. */
    Frames(int count) {
        pageInFrame = new int[count];
        java.util.Arrays.fill(pageInFrame, Step.NONE);
    }

    /** How many frames there are. */
    public int count() {
        return pageInFrame.length;
    }

    /** The page in {@code frame}, or {@link Step#NONE} when the frame is free. */
    public int pageIn(int frame) {
        Checks.index("frame", frame, pageInFrame.length);
        return pageInFrame[frame];
    }

    /** Whether {@code frame} holds no page. */
    public boolean isFree(int frame) {
        return pageIn(frame) == Step.NONE;
    }

    /** The lowest-numbered free frame, or {@link Step#NONE} when every frame holds a page. */
    public int firstFree() {
        for (int frame = 0; frame < pageInFrame.length; frame++) {
            if (pageInFrame[frame] == Step.NONE) {
                return frame;
            }
        }
        return Step.NONE;
    }

    /** Puts {@code page} into {@code frame}, which must be free. */
    public void place(int frame, int page) {
        Checks.notNegative("page", page);
        if (!isFree(frame)) {
            throw new IllegalStateException("frame " + frame + " still holds page " + pageInFrame[frame]
                    + ": free it before loading page " + page);
        }
        pageInFrame[frame] = page;
    }

    /** Frees {@code frame}. */
    public void free(int frame) {
        Checks.index("frame", frame, pageInFrame.length);
        pageInFrame[frame] = Step.NONE;
    }

    /** The page in each frame, by frame number, {@link Step#NONE} for a free frame: a copy. */
    public List<Integer> snapshot() {
        List<Integer> pages = new ArrayList<>(pageInFrame.length);
        for (int page : pageInFrame) {
            pages.add(page);
        }
        return Collections.unmodifiableList(pages);
    }
}
