package mmapkit.faults.bench;

import java.util.List;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * The samples of one variant (warm-up excluded), and their summaries.
 *
 * @param name    the variant's name
 * @param samples the samples, in the order they were taken (at least one)
 */
public record Result(String name, List<Sample> samples) {

    public Result {
        Objects.requireNonNull(name, "name");
        samples = List.copyOf(samples);
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("a result of " + name + " needs at least one sample");
        }
    }

    /** How many samples were taken. */
    public int count() {
        return samples.size();
    }

    /** Nanoseconds per operation ({@code ns/op}). */
    public Summary nanosPerOperation() {
        return summarize("ns/op", false, Sample::nanosPerOperation);
    }

    /** Operations per second ({@code op/s}). */
    public Summary operationsPerSecond() {
        return summarize("op/s", true, Sample::operationsPerSecond);
    }

    /** Megabytes (10<sup>6</sup> bytes) per second ({@code MB/s}). */
    public Summary megabytesPerSecond() {
        return summarize("MB/s", true, Sample::megabytesPerSecond);
    }

    /** Any quantity computed from each sample, such as nanoseconds per page. */
    public Summary summarize(String unit, boolean higherIsBetter, ToDoubleFunction<Sample> quantity) {
        return Summary.of(unit, higherIsBetter, samples.stream().mapToDouble(quantity).toArray());
    }
}
