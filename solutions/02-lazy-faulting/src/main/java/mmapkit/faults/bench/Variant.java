package mmapkit.faults.bench;

import java.util.Objects;

/**
 * One thing to measure, with a name for the tables: either a {@link Trial} that makes one sample
 * per call, or an {@link Operation} that the harness repeats as often as one sample needs.
 */
public final class Variant {

    private final String name;
    private final Trial trial;
    private final Operation operation;
    private final long bytesPerOperation;
    /** Operations per sample of a repeating variant, found by calibration. */
    private long count = 1;

    private Variant(String name, Trial trial, Operation operation, long bytesPerOperation) {
        this.name = Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a variant needs a name, not '" + name + "'");
        }
        this.trial = trial;
        this.operation = operation;
        this.bytesPerOperation = bytesPerOperation;
    }

    /**
     * A variant whose every sample is one call of {@code trial}. The trial decides what it times
     * and how much work a sample is; it must make each sample last well above the timer's step
     * (at least {@link Bench#MIN_SAMPLE_NANOS}).
     */
    public static Variant of(String name, Trial trial) {
        return new Variant(name, Objects.requireNonNull(trial, "trial"), null, 0);
    }

    /**
     * A variant that times {@code operation.run(count)}, with {@code count} doubled during
     * calibration until one sample lasts at least {@link Bench#sampleTime()}.
     *
     * @param bytesPerOperation bytes one operation processes (for MB/s), 0 if that means nothing
     */
    public static Variant repeating(String name, long bytesPerOperation, Operation operation) {
        Objects.requireNonNull(operation, "operation");
        if (bytesPerOperation < 0) {
            throw new IllegalArgumentException("bytesPerOperation " + bytesPerOperation + " must not be negative");
        }
        return new Variant(name, null, operation, bytesPerOperation);
    }

    /** The name shown in tables. */
    public String name() {
        return name;
    }

    /** Whether the harness chooses the number of operations per sample. */
    public boolean isRepeating() {
        return operation != null;
    }

    /** Operations per sample of a repeating variant after calibration (1 before, and for a trial). */
    long operationsPerSample() {
        return count;
    }

    /**
     * Chooses how many operations a sample of a repeating variant does: grows the count (from where
     * the last calibration left it) until a sample lasts {@code sampleNanos}, or until
     * {@code deadline} ({@link System#nanoTime()}) passes. The harness calibrates before the
     * warm-up, after each warm-up round and once more before the samples, since the JIT compiler may
     * have made the operation much faster meanwhile.
     */
    void calibrate(long sampleNanos, long deadline) throws Exception {
        if (operation == null) {
            return;
        }
        while (true) {
            long elapsed = timeOnce(count);
            if (elapsed >= sampleNanos || count >= 1L << 40 || System.nanoTime() - deadline >= 0) {
                return;
            }
            if (elapsed >= 1_000_000) { // long enough to extrapolate: aim 20 % above the target
                count = Math.max(count + 1, (long) Math.min(1L << 40, count * 1.2 * sampleNanos / elapsed));
            } else {
                count *= 2;
            }
        }
    }

    private long timeOnce(long operations) throws Exception {
        long start = System.nanoTime();
        long result = operation.run(operations);
        long elapsed = System.nanoTime() - start;
        Bench.consume(result);
        return elapsed;
    }

    /** One sample. */
    Sample sample() throws Exception {
        Sample sample;
        if (operation == null) {
            sample = Objects.requireNonNull(trial.run(), () -> "trial of " + name + " returned no sample");
        } else {
            long nanos = Math.max(1, timeOnce(count));
            // calibration ran out of time (a loaded machine) or the JIT made the operation faster since:
            // do more per sample rather than measure timer noise
            for (int grown = 0; nanos < Bench.MIN_SAMPLE_NANOS && grown < 20 && count < 1L << 40; grown++) {
                count = Math.min(1L << 40, Math.max(count * 2, (long) (count * 1.2 * Bench.MIN_SAMPLE_NANOS / nanos)));
                nanos = Math.max(1, timeOnce(count));
            }
            sample = new Sample(nanos, count, count * bytesPerOperation);
        }
        if (sample.nanos() < Bench.MIN_SAMPLE_NANOS) {
            throw new IllegalStateException("a sample of " + name + " lasted " + sample.nanos() + " ns, less than "
                    + Bench.MIN_SAMPLE_NANOS + " ns: that is mostly timer noise, make one sample do more work");
        }
        return sample;
    }

    @Override
    public String toString() {
        return name;
    }
}
