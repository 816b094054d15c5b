package mmapkit.faults;

import mmapkit.mapping.natives.NativeCallException;

/**
 * {@code MADV_POPULATE_READ} or {@code MADV_POPULATE_WRITE} could not fault in a range: the
 * access, the range, the first page that failed, the errno and what it means here.
 *
 * <p>Where a plain touch would raise {@code SIGBUS} (a page beyond the end of the file) or
 * {@code SIGSEGV}, and so crash the JVM or turn into an {@code InternalError}, populate answers
 * with an error the program can handle.
 */
public final class PopulateException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final Access access;
    private final long address;
    private final long length;
    private final long firstFailingPage;

    /**
     * @param firstFailingPage the first page of the range (counted from its start) that failed, -1 when unknown
     */
    public PopulateException(String message, Access access, long address, long length, long firstFailingPage,
                             NativeCallException cause) {
        super(message, cause);
        this.access = access;
        this.address = address;
        this.length = length;
        this.firstFailingPage = firstFailingPage;
    }

    /** READ for MADV_POPULATE_READ, WRITE for MADV_POPULATE_WRITE. */
    public Access access() {
        return access;
    }

    /** The start of the range. */
    public long address() {
        return address;
    }

    /** The length of the range in bytes. */
    public long length() {
        return length;
    }

    /** The first page of the range that could not be populated (counted from its start), -1 when unknown. */
    public long firstFailingPage() {
        return firstFailingPage;
    }

    /** The errno's name, such as {@code EFAULT}. */
    public String errnoName() {
        return getCause().errnoName();
    }

    @Override
    public synchronized NativeCallException getCause() {
        return (NativeCallException) super.getCause();
    }
}
