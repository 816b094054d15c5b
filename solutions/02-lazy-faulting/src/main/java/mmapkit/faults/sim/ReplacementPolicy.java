package mmapkit.faults.sim;

/**
 * A page-replacement policy: when a page fault finds every frame taken, it chooses the page
 * that leaves. The {@link Pager} tells it what happens (pages loaded, pages accessed), so that
 * it can keep whatever it needs to decide.
 *
 * <p>To add a policy, implement {@link #name()} and {@link #chooseVictim}, and override the
 * notifications you need. One instance serves one simulation at a time; {@link Simulator#run}
 * calls {@link #reset} first, so an instance can be reused for the next run.
 */
// tag::policy-interface[]
public interface ReplacementPolicy {

    /** A short name for tables: {@code "FIFO"}. */
    String name();

    /** A new run starts: forget everything; {@code references} is the whole string (only OPT may look ahead). */
    default void reset(ReferenceString references, int frameCount) {
    }

    /** On a fault, {@code page} was loaded into {@code frame}; {@code step} is the reference's index. */
    default void loaded(int page, int frame, int step) {
    }

    /** {@code page} was accessed at {@code step} (every reference, hit or fault, once the page is present). */
    default void accessed(int page, int step) {
    }

    /**
     * Every frame is taken and the page referenced at {@code step} is not present: return the
     * present page that must leave. The pager evicts exactly that page, so the policy may update
     * its own records as if it were gone already.
     */
    int chooseVictim(Frames frames, PageTable pageTable, int step);
}
// end::policy-interface[]
