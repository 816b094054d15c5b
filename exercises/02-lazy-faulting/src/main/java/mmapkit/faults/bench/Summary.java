package mmapkit.faults.bench;

import java.util.Arrays;
import java.util.Objects;

/**
 * Order statistics of one quantity over the samples of a measurement.
 *
 * <p>The percentiles are taken in the direction of "worse": for a time per operation (lower is
 * better) p90 is the value that 90 % of the samples did not exceed; for a throughput (higher is
 * better) it is the value that 90 % of the samples reached. Either way p90 and p99 show the slow
 * tail, and {@link #best()} is the best sample (the minimum of a time, the maximum of a
 * throughput). With fewer than 100 samples p99 is the worst sample, and with fewer than 10, p90
 * is too. The median of an even number of samples is the mean of the two middle ones; p90 and p99
 * are nearest-rank percentiles (always one of the samples).
 *
 * @param unit           what the values measure, such as {@code ns/op} or {@code MB/s}
 * @param higherIsBetter true for a throughput, false for a time
 * @param count          the number of samples
 * @param median         the middle value
 * @param p90            the 90th percentile, in the direction of worse
 * @param p99            the 99th percentile, in the direction of worse
 * @param best           the best sample: the minimum for a time, the maximum for a throughput
 * @param worst          the worst sample
 */
public record Summary(String unit, boolean higherIsBetter, int count, double median, double p90, double p99,
                      double best, double worst) {

    public Summary {
        Objects.requireNonNull(unit, "unit");
        if (count < 1) {
            throw new IllegalArgumentException("count " + count + " must be at least 1");
        }
    }

    /** The summary of {@code values} (at least one; the array is not changed). */
    public static Summary of(String unit, boolean higherIsBetter, double... values) {
        Objects.requireNonNull(values, "values");
        if (values.length == 0) {
            throw new IllegalArgumentException("no values to summarise for " + unit);
        }
        for (double value : values) {
            if (Double.isNaN(value)) {
                throw new IllegalArgumentException("a value of " + unit + " is NaN");
            }
        }
        return fromBestToWorst(unit, higherIsBetter, orderBestFirst(values, higherIsBetter));
    }

    private static double[] orderBestFirst(double[] values, boolean higherIsBetter) {
        double[] sorted = values.clone();
        Arrays.sort(sorted); // ascending: best first for a time
        if (higherIsBetter) {
            reverse(sorted); // descending: best first for a throughput
        }
        return sorted;
    }

    private static void reverse(double[] values) {
        for (int i = 0, j = values.length - 1; i < j; i++, j--) {
            double swap = values[i];
            values[i] = values[j];
            values[j] = swap;
        }
    }

    private static Summary fromBestToWorst(String unit, boolean higherIsBetter, double[] sorted) {
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return new Summary(unit, higherIsBetter, n, median, nearestRank(sorted, 0.90), nearestRank(sorted, 0.99),
                sorted[0], sorted[n - 1]);
    }

    /** The value at rank ceil(q * n), counted from the best. */
    private static double nearestRank(double[] bestFirst, double q) {
        int rank = (int) Math.ceil(q * bestFirst.length);
        return bestFirst[Math.clamp(rank - 1, 0, bestFirst.length - 1)];
    }

    /** {@code 123.4 ns/op (p90 130.1, p99 150.0, best 120.2, 30 samples)}. */
    @Override
    public String toString() {
        return String.format("%s %s (p90 %s, p99 %s, best %s, %d samples)", format(median), unit, format(p90),
                format(p99), format(best), count);
    }

    /** A number with three significant digits or more: {@code 0.123}, {@code 12.3}, {@code 1234}. */
    public static String format(double value) {
        double magnitude = Math.abs(value);
        if (magnitude >= 100 || magnitude == 0) {
            return String.format("%.0f", value);
        }
        if (magnitude >= 10) {
            return String.format("%.1f", value);
        }
        if (magnitude >= 1) {
            return String.format("%.2f", value);
        }
        return String.format("%.3g", value);
    }
}
