package mmapkit.faults.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.ToDoubleBiFunction;
import java.util.function.ToDoubleFunction;

/**
 * A baseline and other variants measured in the same rounds (one sample of each per round), so
 * sample {@code i} of every result comes from round {@code i}. Ratios are taken per round, then
 * summarised: a slow moment of the machine slows both sides of a ratio alike.
 *
 * @param baseline the variant the others are compared with
 * @param others   the other variants, in the order they were given
 */
public record Comparison(Result baseline, List<Result> others) {

    public Comparison {
        Objects.requireNonNull(baseline, "baseline");
        others = List.copyOf(others);
        for (Result other : others) {
            if (other.count() != baseline.count()) {
                throw new IllegalArgumentException("variant " + other.name() + " has " + other.count()
                        + " samples, the baseline " + baseline.count() + ": the rounds do not pair up");
            }
        }
    }

    /** The number of rounds (samples per variant). */
    public int rounds() {
        return baseline.count();
    }

    /** The baseline first, then the others. */
    public List<Result> all() {
        List<Result> all = new ArrayList<>();
        all.add(baseline);
        all.addAll(others);
        return all;
    }

    /** The result of the variant called {@code name} (the baseline's name gives the baseline). */
    public Result result(String name) {
        return all().stream().filter(result -> result.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no variant called '" + name + "' in this comparison"));
    }

    /**
     * Time per operation of {@code name} divided by the baseline's, per round: 2 means the variant
     * takes twice as long per operation (lower is better).
     */
    public Summary timeRatio(String name) {
        return ratio(name, "x time", false, Sample::nanosPerOperation);
    }

    /**
     * Throughput of {@code name} divided by the baseline's, per round: 2 means the variant does
     * twice as many operations per second (higher is better).
     */
    public Summary throughputRatio(String name) {
        return perRound(name, "x throughput", true, (variant, base) -> base.nanosPerOperation() / variant.nanosPerOperation());
    }

    /**
     * Any quantity of {@code name}'s samples divided by the same quantity of the baseline's, per
     * round, such as nanoseconds per page when the operations counted are faults.
     *
     * @param higherIsBetter whether a higher ratio is better (true when the quantity is a throughput)
     */
    public Summary ratio(String name, String unit, boolean higherIsBetter, ToDoubleFunction<Sample> quantity) {
        return perRound(name, unit, higherIsBetter,
                (variant, base) -> quantity.applyAsDouble(variant) / quantity.applyAsDouble(base));
    }

    private Summary perRound(String name, String unit, boolean higherIsBetter, ToDoubleBiFunction<Sample, Sample> ratio) {
        List<Sample> variant = result(name).samples();
        List<Sample> base = baseline.samples();
        double[] ratios = new double[rounds()];
        for (int round = 0; round < ratios.length; round++) {
            ratios[round] = ratio.applyAsDouble(variant.get(round), base.get(round));
        }
        return Summary.of(unit, higherIsBetter, ratios);
    }
}
