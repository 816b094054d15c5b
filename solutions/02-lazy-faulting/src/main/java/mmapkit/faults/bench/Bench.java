package mmapkit.faults.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Measures variants: warm-up rounds, then samples in rounds, bounded in count and in time.
 * Immutable: the {@code with...} methods return a changed copy. See the
 * {@linkplain mmapkit.faults.bench package documentation} for how and why it measures as it does.
 *
 * {@snippet :
 * Bench bench = Bench.withDefaults().withBudget(Duration.ofSeconds(4));
 * Comparison comparison = bench.compare(
 *         Variant.repeating("read", 8, count -> readLongs(count)),
 *         Variant.repeating("mapping", 8, count -> sumLongs(count)));
 * Summary ratio = comparison.throughputRatio("mapping");
 * }
 */
public final class Bench {

    /**
     * The shortest sample accepted, 50 µs: over a thousand steps of the timer on the machines the
     * kit was tried on (see {@link #timerStepNanos()}), so the timer adds under 0.1 %.
     */
    public static final long MIN_SAMPLE_NANOS = 50_000;

    private static volatile long sink;

    private final int warmups;
    private final int samples;
    private final Duration sampleTime;
    private final Duration budget;

    private Bench(int warmups, int samples, Duration sampleTime, Duration budget) {
        if (warmups < 0) {
            throw new IllegalArgumentException("warmups " + warmups + " must not be negative");
        }
        if (samples < 1) {
            throw new IllegalArgumentException("samples " + samples + " must be at least 1");
        }
        Objects.requireNonNull(sampleTime, "sampleTime");
        Objects.requireNonNull(budget, "budget");
        if (sampleTime.toNanos() < MIN_SAMPLE_NANOS) {
            throw new IllegalArgumentException("sampleTime " + sampleTime + " must be at least " + MIN_SAMPLE_NANOS
                    + " ns to stay above timer noise");
        }
        if (budget.compareTo(sampleTime) < 0) {
            throw new IllegalArgumentException("budget " + budget + " must be at least the sampleTime " + sampleTime);
        }
        this.warmups = warmups;
        this.samples = samples;
        this.sampleTime = sampleTime;
        this.budget = budget;
    }

    /** 3 warm-up rounds, up to 25 samples of at least 5 ms each, at most 3 s per measurement. */
    public static Bench withDefaults() {
        return new Bench(3, 25, Duration.ofMillis(5), Duration.ofSeconds(3));
    }

    /** Rounds run and thrown away before the samples (at most half the budget is spent on them). */
    public int warmups() {
        return warmups;
    }

    /** The most samples per variant. */
    public int samples() {
        return samples;
    }

    /** How long a sample of a {@link Variant#repeating repeating} variant lasts at least. */
    public Duration sampleTime() {
        return sampleTime;
    }

    /**
     * The time one measurement (calibration, warm-up and samples of every variant) may take.
     * Checked between rounds: a measurement stops after the first round that ends past it, and at
     * least one round of samples is always taken.
     */
    public Duration budget() {
        return budget;
    }

    public Bench withWarmups(int newWarmups) {
        return new Bench(newWarmups, samples, sampleTime, budget);
    }

    public Bench withSamples(int newSamples) {
        return new Bench(warmups, newSamples, sampleTime, budget);
    }

    public Bench withSampleTime(Duration newSampleTime) {
        return new Bench(warmups, samples, newSampleTime, budget);
    }

    public Bench withBudget(Duration newBudget) {
        return new Bench(warmups, samples, sampleTime, newBudget);
    }

    /** Measures one variant alone. */
    public Result measure(Variant variant) throws Exception {
        return compare(variant).baseline();
    }

    /**
     * Measures a baseline and other variants interleaved: each round takes one sample of every
     * variant, the baseline first in even rounds and last in odd ones (A B, B A, A B, ...).
     *
     * @throws IllegalArgumentException when two variants have the same name
     * @throws Exception                whatever a variant throws
     */
    public Comparison compare(Variant baseline, Variant... others) throws Exception {
        List<Variant> variants = new ArrayList<>();
        variants.add(Objects.requireNonNull(baseline, "baseline"));
        for (Variant other : others) {
            Objects.requireNonNull(other, "variant");
            if (variants.stream().anyMatch(v -> v.name().equals(other.name()))) {
                throw new IllegalArgumentException("two variants are called '" + other.name() + "'");
            }
            variants.add(other);
        }
        long start = System.nanoTime();
        long deadline = start + budget.toNanos();
        long warmupDeadline = start + budget.toNanos() / 2;
        for (Variant variant : variants) {
            variant.calibrate(sampleTime.toNanos(), warmupDeadline);
        }
        for (int round = 0; round < warmups && System.nanoTime() - warmupDeadline < 0; round++) {
            for (Variant variant : inRoundOrder(variants, round)) {
                variant.sample();
            }
            for (Variant variant : variants) { // code the JIT compiled meanwhile may be much faster
                variant.calibrate(sampleTime.toNanos(), warmupDeadline);
            }
        }
        for (Variant variant : variants) {
            variant.calibrate(sampleTime.toNanos(), deadline);
        }
        // tag::interleaved-rounds[]
        List<List<Sample>> taken = new ArrayList<>();
        variants.forEach(unused -> taken.add(new ArrayList<>()));
        // bounded in count and in time; the first round always runs
        for (int round = 0; round < samples && (round == 0 || System.nanoTime() - deadline < 0); round++) {
            for (Variant variant : inRoundOrder(variants, round)) { // A B C, then C B A, then A B C ...
                taken.get(variants.indexOf(variant)).add(variant.sample());
            }
        }
        // end::interleaved-rounds[]
        List<Result> results = new ArrayList<>();
        for (int i = 0; i < variants.size(); i++) {
            results.add(new Result(variants.get(i).name(), taken.get(i)));
        }
        return new Comparison(results.getFirst(), results.subList(1, results.size()));
    }

    private static List<Variant> inRoundOrder(List<Variant> variants, int round) {
        return round % 2 == 0 ? variants : variants.reversed();
    }

    /**
     * Keeps a value computed by measured code, so the JIT compiler cannot find the code useless and
     * remove it. Cheap: one volatile store per sample.
     */
    public static void consume(long value) {
        sink ^= value;
    }

    /**
     * Runs {@code code} and returns a sample of its elapsed time, for a {@link Trial} that prepares
     * untimed first.
     *
     * @param operations the operations {@code code} does, for the per-operation numbers
     * @param bytes      the bytes it processes, or 0
     */
    public static Sample time(long operations, long bytes, Runnable code) {
        long start = System.nanoTime();
        code.run();
        return new Sample(Math.max(1, System.nanoTime() - start), operations, bytes);
    }

    /**
     * The smallest step {@link System#nanoTime()} takes here: the least positive difference seen
     * between consecutive calls (tens of nanoseconds on a virtual machine, where reading the
     * clock is itself that slow).
     */
    public static long timerStepNanos() {
        long step = Long.MAX_VALUE;
        for (int i = 0; i < 10_000; i++) {
            long first = System.nanoTime();
            long next;
            do {
                next = System.nanoTime();
            } while (next == first);
            step = Math.min(step, next - first);
        }
        return step;
    }

    /**
     * One line for an experiment's output, such as {@code "3 warm-up rounds, then up to 25 samples per
     * variant, interleaved; a repeated operation runs at least 5 ms per sample; at most 3 s per measurement"}.
     */
    public String describe() {
        return warmups + " warm-up rounds, then up to " + samples + " samples per variant, interleaved;"
                + " a repeated operation runs at least " + millis(sampleTime) + " per sample; at most "
                + millis(budget) + " per measurement";
    }

    private static String millis(Duration duration) {
        long ms = duration.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }

    @Override
    public String toString() {
        return "Bench[" + describe() + "]";
    }
}
