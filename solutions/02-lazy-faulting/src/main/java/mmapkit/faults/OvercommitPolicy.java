package mmapkit.faults;

import mmapkit.mapping.proc.Sysctl;


/**
 * The kernel's overcommit settings ({@code vm.overcommit_memory}, {@code vm.overcommit_ratio},
 * {@code vm.overcommit_kbytes}): whether a new private writable mapping may be promised more memory
 * than there is.
 *
 * <ul>
 * <li>0, heuristic (the default): refuses only a single mapping larger than RAM plus swap.
 * <li>1, always: never refuses.
 * <li>2, strict: refuses when {@code Committed_AS} would pass {@code CommitLimit}, which is
 *     {@code overcommit_kbytes} (when not 0) or {@code overcommit_ratio} percent of RAM (without
 *     huge pages), plus swap.
 * </ul>
 *
 * @param mode   0, 1 or 2
 * @param ratio  {@code overcommit_ratio}, percent of RAM (mode 2 only)
 * @param kbytes {@code overcommit_kbytes}, 0 unless set (mode 2 only; wins over the ratio)
 */
public record OvercommitPolicy(int mode, int ratio, long kbytes) {

    /** Heuristic overcommit, the default. */
    public static final int HEURISTIC = 0;
    /** Always overcommit: every mapping is granted. */
    public static final int ALWAYS = 1;
    /** Strict accounting: nothing beyond CommitLimit. */
    public static final int STRICT = 2;

    public OvercommitPolicy {
        if (mode < HEURISTIC || mode > STRICT) {
            throw new IllegalArgumentException("overcommit mode " + mode + " is not 0, 1 or 2");
        }
    }

    /** The settings now. */
    public static OvercommitPolicy current() {
        return new OvercommitPolicy((int) read("overcommit_memory"), (int) read("overcommit_ratio"),
                read("overcommit_kbytes"));
    }

    /** {@code 0 (heuristic)}, {@code 1 (always)}, {@code 2 (strict)}. */
    public String modeName() {
        return mode + switch (mode) {
            case HEURISTIC -> " (heuristic)";
            case ALWAYS -> " (always)";
            default -> " (strict)";
        };
    }

    private static long read(String name) {
        return Sysctl.readLong("vm/" + name);
    }
}
