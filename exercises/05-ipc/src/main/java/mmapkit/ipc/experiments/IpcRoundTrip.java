package mmapkit.ipc.experiments;

import mmapkit.faults.bench.Summary;
import mmapkit.faults.bench.Table;
import mmapkit.mapping.process.ChildJvm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Experiment: 64-byte messages between two processes on this machine, in one run, through the
 * toolkit's ring ({@code ring}: two {@code SpscRing}s in a {@code SharedRegion} under
 * {@code /dev/shm}), through Agrona's {@code OneToOneRingBuffer} over a mapped file of
 * {@code /dev/shm} ({@code agrona}, the baseline), through a pipe, a Unix domain socket and TCP on
 * loopback: round-trip time (ping-pong: median, p90, p99, p99.9, max) and one-way throughput.
 *
 * <p>Each measurement runs in a fresh pair of JVMs ({@link IpcPeer}: the measuring side starts
 * the echoing one), all with the same options ({@link IpcPeer#startJvm}: module 04's
 * {@code ChildJvm} with {@link IpcPeer#JVM_OPTIONS}); this JVM only schedules them and reports.
 * The two rings are measured in interleaved rounds (ring first, then Agrona first, ...), and
 * their ratios are taken round by round, because the machine is shared and noisy.
 *
 * <pre>
 * java ... IpcRoundTrip [--quick] [CSV_FILE]
 * </pre>
 * {@code --quick} is a correctness self-check, not a measurement: 1000 round trips and a short
 * burst per transport, one round, every sequence number checked as always. With a path as
 * argument, or the system property {@code experiments.output} naming a folder, the table also goes
 * to a CSV file ({@code IpcRoundTrip.csv} in that folder) that the book draws a chart from.
 */
public final class IpcRoundTrip {

    /**
     * What one run does: warm-up and timed round trips (counts and least times), one-way messages
     * and time, rounds of ring and agrona (at most; fewer when the budget runs out), seconds each
     * measurement may take, and the budget of the whole run (it starts no round that would overrun
     * it, going by the rounds so far).
     */
    private record Settings(int warmup, long warmupMillis, int roundTrips, long messages, long millis, int ringRounds,
                            int seconds, Duration budget) {
    }

    private static final Settings FULL = new Settings(20_000, 400, 20_000, 2_000_000, 1_000, 5, 60, Duration.ofSeconds(45));
    private static final Settings QUICK = new Settings(1_000, 0, 1_000, 100_000, 200, 1, 20, Duration.ofSeconds(60));

    /** The targets of issue 5's benchmark. */
    private static final double THROUGHPUT_TARGET = 1.0;   // ring / agrona, at least
    private static final double RTT_TARGET = 1.2;          // ring / agrona median round trip, at most
    private static final double UDS_TARGET = 10.0;         // uds / ring median round trip, at least

    private record Run(String transport, int round, long roundTrips, long p50, long p90, long p99, long p999,
                       long max, long warmup, long milliBytes, long readerMilliBytes, long messages,
                       long nanos) {
        double messagesPerSecond() {
            return messages * 1e9 / nanos;
        }
    }

    private IpcRoundTrip() {
    }

    public static void main(String[] args) throws Exception {
        if (IpcPeer.isPeer(args)) {
            IpcPeer.run(args);   // one of the two processes of a measurement
            return;
        }
        boolean quick = args.length > 0 && args[0].equals("--quick");
        String[] rest = quick ? Arrays.copyOfRange(args, 1, args.length) : args;
        Settings settings = quick ? QUICK : FULL;
        Path csv = csvPath(rest);
        long started = System.nanoTime();
        String loadBefore = loadAverage();
        List<Run> runs = new ArrayList<>();
        int rounds = 0;
        long ringNanos = 0; // the time the ring and agrona measurements took so far
        for (List<String> round : schedule(settings.ringRounds())) {
            long elapsed = System.nanoTime() - started;
            long perRound = rounds == 0 ? 0 : ringNanos / rounds;
            if (rounds >= MIN_RING_ROUNDS && elapsed + perRound > settings.budget().toNanos()) {
                break; // one more round would overrun the budget: the book's build runs this every time
            }
            for (String transport : round) {
                long start = System.nanoTime();
                runs.add(measure(transport, settings, (int) runs.stream().filter(r -> r.transport().equals(transport)).count() + 1));
                if (transport.equals("ring") || transport.equals("agrona")) {
                    ringNanos += System.nanoTime() - start;
                }
            }
            rounds++;
        }
        long seconds = Math.round((System.nanoTime() - started) / 1e9);
        report(runs, settings, quick, seconds, csv, loadBefore);
    }

    /** Rounds of ring and agrona always run at least this often (when there are that many planned). */
    private static final int MIN_RING_ROUNDS = 2;

    /**
     * The rounds: ring and agrona in each, alternating which goes first; the kernel's transports
     * once, in the first round.
     */
    private static List<List<String>> schedule(int ringRounds) {
        List<List<String>> rounds = new ArrayList<>();
        for (int round = 1; round <= ringRounds; round++) {
            List<String> order = new ArrayList<>(round % 2 == 1 ? List.of("ring", "agrona") : List.of("agrona", "ring"));
            if (round == 1) {
                order.addAll(List.of("pipe", "uds", "tcp"));
            }
            rounds.add(order);
        }
        return rounds;
    }

    private static Path csvPath(String[] args) {
        if (args.length > 0) {
            return Path.of(args[0]);
        }
        String folder = System.getProperty("experiments.output");
        return folder == null ? null : Path.of(folder).resolve(IpcRoundTrip.class.getSimpleName() + ".csv");
    }

    /**
     * {@link #measureOnce}, tried a second time when the first fails: on a machine loaded by other
     * work a spinning pair can miss its deadline (the peer starved of a core), which says nothing
     * about the transport. A second failure is reported as the error it is.
     */
    private static Run measure(String transport, Settings settings, int round) throws Exception {
        try {
            return measureOnce(transport, settings, round);
        } catch (IllegalStateException first) {
            System.out.println(Table.wrap("(measuring " + transport + " failed once, on a loaded machine, and was"
                    + " repeated: " + first.getMessage().lines().findFirst().orElse("") + ")", 100));
            return measureOnce(transport, settings, round);
        }
    }

    /** One transport's measurement in a fresh pair of JVMs, bounded in time; its /dev/shm files deleted. */
    private static Run measureOnce(String transport, Settings settings, int round) throws Exception {
        List<String> args = List.of("measure", transport, Integer.toString(settings.warmup()),
                Long.toString(settings.warmupMillis()),
                Integer.toString(settings.roundTrips()), Long.toString(settings.messages()),
                Long.toString(settings.millis()), Integer.toString(settings.seconds()));
        ChildJvm measuring = IpcPeer.startJvm(Duration.ofSeconds(settings.seconds() + 10), false, args);
        long pid = measuring.pid();
        try {
            measuring.awaitSuccess();
            Map<String, long[]> lines = new LinkedHashMap<>();
            for (String line : measuring.outputLines()) {
                String[] fields = line.strip().split(" ");
                lines.put(fields[0], Arrays.stream(fields, 1, fields.length).mapToLong(Long::parseLong).toArray());
            }
            long[] rtt = lines.get("rtt");
            long[] warmup = lines.get("warmup");
            long[] throughput = lines.get("throughput");
            long[] allocated = lines.get("allocated");
            if (rtt == null || rtt.length != 6 || warmup == null || warmup.length != 1 || throughput == null
                    || throughput.length != 2 || allocated == null || allocated.length != 2) {
                throw new IllegalStateException("the measurement of " + transport + " printed " + lines.keySet());
            }
            return new Run(transport, round, rtt[0], rtt[1], rtt[2], rtt[3], rtt[4], rtt[5], warmup[0], allocated[0],
                    allocated[1], throughput[0], throughput[1]);
        } finally {
            measuring.close();
            for (Path left : IpcPeer.filesOf(pid)) {
                Files.deleteIfExists(left);
            }
        }
    }

    // ---------------------------------------------------------------- the report

    /** A transport's figures: for each column, the median over its rounds. */
    private record Row(String transport, int rounds, long roundTrips, double p50, double p90, double p99,
                       double p999, double max, double throughput, double allocated, double readerAllocated) {
    }

    private static Row row(String transport, List<Run> runs) {
        List<Run> mine = runs.stream().filter(run -> run.transport().equals(transport)).toList();
        return new Row(transport, mine.size(), mine.stream().mapToLong(Run::roundTrips).min().orElseThrow(),
                median(mine, Run::p50) / 1e3, median(mine, Run::p90) / 1e3, median(mine, Run::p99) / 1e3,
                median(mine, Run::p999) / 1e3, median(mine, Run::max) / 1e3,
                medianOf(mine.stream().mapToDouble(Run::messagesPerSecond).toArray()) / 1e6,
                median(mine, Run::milliBytes) / 1e3, median(mine, Run::readerMilliBytes) / 1e3);
    }

    private static double median(List<Run> runs, java.util.function.ToLongFunction<Run> value) {
        return medianOf(runs.stream().mapToDouble(run -> value.applyAsLong(run)).toArray());
    }

    private static double medianOf(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** Ring / Agrona per round, for one figure of a run. */
    private static double[] perRound(List<Run> runs, java.util.function.ToDoubleFunction<Run> value) {
        List<Run> ring = runs.stream().filter(run -> run.transport().equals("ring")).toList();
        List<Run> agrona = runs.stream().filter(run -> run.transport().equals("agrona")).toList();
        double[] ratios = new double[Math.min(ring.size(), agrona.size())];
        for (int i = 0; i < ratios.length; i++) {
            ratios[i] = value.applyAsDouble(ring.get(i)) / value.applyAsDouble(agrona.get(i));
        }
        return ratios;
    }

    /** The 1-minute load average, from /proc/loadavg. */
    static String loadAverage() throws IOException {
        return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    }

    /** The heap and collector options of the benchmark's JVMs (the others only open the JDK to the code), for the header. */
    private static List<String> heapAndCollector() {
        List<String> options = new ArrayList<>(IpcPeer.JVM_OPTIONS);
        options.addAll(ChildJvm.KIT_OPTIONS);
        return options.stream().filter(option -> !option.startsWith("--")).toList();
    }

    private static void report(List<Run> runs, Settings settings, boolean quick, long seconds, Path csv,
                               String loadBefore) throws IOException {
        int cores = Runtime.getRuntime().availableProcessors();
        String kernel = Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
        StringBuilder head = new StringBuilder();
        if (quick) {
            head.append("QUICK SELF-CHECK (--quick): too few samples to be a measurement; it checks that every"
                    + " transport carries every message, in order, intact. ");
        }
        head.append("64-byte messages between two JVMs on this machine (").append(cores).append(" cores, Linux ")
                .append(kernel).append(", Java ").append(Runtime.version().feature()).append("), all in one run of ")
                .append(seconds).append(" s. Each measurement starts a fresh pair of JVMs with the same options (")
                .append(String.join(" ", heapAndCollector()))
                .append("). Round trip: ").append(String.format(Locale.ROOT, "%,d", settings.warmup()))
                .append(" ping-pongs of warm-up and at least ")
                .append(settings.warmupMillis()).append(" ms of them (").append(warmups(runs)).append("), then ")
                .append(String.format(Locale.ROOT, "%,d", settings.roundTrips())).append(" and at least ")
                .append(settings.millis() / IpcPeer.BURSTS).append(" ms of them (").append(timed(runs))
                .append(") timed one by one with System.nanoTime. One way: the median of ")
                .append(IpcPeer.BURSTS).append(" bursts of ")
                .append(String.format(Locale.ROOT, "%,d", settings.messages() / IpcPeer.BURSTS)).append(" messages or ")
                .append(settings.millis() / IpcPeer.BURSTS).append(" ms, whichever comes first, each timed until the"
                        + " receiver has counted them all, after ").append(settings.warmupMillis())
                .append(" ms of unmeasured bursts. ring and agrona spin on both sides (one core"
                        + " each: the machine has ").append(cores).append("); pipe, uds and tcp block in read(2)."
                        + " Every sequence number is checked. ring and agrona ran in ")
                .append(runs.stream().filter(run -> run.transport().equals("ring")).count())
                .append(" interleaved round(s)").append(plannedRounds(runs, settings))
                .append(": each of their figures is the median over the rounds, and their ratios are taken round by round.");
        head.append(" Load average (1 min) before the run ").append(loadBefore).append(", after ")
                .append(loadAverage()).append(": the machine is shared, and a spinning pair needs both cores.");
        System.out.println(Table.wrap(head.toString(), 100));
        System.out.println();

        List<Row> rows = IpcPeer.TRANSPORTS.stream().map(transport -> row(transport, runs)).toList();
        Row ring = rows.get(0);
        Row agrona = rows.get(1);
        Row uds = rows.get(3);
        Table text = Table.of(1, "transport", "rounds", "RTT p50", "p90", "p99", "p99.9", "max", "M msgs/s",
                "RTT x ring", "B/RT", "B/msg");
        Table data = Table.of(1, "transport", "rounds", "round_trips", "rtt_p50_us", "rtt_p90_us", "rtt_p99_us",
                "rtt_p999_us", "rtt_max_us", "throughput_mmsgs_per_s", "rtt_p50_ratio_to_ring",
                "allocated_bytes_per_round_trip", "reader_allocated_bytes_per_message");
        for (Row row : rows) {
            text.row(row.transport(), (long) row.rounds(), row.p50(), row.p90(), row.p99(), row.p999(), row.max(),
                    row.throughput(), row.p50() / ring.p50(), bytes(row.allocated()), bytes(row.readerAllocated()));
            data.row(row.transport(), (long) row.rounds(), row.roundTrips(), row.p50(), row.p90(), row.p99(), row.p999(),
                    row.max(), row.throughput(), row.p50() / ring.p50(), row.allocated(), row.readerAllocated());
        }
        System.out.print(text.toText());
        System.out.println(Table.wrap("(round trips in µs; M msgs/s: one way, millions of messages per second;"
                + " B/RT: bytes the measuring thread allocated per timed round trip; B/msg: bytes the reading"
                + " side allocated per message of its last one-way burst)", 100));
        System.out.println();

        double[] throughputRatios = perRound(runs, Run::messagesPerSecond);
        double[] rttRatios = perRound(runs, run -> run.p50());
        double throughputRatio = medianOf(throughputRatios);
        double rttRatio = medianOf(rttRatios);
        double udsRatio = uds.p50() / ring.p50();
        System.out.println("ring / agrona throughput, per round: " + list(throughputRatios) + " -> median "
                + Summary.format(throughputRatio));
        System.out.println("ring / agrona RTT median, per round: " + list(rttRatios) + " -> median "
                + Summary.format(rttRatio));
        System.out.println("uds / ring RTT median: " + Summary.format(udsRatio) + " (ring is "
                + Summary.format(udsRatio) + "x faster)");
        System.out.println();
        if (quick) {
            System.out.println(Table.wrap("Self-check passed: every transport carried "
                    + runs.stream().mapToLong(Run::roundTrips).min().orElseThrow() + " or more timed round trips and"
                    + " its bursts, every message checked; no target is judged on a quick run.", 100));
            return;
        }
        String load = loadAverage();
        boolean loaded = Double.parseDouble(loadBefore) > cores || Double.parseDouble(load) > cores;
        String machine = loaded ? " The machine was loaded (load average " + loadBefore + " before, " + load
                + " after, on " + cores + " cores): a spinning process that loses its core for a time slice stalls"
                + " its peer too." : "";
        String slices = " RingReader.poll hands each record to its handler as a new MemorySegment slice, and zeroes"
                + " what it read through slices; when C2 does not inline the whole chain (a spinning poll that mostly"
                + " finds nothing makes the record path look cold), those slices are real objects:";
        String same = " Both rings do the same work per message (copy 64 bytes, publish the length, zero what was"
                + " read, publish the head), and neither allocated per message in this run.";
        String oneWayAllocation = ring.readerAllocated() > agrona.readerAllocated() + 1
                ? slices + " one way, the reading side allocated " + bytes(ring.readerAllocated()) + " bytes per"
                + " message with ring and " + bytes(agrona.readerAllocated()) + " with agrona (whose handler gets"
                + " buffer, index and length): at millions of messages a second that is a young collection every few"
                + " tens of milliseconds, and on a loaded machine each one waits for a core while the peer spins."
                : same;
        String roundTripAllocation = ring.allocated() > agrona.allocated() + 1
                ? slices + " the measuring side allocated " + bytes(ring.allocated()) + " bytes per round trip with"
                + " ring and " + bytes(agrona.allocated()) + " with agrona (whose handler gets buffer, index and"
                + " length), and made calls where agrona's code is inlined."
                : same;
        System.out.println(Table.wrap(verdict("Target 1, ring throughput >= agrona's:", throughputRatio >= THROUGHPUT_TARGET,
                (1 - throughputRatio / THROUGHPUT_TARGET) * 100,
                straddle(throughputRatios, THROUGHPUT_TARGET, "throughput") + machine + oneWayAllocation), 100));
        System.out.println(Table.wrap(verdict("Target 2, ring RTT <= 1.2 x agrona's:", rttRatio <= RTT_TARGET,
                (rttRatio / RTT_TARGET - 1) * 100, straddle(rttRatios, RTT_TARGET, "round trip") + machine
                        + roundTripAllocation),
                100));
        System.out.println(Table.wrap(verdict("Target 3, ring RTT 10 x better than uds:", udsRatio >= UDS_TARGET,
                (1 - udsRatio / UDS_TARGET) * 100, " A spinning ring answers within a cache-line transfer only while"
                        + " both processes hold a core; a Unix domain socket's reader sleeps in the kernel and is"
                        + " woken, which costs about the same loaded or not." + machine), 100));
        if (loaded) {
            System.out.println(Table.wrap("Measured on a loaded machine (load average " + loadBefore + " before, "
                    + load + " after, " + cores + " cores): the spinning transports' figures are less reliable"
                    + " than usual.", 100));
        }
        if (csv != null && !quick) {
            data.writeCsv(csv);
            System.out.println();
            System.out.println("The table is also in " + csv.getFileName() + ".");
        }
    }

    /** Whether the rounds' ratios lie on both sides of the target: then a miss is within the run's noise. */
    private static String straddle(double[] ratios, double target, String what) {
        double least = Arrays.stream(ratios).min().orElse(Double.NaN);
        double most = Arrays.stream(ratios).max().orElse(Double.NaN);
        String range = " The rounds' " + what + " ratios ranged from " + Summary.format(least) + " to "
                + Summary.format(most);
        return least <= target && target <= most ? range + ": they lie on both sides of the target, so the"
                + " miss is within this run's noise." : range + ".";
    }

    private static String bytes(double value) {
        return value < 0.05 ? "0" : Summary.format(value);
    }

    private static String verdict(String target, boolean met, double missedByPercent, String why) {
        return met ? target + " met." : target + String.format(Locale.ROOT, " missed by %.0f %%.", missedByPercent)
                + " Why:" + why;
    }

    /** Why fewer rounds ran than planned, if they did. */
    private static String plannedRounds(List<Run> runs, Settings settings) {
        long done = runs.stream().filter(run -> run.transport().equals("ring")).count();
        return done >= settings.ringRounds() ? "" : " (of " + settings.ringRounds() + " planned: one more would have"
                + " taken the run past " + settings.budget().toSeconds() + " s)";
    }

    /** The fewest and the most round trips a measurement timed. */
    private static String timed(List<Run> runs) {
        long least = runs.stream().mapToLong(Run::roundTrips).min().orElseThrow();
        long most = runs.stream().mapToLong(Run::roundTrips).max().orElseThrow();
        return String.format(Locale.ROOT, "%,d to %,d", least, most);
    }

    /** The fewest and the most warm-up round trips a measurement took. */
    private static String warmups(List<Run> runs) {
        long least = runs.stream().mapToLong(Run::warmup).min().orElseThrow();
        long most = runs.stream().mapToLong(Run::warmup).max().orElseThrow();
        return String.format(Locale.ROOT, "%,d to %,d", least, most);
    }

    private static String list(double[] values) {
        return String.join(" ", Arrays.stream(values).mapToObj(Summary::format).toList());
    }
}
