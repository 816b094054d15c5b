package mmapkit.faults.bench;

/**
 * One timed sample: how long it took and how much work it did.
 *
 * @param nanos      elapsed time of the timed part, in nanoseconds (at least 1)
 * @param operations operations done in that time (at least 1): loop iterations, reads, faults, ...
 * @param bytes      bytes processed in that time, or 0 when bytes mean nothing for the operation
 */
public record Sample(long nanos, long operations, long bytes) {

    /**
     * @throws IllegalArgumentException when {@code nanos} or {@code operations} is not positive or
     *                                  {@code bytes} is negative
     */
    public Sample {
        if (nanos <= 0) {
            throw new IllegalArgumentException("nanos " + nanos + " must be positive");
        }
        if (operations <= 0) {
            throw new IllegalArgumentException("operations " + operations + " must be positive");
        }
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes " + bytes + " must not be negative");
        }
    }

    /** Nanoseconds per operation. */
    public double nanosPerOperation() {
        return (double) nanos / operations;
    }

    /** Operations per second. */
    public double operationsPerSecond() {
        return operations * 1e9 / nanos;
    }

    /** Megabytes (10<sup>6</sup> bytes) per second. */
    public double megabytesPerSecond() {
        return bytes * 1e3 / nanos;
    }
}
