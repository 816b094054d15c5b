package mmapkit.ipc;

/**
 * A process tried to attach to a shared region that is not what it expects: another magic number
 * (not a region of this kit, or its creator died before publishing it), another layout version or
 * another size. Attaching changes nothing in the region.
 */
public final class RegionMismatchException extends RuntimeException {
    private static final long serialVersionUID = 1L;


    private final String field;

    /**
     * @param field the header field that did not match: "magic", "version", "header size" or "size"
     */
    public RegionMismatchException(String field, String message) {
        super(message);
        this.field = field;
    }

    /** The header field that did not match: "magic", "version", "header size" or "size". */
    public String field() {
        return field;
    }
}
