package mmapkit.faults.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks the harness itself, without a test framework: the statistics on known numbers, the
 * interleaving order, ratios of workloads whose ratio is known, the time budget and the
 * calibration. Prints one line per check and throws {@link IllegalStateException} at the first
 * one that fails (so {@code main} ends with an error). About one second.
 *
 * {@snippet lang="shell" :
 * java --enable-native-access=ALL-UNNAMED -cp ... mmapkit.faults.bench.SelfCheck
 * }
 */
public final class SelfCheck {

    private SelfCheck() {
    }

    public static void main(String[] args) throws Exception {
        for (String line : run()) {
            System.out.println(line);
        }
    }

    /** Runs every check; returns one line per check passed. */
    public static List<String> run() throws Exception {
        List<String> report = new ArrayList<>();
        report.add(statistics());
        report.add(interleaving());
        report.add(ratios());
        report.add(budget());
        report.add(calibration());
        report.add(table());
        long step = Bench.timerStepNanos();
        report.add("timer: System.nanoTime() steps by " + step + " ns here; a sample of at least "
                + Bench.MIN_SAMPLE_NANOS / 1000 + " us is " + (Bench.MIN_SAMPLE_NANOS / Math.max(1, step))
                + " steps" + (step * 1000 > Bench.MIN_SAMPLE_NANOS ? " (fewer than 1000: use longer samples here)" : ""));
        return report;
    }

    private static String statistics() {
        double[] values = new double[100];
        for (int i = 0; i < values.length; i++) {
            values[values.length - 1 - i] = i + 1; // 100, 99, ..., 1: order must not matter
        }
        Summary time = Summary.of("ns/op", false, values);
        check(time.median() == 50.5 && time.p90() == 90 && time.p99() == 99 && time.best() == 1 && time.worst() == 100
                && time.count() == 100, "summary of the times 1..100 should be median 50.5, p90 90, p99 99, best 1: " + time);
        Summary rate = Summary.of("MB/s", true, values);
        check(rate.median() == 50.5 && rate.p90() == 11 && rate.p99() == 2 && rate.best() == 100 && rate.worst() == 1,
                "summary of the throughputs 1..100 should be median 50.5, p90 11, p99 2, best 100: " + rate);
        Summary one = Summary.of("ns/op", false, 7);
        check(one.median() == 7 && one.p90() == 7 && one.p99() == 7, "summary of one value should be that value: " + one);
        return "statistics: median, p90, p99 and best of 1..100 are right for times and for throughputs";
    }

    private static String interleaving() throws Exception {
        List<String> order = new ArrayList<>();
        Bench bench = Bench.withDefaults().withWarmups(1).withSamples(4).withSampleTime(Duration.ofMillis(1))
                .withBudget(Duration.ofSeconds(10));
        Comparison comparison = bench.compare(logging("A", order), logging("B", order), logging("C", order));
        String expected = "ABC" + "ABC" + "CBA" + "ABC" + "CBA"; // one warm-up round, then four rounds
        check(String.join("", order).equals(expected), "order of the samples should be " + expected + ", was "
                + String.join("", order));
        check(comparison.rounds() == 4 && comparison.others().size() == 2, "4 rounds of 3 variants expected");
        return "interleaving: one sample of each variant per round, every other round reversed (" + expected + ")";
    }

    private static Variant logging(String name, List<String> order) {
        return Variant.of(name, () -> {
            order.add(name);
            return spin(100_000);
        });
    }

    private static String ratios() throws Exception {
        Bench bench = Bench.withDefaults().withWarmups(1).withSamples(9).withBudget(Duration.ofSeconds(5));
        Comparison comparison = bench.compare(Variant.of("once", () -> spin(200_000)),
                Variant.of("twice", () -> spin(400_000)), Variant.of("same", () -> spin(200_000)));
        Summary twice = comparison.timeRatio("twice");
        Summary same = comparison.timeRatio("same");
        Summary faster = comparison.throughputRatio("twice");
        check(twice.median() > 1.8 && twice.median() < 2.2, "a trial spinning twice as long should have a time ratio near 2: " + twice);
        check(same.median() > 0.9 && same.median() < 1.1, "the same trial should have a time ratio near 1: " + same);
        check(faster.median() > 0.45 && faster.median() < 0.55, "twice the time should be half the throughput: " + faster);
        return "ratios: twice the work gives time ratio " + Summary.format(twice.median()) + " and throughput ratio "
                + Summary.format(faster.median()) + "; the same work gives " + Summary.format(same.median());
    }

    private static String budget() throws Exception {
        Bench bench = Bench.withDefaults().withWarmups(1000).withSamples(1000).withSampleTime(Duration.ofMillis(1))
                .withBudget(Duration.ofMillis(60));
        long start = System.nanoTime();
        Result result = bench.measure(Variant.of("spin 1 ms", () -> spin(1_000_000)));
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        check(result.count() >= 1 && result.count() < 60, "a 60 ms budget should allow at least 1 and fewer than 60 samples of 1 ms, took "
                + result.count());
        check(elapsedMillis < 60 + 50, "a 60 ms budget took " + elapsedMillis + " ms");
        return "budget: 1000 warm-ups and 1000 samples asked, 60 ms allowed: " + result.count() + " samples, done in time";
    }

    private static String calibration() throws Exception {
        Duration sampleTime = Duration.ofMillis(2);
        Bench bench = Bench.withDefaults().withSamples(5).withSampleTime(sampleTime).withBudget(Duration.ofSeconds(2));
        Result result = bench.measure(Variant.repeating("mix", 8, SelfCheck::mix));
        long operations = result.samples().getFirst().operations();
        Summary nanos = result.summarize("ns", false, sample -> sample.nanos());
        check(result.samples().stream().allMatch(sample -> sample.operations() == operations && sample.bytes() == operations * 8),
                "every sample of a repeating variant should do the calibrated count of operations");
        check(nanos.median() >= sampleTime.toNanos() / 2.0, "calibrated samples should last about " + sampleTime + ": " + nanos);
        return "calibration: " + operations + " operations per sample make a sample of " + Summary.format(nanos.median() / 1e6)
                + " ms (asked: at least " + sampleTime.toMillis() + " ms)";
    }

    private static String table() {
        Table table = Table.of(1, "name", "value").row("a, b", 1.5).row("c", 12345L);
        check(table.toCsv().equals("name,value\n\"a, b\",1.50000\nc,12345\n"), "CSV should quote commas: " + table.toCsv());
        check(table.toText().equals("name  value\n----  -----\na, b   1.50\nc     12345\n"), "text should align: \n" + table.toText());
        return "table: text aligned, CSV quoted";
    }

    /** A sample of exactly {@code nanos} of busy waiting (wall-clock time, so preemption does not change it). */
    private static Sample spin(long nanos) {
        long start = System.nanoTime();
        long now;
        do {
            now = System.nanoTime();
        } while (now - start < nanos);
        return new Sample(now - start, 1, 0);
    }

    /** A little arithmetic per operation, which the JIT cannot fold away since the result is kept. */
    private static long mix(long count) {
        long x = count;
        for (long i = 0; i < count; i++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
            x ^= x >>> 29;
        }
        return x;
    }

    private static void check(boolean condition, String failure) {
        if (!condition) {
            throw new IllegalStateException("harness self-check failed: " + failure);
        }
    }
}
