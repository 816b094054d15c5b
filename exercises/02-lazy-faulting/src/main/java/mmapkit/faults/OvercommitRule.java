package mmapkit.faults;

/**
 * The rule of the overcommit mode that decides whether a private writable anonymous mapping is
 * granted, and what it predicts.
 */
public enum OvercommitRule {
    /** Mode 0 or 1 with {@code MAP_NORESERVE}: the mapping is not charged, so nothing is checked. */
    NORESERVE_NOT_CHARGED(true, "MAP_NORESERVE in mode 0 or 1: the mapping is not charged, nothing is checked"),
    /** Mode 0: a mapping no larger than RAM plus swap is granted, whatever is committed already. */
    HEURISTIC_FITS(true, "mode 0: a single mapping no larger than RAM + swap is granted"),
    /** Mode 0: a single mapping larger than RAM plus swap is refused. */
    HEURISTIC_TOO_LARGE(false, "mode 0: a single mapping larger than RAM + swap is refused (ENOMEM)"),
    /** Mode 1: every mapping is granted. */
    ALWAYS_GRANTED(true, "mode 1: every mapping is granted"),
    /** Mode 2: Committed_AS plus the mapping stays within CommitLimit. */
    STRICT_WITHIN_LIMIT(true, "mode 2: Committed_AS + size stays within CommitLimit"),
    /** Mode 2: Committed_AS plus the mapping would pass CommitLimit; MAP_NORESERVE does not help. */
    STRICT_OVER_LIMIT(false, "mode 2: Committed_AS + size would pass CommitLimit (ENOMEM); MAP_NORESERVE is ignored"),
    /** {@code RLIMIT_AS} or {@code RLIMIT_DATA} of this process is below the size: refused in any mode. */
    PROCESS_LIMIT(false, "RLIMIT_AS or RLIMIT_DATA of this process is below the size: refused in any mode");

    private final boolean grants;
    private final String explanation;

    OvercommitRule(boolean grants, String explanation) {
        this.grants = grants;
        this.explanation = explanation;
    }

    /** Whether the rule grants the mapping. */
    public boolean grants() {
        return grants;
    }

    /** The rule in words. */
    public String explanation() {
        return explanation;
    }
}
