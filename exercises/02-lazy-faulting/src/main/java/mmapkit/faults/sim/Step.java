package mmapkit.faults.sim;

import java.util.List;
import java.util.Objects;

/**
 * What one reference did: a hit, or a fault (with the victim the policy chose, if every frame
 * was taken), and the page in each frame afterwards.
 *
 * @param index             the position of the reference in the string, from 0
 * @param reference         the page referenced, and whether it was a write
 * @param fault             whether the page was not present (a page fault) rather than a hit
 * @param victim            the page evicted to make room, or {@link #NONE} (a hit, or a fault that found a free frame)
 * @param victimWrittenBack whether the victim was dirty and had to be written back before its frame was reused
 * @param frames            the page in each frame after the step, by frame number, {@link #NONE} for a free frame
 */
public record Step(int index, Reference reference, boolean fault, int victim, boolean victimWrittenBack, List<Integer> frames) {

    /** "No page" or "no frame": a free frame, a step without a victim, an entry without a frame. */
    public static final int NONE = -1;

    public Step {
        Checks.notNegative("index", index);
        Objects.requireNonNull(reference, "reference");
        frames = List.copyOf(frames);
        if (victim != NONE && !fault) {
            throw new IllegalArgumentException("step " + index + ": a hit evicts no page, yet victim is " + victim);
        }
        if (victimWrittenBack && victim == NONE) {
            throw new IllegalArgumentException("step " + index + ": only a victim can be written back, and there is none");
        }
    }

    /** Whether the page was already present. */
    public boolean hit() {
        return !fault;
    }

    /** Whether a page had to leave its frame for this one. */
    public boolean hasVictim() {
        return victim != NONE;
    }
}
