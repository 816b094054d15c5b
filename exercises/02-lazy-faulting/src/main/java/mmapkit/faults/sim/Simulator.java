package mmapkit.faults.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Runs a whole reference string through a fresh {@link Pager} and collects what every step did.
 * Given code.
 */
public final class Simulator {

    private Simulator() {
    }

    /**
     * Plays {@code references} on a machine with {@code frameCount} frames, all free at the start,
     * and a page table just large enough for the largest page referenced.
     *
     * @throws IllegalArgumentException when {@code frameCount} is not positive
     */
    // tag::run[]
    public static SimulationResult run(ReplacementPolicy policy, int frameCount, ReferenceString references) {
        Objects.requireNonNull(references, "references");
        Pager pager = new Pager(references.maxPage() + 1, frameCount, policy);
        policy.reset(references, frameCount);
        List<Step> steps = new ArrayList<>(references.length());
        for (int i = 0; i < references.length(); i++) {
            steps.add(pager.access(references.get(i), i));
        }
        BackingStore disk = pager.backingStore();
        return new SimulationResult(policy.name(), frameCount, references, steps, disk.pageIns(), disk.writeBacks());
    }
    // end::run[]

    /** {@link #run(ReplacementPolicy, int, ReferenceString)} on {@link ReferenceString#parse parsed} text. */
    public static SimulationResult run(ReplacementPolicy policy, int frameCount, String references) {
        return run(policy, frameCount, ReferenceString.parse(references));
    }
}
