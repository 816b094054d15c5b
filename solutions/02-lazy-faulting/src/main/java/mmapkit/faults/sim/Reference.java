package mmapkit.faults.sim;

import mmapkit.faults.Access;

import java.util.Objects;

/**
 * One memory reference: the virtual page a program touches, and whether it reads or writes.
 * In a reference string a read is written as the page number ({@code 7}) and a write as the
 * page number with a {@code w} in front ({@code w7}); {@link #toString()} uses the same notation.
 *
 * @param page   the virtual page number, from 0 to {@link #MAX_PAGE}
 * @param access {@link Access#READ} or {@link Access#WRITE} (a write makes the page dirty)
 */
public record Reference(int page, Access access) {

    /**
     * The largest page number the simulator accepts: its address space has 2^20 pages (4 GiB of
     * 4 KiB pages), which keeps the page table of any reference string small.
     */
    public static final int MAX_PAGE = (1 << 20) - 1;

    public Reference {
        Checks.notNegative("page", page);
        if (page > MAX_PAGE) {
            throw new IllegalArgumentException("page " + page + " must be at most " + MAX_PAGE
                    + " (the simulated address space has " + (MAX_PAGE + 1) + " pages)");
        }
        Objects.requireNonNull(access, "access");
    }

    /** A read of {@code page}. */
    public static Reference read(int page) {
        return new Reference(page, Access.READ);
    }

    /** A write to {@code page}. */
    public static Reference write(int page) {
        return new Reference(page, Access.WRITE);
    }

    /** Whether this reference stores to the page. */
    public boolean isWrite() {
        return access == Access.WRITE;
    }

    /** {@code "7"} for a read of page 7, {@code "w7"} for a write. */
    @Override
    public String toString() {
        return isWrite() ? "w" + page : Integer.toString(page);
    }
}
