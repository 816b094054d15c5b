package mmapkit.faults.sim;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of one simulation: every step, and what the backing store was asked to do.
 * Given code.
 *
 * @param policy     the name of the replacement policy
 * @param frameCount how many frames the machine had
 * @param references the reference string played
 * @param steps      one step per reference, in order
 * @param pageIns    pages read from the backing store (one per fault)
 * @param writeBacks dirty victims written back to the backing store
 */
public record SimulationResult(String policy, int frameCount, ReferenceString references, List<Step> steps,
                               long pageIns, long writeBacks) {

    public SimulationResult {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(references, "references");
        steps = List.copyOf(steps);
    }

    /** References whose page was not present. */
    public long faults() {
        return steps.stream().filter(Step::fault).count();
    }

    /** References whose page was present. */
    public long hits() {
        return steps.stream().filter(Step::hit).count();
    }

    /** {@code "FIFO, 3 frames: 15 faults, 5 hits, 0 write-backs"}. */
    public String summary() {
        return policy + ", " + count(frameCount, "frame") + ": " + count(faults(), "fault") + ", " + count(hits(), "hit")
                + ", " + count(writeBacks, "write-back");
    }

    private static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    /** The step-by-step trace as an aligned text table: see {@link TraceTable}. */
    public String trace() {
        return TraceTable.render(this);
    }
}
