package mmapkit.ipc;

import java.time.Duration;
import java.util.Objects;

/** A point in time by {@link System#nanoTime()}, for the bounded waits of this package. */
final class Deadline {

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

    static Deadline after(Duration timeout) {
        return new Deadline(timeout);
    }

    /** Nanoseconds left, at least 0. */
    long remainingNanos() {
        return Math.max(0, deadlineNanos - System.nanoTime());
    }

    boolean passed() {
        return System.nanoTime() - deadlineNanos >= 0;
    }

    Duration timeout() {
        return timeout;
    }
}
