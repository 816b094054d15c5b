package mmapkit.mapping;

import mmapkit.mapping.natives.SystemConfiguration;

/**
 * Page arithmetic: the kernel maps memory in whole pages, so every offset handed to
 * {@code mmap} must be a multiple of the page size and every length is rounded up to one.
 *
 * <p>All methods use the page size of the running system ({@link #size()}, 4096 bytes on
 * x86-64). Offsets and lengths are bytes and must not be negative; bad input gets an
 * {@link IllegalArgumentException} that names the argument, its value and the rule.
 */
public final class Pages {

    // tag::page-size[]
    /** Read once: the page size cannot change while the process runs. */
    private static final long SIZE = SystemConfiguration.pageSize();

    /** The size of a page in bytes ({@code sysconf(_SC_PAGESIZE)}), a power of two. */
    public static long size() {
        return SIZE;
    }
    // end::page-size[]

    private Pages() {
    }

    /**
     * The start of the page holding {@code offset}: the largest multiple of the page size that is
     * {@code <= offset}. {@code alignDown(4097) == 4096}.
     */
    public static long alignDown(long offset) {
        // TODO 01.1 (see hint 01.1)
        throw new UnsupportedOperationException("TODO 01.1: round offset down to a multiple of the page size (see hint 01.1)");
    }

    /**
     * The smallest multiple of the page size that is {@code >= offset}. {@code alignUp(4097) == 8192},
     * {@code alignUp(4096) == 4096}.
     *
     * @throws IllegalArgumentException when the result would not fit in a long
     */
    public static long alignUp(long offset) {
        // TODO 01.1 (see hint 01.1)
        throw new UnsupportedOperationException("TODO 01.1: round offset up to a multiple of the page size (see hint 01.1)");
    }

    /** Whether {@code offset} is a multiple of the page size (0 is). */
    public static boolean isAligned(long offset) {
        // TODO 01.1 (see hint 01.1)
        throw new UnsupportedOperationException("TODO 01.1: tell whether offset is a multiple of the page size (see hint 01.1)");
    }

    /** Where {@code offset} falls inside its page: {@code offsetInPage(4097) == 1}. */
    public static long offsetInPage(long offset) {
        // TODO 01.1 (see hint 01.1)
        throw new UnsupportedOperationException("TODO 01.1: find where offset falls inside its page (see hint 01.1)");
    }

    /**
     * How many pages the bytes {@code [offset, offset + length)} touch: {@code pageCount(4095, 2) == 2}
     * (one byte in each of two pages), {@code pageCount(0, 4096) == 1}, {@code pageCount(100, 0) == 0}.
     */
    public static long pageCount(long offset, long length) {
        // TODO 01.1 (see hint 01.1)
        throw new UnsupportedOperationException("TODO 01.1: count the pages that [offset, offset + length) touches (see hint 01.1)");
    }
}
