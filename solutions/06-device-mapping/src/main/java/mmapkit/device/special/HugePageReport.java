package mmapkit.device.special;

/**
 * What the kernel granted for a huge-page request, read from {@code /proc/self/smaps} at the time
 * of the report, never assumed from a setting: a request is only a request.
 *
 * @param kind           how the huge pages were asked for
 * @param outcome        what the kernel did
 * @param requestedBytes the bytes of the region
 * @param grantedBytes   the bytes of it that are huge pages now ({@code AnonHugePages} for
 *                       transparent huge pages, {@code Private_Hugetlb + Shared_Hugetlb} for hugetlb)
 * @param reason         the evidence, in words: the smaps values and the settings that explain them
 */
public record HugePageReport(Kind kind, Outcome outcome, long requestedBytes, long grantedBytes, String reason) {

    /** How the huge pages were asked for. */
    public enum Kind {
        /** Anonymous memory marked with {@code madvise(MADV_HUGEPAGE)}: the kernel may or may not oblige. */
        TRANSPARENT,
        /** {@code mmap(MAP_HUGETLB)}: pages of the reserved pool, or a refusal at mmap time. */
        HUGETLB
    }

    /** What the kernel did. */
    public enum Outcome {
        /** All of the region is huge pages. */
        GRANTED,
        /** Some of it is. */
        PARTLY_GRANTED,
        /** None of it is (yet): the reason says what the settings and smaps show. */
        NOT_GRANTED,
        /** This kernel, as configured, gives none: the reason names the setting. */
        UNSUPPORTED
    }

    @Override
    public String toString() {
        return kind + " " + outcome + ": " + grantedBytes + " of " + requestedBytes + " bytes (" + reason + ")";
    }
}
