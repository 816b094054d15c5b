package mmapkit.ipc;

import java.time.Duration;

/**
 * A wait for a lock, a semaphore, an event or a seqlock's stable value did not end within its
 * timeout. Every wait in this package has one: a process that dies holding a lock must not hang the
 * others. (Attaching to a region that does not appear in time fails with the reason instead:
 * {@code NoSuchFileException} or {@link RegionMismatchException}.)
 */
public final class WaitTimeoutException extends RuntimeException {
    private static final long serialVersionUID = 1L;


    private final Duration timeout;

    public WaitTimeoutException(String what, Duration timeout) {
        super(what + " did not happen within " + timeout);
        this.timeout = timeout;
    }

    /** The timeout that passed. */
    public Duration timeout() {
        return timeout;
    }
}
