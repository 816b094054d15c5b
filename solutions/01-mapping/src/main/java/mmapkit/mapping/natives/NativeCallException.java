package mmapkit.mapping.natives;

/**
 * A system call that failed: the call as it was made (with its arguments), the {@code errno} it
 * set, that errno's name ({@code EINVAL}, {@code ENOMEM}, ...) and its meaning ({@code strerror}).
 *
 * <p>C reports failure in two steps: a special return value ({@code -1}, or {@code MAP_FAILED}
 * for {@code mmap}) and the thread-local {@code errno}. Java code cannot read {@code errno}
 * after the fact (the JVM itself makes system calls in between), so every binding in this
 * package asks the linker to capture it right after the call
 * ({@code Linker.Option.captureCallState("errno")}) and throws this exception.
 *
 * <pre>
 * mmap(0x0, 4611686018427387904, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) failed:
 * ENOMEM (Cannot allocate memory)
 * </pre>
 */
public final class NativeCallException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String call;
    private final int errno;
    private final String errnoName;
    private final String meaning;

    /**
     * @param call  the call with its arguments, as in {@code munmap(0x7f00a000, 4096)}
     * @param errno the errno the call set
     */
    public NativeCallException(String call, int errno) {
        this(call, errno, Errno.name(errno), Errno.meaning(errno));
    }

    private NativeCallException(String call, int errno, String errnoName, String meaning) {
        super(call + " failed: " + errnoName + " (" + meaning + ")");
        this.call = call;
        this.errno = errno;
        this.errnoName = errnoName;
        this.meaning = meaning;
    }

    /** The call with its arguments, as in {@code munmap(0x7f00a000, 4096)}. */
    public String call() {
        return call;
    }

    /** The errno number, such as 22. */
    public int errno() {
        return errno;
    }

    /** The errno's symbolic name, such as {@code EINVAL}. */
    public String errnoName() {
        return errnoName;
    }

    /** What the errno means, from {@code strerror}, such as {@code Invalid argument}. */
    public String meaning() {
        return meaning;
    }
}
