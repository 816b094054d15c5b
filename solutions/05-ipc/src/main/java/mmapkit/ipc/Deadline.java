package mmapkit.ipc;

import java.time.Duration;
import java.util.Objects;

/**
 * The end of a bounded wait, as a point in time by {@link System#nanoTime()} (which never jumps
 * with the wall clock). Every wait of the kit that polls or sleeps in a loop asks one of these how
 * long it may still wait, so no loop can run forever.
 */
public final class Deadline {

    private final long deadlineNanos;
    private final Duration timeout;

    private Deadline(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout " + timeout + " must not be negative");
        }
        this.timeout = timeout;
        this.deadlineNanos = System.nanoTime() + timeout.toNanos();
    }

    /**
     * The deadline {@code timeout} from now.
     *
     * @throws IllegalArgumentException when {@code timeout} is negative
     */
    public static Deadline after(Duration timeout) {
        return new Deadline(timeout);
    }

    /** Nanoseconds left, at least 0. */
    public long remainingNanos() {
        return Math.max(0, deadlineNanos - System.nanoTime());
    }

    /** Whether the deadline has come. */
    public boolean passed() {
        return System.nanoTime() - deadlineNanos >= 0;
    }

    /** The timeout it was made with, for messages. */
    public Duration timeout() {
        return timeout;
    }
}
