package mmapkit.faults;

import mmapkit.faults.natives.AdviceCalls;

/** The {@code madvise(2)} hints the kit gives, with their numbers. */
public enum Advice {
    /** {@code MADV_NORMAL}: the default readahead. */
    NORMAL(AdviceCalls.MADV_NORMAL),
    /** {@code MADV_RANDOM}: no readahead: a fault on a file reads just what it needs. */
    RANDOM(AdviceCalls.MADV_RANDOM),
    /** {@code MADV_SEQUENTIAL}: read ahead aggressively; pages already read may be dropped soon. */
    SEQUENTIAL(AdviceCalls.MADV_SEQUENTIAL),
    /** {@code MADV_WILLNEED}: start reading the range into the page cache now (it does not map it). */
    WILLNEED(AdviceCalls.MADV_WILLNEED),
    /**
     * {@code MADV_DONTNEED}: drop this mapping's page table entries now. Shared file mappings keep their
     * data (the page cache has it); private mappings lose their copies; anonymous memory reads zero after.
     */
    DONTNEED(AdviceCalls.MADV_DONTNEED);

    private final int value;

    Advice(int value) {
        this.value = value;
    }

    /** The number madvise takes, such as 1 for RANDOM. */
    public int value() {
        return value;
    }

    /** The C name, such as {@code MADV_RANDOM}. */
    public String cName() {
        return AdviceCalls.adviceName(value);
    }
}
