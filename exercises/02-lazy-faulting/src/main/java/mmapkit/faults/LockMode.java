package mmapkit.faults;

/** How {@link PageControl#lock} locks pages in RAM. */
public enum LockMode {
    /** {@code mlock}: fault every page of the range in now, and keep them all resident. */
    NOW,
    /**
     * {@code mlock2(MLOCK_ONFAULT)} (Linux 4.4): fault nothing in now; each page is locked when it is first
     * touched, and pages never touched take no RAM.
     */
    ON_FAULT
}
