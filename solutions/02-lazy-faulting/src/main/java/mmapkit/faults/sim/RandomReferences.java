package mmapkit.faults.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Reference strings drawn from a seeded random generator: the same seed gives the same string,
 * on every machine and every JDK ({@link Random}'s algorithm is fixed by its specification).
 * Given code.
 *
 * <p>Two shapes:
 * <ul>
 *   <li>{@link #uniform}: every page equally likely at every step, the worst case for any
 *       policy: there is nothing to predict;</li>
 *   <li>{@link #drifting}: a program with locality. It touches only the pages of its working
 *       set, a window of {@code workingSetSize} consecutive pages, and the window moves one
 *       page up (wrapping around at the end) with probability {@code driftProbability} after
 *       each reference, like a program moving from one phase to the next.</li>
 * </ul>
 */
public final class RandomReferences {

    private RandomReferences() {
    }

    /**
     * {@code length} references to pages {@code 0..pageCount-1}, each page equally likely, each
     * reference a write with probability {@code writeProbability}.
     */
    public static ReferenceString uniform(long seed, int length, int pageCount, double writeProbability) {
        return drifting(seed, length, pageCount, pageCount, 0, writeProbability);
    }

    /**
     * {@code length} references with locality: a working set of {@code workingSetSize} consecutive
     * pages out of {@code pageCount}, starting at page 0, which moves up by one page with
     * probability {@code driftProbability} after each reference.
     */
    // tag::drifting[]
    public static ReferenceString drifting(long seed, int length, int pageCount, int workingSetSize,
                                           double driftProbability, double writeProbability) {
        Checks.positive("length", length);
        Checks.positive("pageCount", pageCount);
        Checks.positive("workingSetSize", workingSetSize);
        if (workingSetSize > pageCount) {
            throw new IllegalArgumentException("workingSetSize " + workingSetSize
                    + " must be at most pageCount " + pageCount);
        }
        if (pageCount - 1 > Reference.MAX_PAGE) {
            throw new IllegalArgumentException("pageCount " + pageCount + " must be at most " + (Reference.MAX_PAGE + 1));
        }
        Checks.probability("driftProbability", driftProbability);
        Checks.probability("writeProbability", writeProbability);

        Random random = new Random(seed);
        List<Reference> references = new ArrayList<>(length);
        int windowStart = 0;
        for (int i = 0; i < length; i++) {
            int page = (windowStart + random.nextInt(workingSetSize)) % pageCount;
            boolean write = random.nextDouble() < writeProbability;
            references.add(write ? Reference.write(page) : Reference.read(page));
            if (random.nextDouble() < driftProbability) {
                windowStart = (windowStart + 1) % pageCount;
            }
        }
        return new ReferenceString(references);
    }
    // end::drifting[]
}
