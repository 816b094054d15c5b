package mmapkit.sync;

/**
 * Recovery found a log it cannot trust: no valid commit mark, or committed records that fail their
 * checksum. With {@link FlushPolicy#DATA_THEN_MARK} the second can only mean the device lost or
 * damaged data it had acknowledged; with the other policies it is what a power cut does.
 */
public final class CorruptLogException extends RuntimeException {
    private static final long serialVersionUID = 1L;


    private final long offset;

    /**
     * @param offset where in the storage the problem is
     */
    public CorruptLogException(String message, long offset) {
        super(message);
        this.offset = offset;
    }

    /** Where in the storage the problem is. */
    public long offset() {
        return offset;
    }
}
