package mmapkit.device.special;

/**
 * The kernel cannot give huge pages for a request, and this says why, in words a reader can act on,
 * such as "no huge pages reserved (HugePages_Total is 0 in /proc/meminfo; reserve some with
 * vm.nr_hugepages)". It is an {@link UnsupportedOperationException}: the machine, not the program,
 * lacks something. When the kernel refused a call, the cause is its
 * {@link mmapkit.mapping.natives.NativeCallException}.
 */
public final class HugePagesUnavailableException extends UnsupportedOperationException {

    private static final long serialVersionUID = 1L;

    private final String reason;

    public HugePagesUnavailableException(String request, String reason, Throwable cause) {
        super(request + ": " + reason, cause);
        this.reason = reason;
    }

    /** Why there are no huge pages, without the request. */
    public String reason() {
        return reason;
    }
}
