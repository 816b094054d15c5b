package mmapkit.ipc.experiments;

import mmapkit.faults.bench.ScratchFolder;
import mmapkit.mapping.process.ChildJvm;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The two processes of one transport's measurement in {@link IpcRoundTrip}, which start as that
 * experiment's main with these arguments (so that {@code ./course run} lists one experiment, not
 * its helpers):
 *
 * <pre>
 * java ... IpcRoundTrip measure TRANSPORT WARMUP WARMUP_MILLIS ROUND_TRIPS MESSAGES MILLIS SECONDS
 * java ... IpcRoundTrip echo TRANSPORT WHERE SECONDS     (started by the measuring side)
 * </pre>
 *
 * The measuring side sets the transport up ({@code ring}, {@code agrona}: a file under
 * {@code /dev/shm}; {@code uds}: a socket file there; {@code tcp}: a port on 127.0.0.1;
 * {@code pipe}: the echoing child's standard input and output), starts the echoing side, and then
 * <ol>
 * <li>ping-pong: sends a message and waits for it to come back, unmeasured until it did so
 *     {@code WARMUP} times and for {@code WARMUP_MILLIS} ms, then timing each round trip with
 *     {@code System.nanoTime}, at least {@code ROUND_TRIPS} of them and for at least
 *     {@code MILLIS / 5} ms;</li>
 * <li>one way: bursts of messages sent as fast as the transport takes them, each followed by an
 *     end mark; the echoing side counts them (checking each sequence number in order) and answers
 *     the end mark with its count. From the first send to that answer is the time of the burst.
 *     Unmeasured bursts for {@code WARMUP_MILLIS} ms first, then {@value #BURSTS} bursts of
 *     {@code MESSAGES / 5} messages (or {@code MILLIS / 5} ms, whichever comes first); the median
 *     burst is the result.</li>
 * </ol>
 * It prints {@code rtt N P50 P90 P99 P99.9 MAX} (nanoseconds), {@code warmup N} (round trips),
 * {@code allocated RT MSG} (what the measuring thread allocated per timed round trip, and what
 * the echoing side allocated per message of the last burst, both in thousandths of a byte) and {@code throughput N NANOS},
 * tells the echoing side to quit, and checks it exited cleanly and printed nothing (no warning).
 * Every wait is bounded by {@code SECONDS}; every file it made is deleted.
 */
final class IpcPeer {

    static final List<String> TRANSPORTS = List.of("ring", "agrona", "pipe", "uds", "tcp");

    /**
     * The options of every JVM of the benchmark after {@link ChildJvm#KIT_OPTIONS}, whatever it runs:
     * a fair comparison needs the same ones. Agrona 2 needs the {@code --add-exports} (it uses
     * {@code jdk.internal.misc.Unsafe}, and fails with an {@code IllegalAccessError} without it).
     */
    static final List<String> JVM_OPTIONS = List.of("--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED", "-Xms64m");

    /**
     * Starts a JVM of the benchmark (a measuring side or an echoing peer) with {@link ChildJvm}: the
     * same options for all, standard error apart so that {@link ChildJvm#awaitSuccess()} fails when
     * it printed anything there (a JIT or library warning would mean the comparison is not what it
     * seems), killed with whatever it started when closed.
     *
     * @param pipes true: its standard input and output are pipes to this process (the pipe
     *              transport talks through them); false: its standard output goes to a file
     */
    static ChildJvm startJvm(Duration timeout, boolean pipes, List<String> args) {
        ChildJvm.Builder builder = ChildJvm.builder(IpcRoundTrip.class).timeout(timeout).jvmOptions(JVM_OPTIONS)
                .separateErrors().args(args);
        return (pipes ? builder.pipes() : builder).start();
    }
    private static final Path SHM = ScratchFolder.inSharedMemory();

    private IpcPeer() {
    }

    /** Whether {@code args} ask for one of the two sides rather than for the whole experiment. */
    static boolean isPeer(String[] args) {
        return args.length > 0 && (args[0].equals("measure") || args[0].equals("echo"));
    }

    /** Runs one side: {@code measure ...} or {@code echo ...}. */
    static void run(String[] args) throws Exception {
        if (args.length == 8 && args[0].equals("measure")) {
            measure(transport(args[1]), Integer.parseInt(args[2]), Long.parseLong(args[3]), Integer.parseInt(args[4]),
                    Long.parseLong(args[5]), Long.parseLong(args[6]), Duration.ofSeconds(Long.parseLong(args[7])));
        } else if (args.length == 4 && args[0].equals("echo")) {
            echo(transport(args[1]), args[2], System.nanoTime() + Duration.ofSeconds(Long.parseLong(args[3])).toNanos());
        } else {
            throw new IllegalArgumentException("usage: IpcRoundTrip measure TRANSPORT WARMUP WARMUP_MILLIS ROUND_TRIPS MESSAGES MILLIS"
                    + " SECONDS"
                    + " | IpcRoundTrip echo TRANSPORT WHERE SECONDS, not " + Arrays.toString(args));
        }
    }

    private static String transport(String name) {
        if (!TRANSPORTS.contains(name)) {
            throw new IllegalArgumentException("transport " + name + " must be one of " + TRANSPORTS);
        }
        return name;
    }

    // ---------------------------------------------------------------- the measuring side

    private static void measure(String transport, int warmup, long warmupMillis, int roundTrips, long messages,
            long millis, Duration budget)
            throws Exception {
        long deadline = System.nanoTime() + budget.toNanos();
        Path file = SHM.resolve("ipc-roundtrip-" + ProcessHandle.current().pid() + "-" + transport);
        ChildJvm[] peer = new ChildJvm[1];
        String seconds = Long.toString(Math.max(1, budget.toSeconds()));
        try {
            try (Link link = connect(transport, file, deadline, peer, seconds)) {
                long[] rtt = pingPong(link, warmup, warmupMillis, roundTrips, millis / 5, deadline);
                long[] burst = oneWay(link, messages, millis, warmupMillis);
                link.send(0, Link.QUIT);
                long readerMilliBytes = link.receive();   // the answer to quit: what the reader allocated
                if (link.kind() != Link.ACK) {
                    throw new IllegalStateException("quit was answered with a message of kind " + link.kind());
                }
                peer[0].awaitSuccess(); // exit status 0 and nothing on standard error: no warning
                long[] sorted = rtt.clone();
                Arrays.sort(sorted);
                System.out.printf(Locale.ROOT, "rtt %d %d %d %d %d %d%n", sorted.length, percentile(sorted, 50),
                        percentile(sorted, 90), percentile(sorted, 99), percentile(sorted, 99.9), sorted[sorted.length - 1]);
                System.out.printf(Locale.ROOT, "warmup %d%n", warmedUp);
                System.out.printf(Locale.ROOT, "allocated %d %d%n", Math.round(allocatedPerRoundTrip * 1000),
                        readerMilliBytes); // thousandths of a byte per round trip (here), per message (reader)
                System.out.printf(Locale.ROOT, "throughput %d %d%n", burst[0], burst[1]);
            }
        } finally {
            if (peer[0] != null) {
                peer[0].close();
            }
            Files.deleteIfExists(file);
        }
    }

    /** Sets the transport up, starts the echoing side and connects to it. */
    private static Link connect(String transport, Path file, long deadline, ChildJvm[] peer, String seconds)
            throws IOException, InterruptedException {
        Duration timeout = Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
        switch (transport) {
            case "ring", "agrona" -> {
                Link link = transport.equals("ring")
                        ? RingLink.create(file, deadline, () -> peer[0].isAlive())
                        : AgronaLink.create(file, deadline, () -> peer[0].isAlive());
                try {
                    peer[0] = startJvm(timeout, false, List.of("echo", transport, file.toString(), seconds));
                } catch (RuntimeException e) {
                    link.close();
                    throw e;
                }
                return link;
            }
            case "pipe" -> {
                peer[0] = startJvm(timeout, true, List.of("echo", transport, "-", seconds));
                return StreamLink.of(peer[0].stdout(), peer[0].stdin());
            }
            default -> {
                boolean unix = transport.equals("uds");
                try (ServerSocketChannel server = unix ? ServerSocketChannel.open(StandardProtocolFamily.UNIX)
                        : ServerSocketChannel.open(StandardProtocolFamily.INET)) {
                    server.bind(unix ? UnixDomainSocketAddress.of(file) : new InetSocketAddress("127.0.0.1", 0));
                    String where = unix ? file.toString()
                            : Integer.toString(((InetSocketAddress) server.getLocalAddress()).getPort());
                    peer[0] = startJvm(timeout, false, List.of("echo", transport, where, seconds));
                    server.configureBlocking(false);
                    SocketChannel channel = server.accept();
                    while (channel == null) { // bounded: until the deadline, or the peer died
                        if (System.nanoTime() - deadline > 0 || !peer[0].isAlive()) {
                            throw new IllegalStateException("the echoing side did not connect (alive: " + peer[0].isAlive() + ")");
                        }
                        Thread.sleep(1);
                        channel = server.accept();
                    }
                    channel.configureBlocking(true);
                    if (!unix) {
                        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    }
                    return StreamLink.of(channel);
                }
            }
        }
    }

    /** The most round trips timed per measurement (the array of their times: 8 MB). */
    static final int MAX_ROUND_TRIPS = 1 << 20;

    // tag::ping-pong[]
    /**
     * Round trips unmeasured until there were {@code warmup} and {@code warmupMillis} ms have passed
     * (the JIT compiler needs time, not only calls, and shares the cores with two spinning
     * processes), then timed ones until there were {@code count} and {@code millis} ms have passed
     * (a fast transport gets more samples, so that one hiccup of the machine weighs less), at most
     * {@link #MAX_ROUND_TRIPS}; fewer if the deadline comes first.
     */
    private static long[] pingPong(Link link, int warmup, long warmupMillis, int count, long millis,
                                   long deadline)
            throws IOException {
        long sequence = 0;
        long warmUntil = System.nanoTime() + warmupMillis * 1_000_000;
        while ((sequence < warmup || System.nanoTime() - warmUntil < 0)
                && System.nanoTime() - deadline < 0) {
            roundTrip(link, sequence++);
        }
        long[] nanos = new long[MAX_ROUND_TRIPS];
        int measured = 0;
        long allocatedBefore = allocatedBytes();
        long measureUntil = System.nanoTime() + millis * 1_000_000;
        while ((measured < count || System.nanoTime() - measureUntil < 0) && measured < nanos.length
                && System.nanoTime() - deadline < 0) {
            long start = System.nanoTime();
            roundTrip(link, sequence++);
            nanos[measured++] = System.nanoTime() - start;
        }
        if (measured == 0) {
            throw new IllegalStateException("no round trip measured before the deadline");
        }
        allocatedPerRoundTrip = (double) (allocatedBytes() - allocatedBefore) / measured;
        warmedUp = sequence - measured;
        return Arrays.copyOf(nanos, measured);
    }

    private static void roundTrip(Link link, long sequence) throws IOException {
        link.send(sequence, Link.PING);
        long echoed = link.receive();
        if (echoed != sequence || link.kind() != Link.PONG) {
            throw new IllegalStateException("sent ping " + sequence + ", got back " + echoed
                        + " of kind " + link.kind());
        }
    }

    /** How many round trips the warm-up took (printed with the results). */
    private static long warmedUp;
    /** Bytes this thread allocated per timed round trip: a ring allocating per message pays for it. */
    private static double allocatedPerRoundTrip;

    /** Bytes the current thread has allocated so far (HotSpot counts them per thread). */
    static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getCurrentThreadAllocatedBytes();
    }
    // end::ping-pong[]

    /** Bursts of one-way messages per measurement; the median one is reported. */
    static final int BURSTS = 5;

    /**
     * Unmeasured bursts of a tenth of {@code messages} until {@code warmupMillis} have passed (at
     * least one), then {@link #BURSTS} bursts sharing {@code messages} and {@code millis}: the
     * median of those by rate, as {messages, nanoseconds}.
     */
    private static long[] oneWay(Link link, long messages, long millis, long warmupMillis) throws IOException {
        long warmUntil = System.nanoTime() + warmupMillis * 1_000_000;
        do {
            burst(link, Math.max(1, messages / 10), Math.max(1, millis / 10));
        } while (System.nanoTime() - warmUntil < 0);
        long[][] bursts = new long[BURSTS][];
        for (int i = 0; i < BURSTS; i++) {
            bursts[i] = burst(link, Math.max(1, messages / BURSTS), Math.max(1, millis / BURSTS));
        }
        Arrays.sort(bursts, (a, b) -> Double.compare((double) a[0] / a[1], (double) b[0] / b[1]));
        return bursts[BURSTS / 2];
    }

    // tag::one-way[]
    /**
     * Sends up to {@code messages} for at most {@code millis} ms and an end mark:
     * {messages, nanoseconds until counted}.
     */
    private static long[] burst(Link link, long messages, long millis) throws IOException {
        long start = System.nanoTime();
        long until = start + millis * 1_000_000;
        long sent = 0;
        while (sent < messages && ((sent & 1023) != 0 || System.nanoTime() - until < 0)) {
            link.send(sent, Link.DATA);
            sent++;
        }
        link.send(sent, Link.END);
        long counted = link.receive();                         // the peer's count, once it has them all
        long elapsed = System.nanoTime() - start;
        if (counted != sent || link.kind() != Link.ACK) {
            throw new IllegalStateException("sent " + sent + " messages, the peer counted " + counted);
        }
        return new long[] {sent, elapsed};
    }
    // end::one-way[]

    /** The nearest-rank percentile of sorted values. */
    static long percentile(long[] sorted, double percent) {
        int rank = (int) Math.ceil(percent / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    // ---------------------------------------------------------------- the echoing side

    private static void echo(String transport, String where, long deadline) throws Exception {
        try (Link link = switch (transport) {
            case "ring" -> RingLink.attach(Path.of(where), deadline);
            case "agrona" -> AgronaLink.attach(Path.of(where), deadline);
            case "pipe" -> StreamLink.of(new FileInputStream(FileDescriptor.in), new FileOutputStream(FileDescriptor.out));
            case "uds" -> StreamLink.of(SocketChannel.open(UnixDomainSocketAddress.of(where)));
            default -> {
                SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", Integer.parseInt(where)));
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                yield StreamLink.of(channel);
            }
        }) {
            echoLoop(link, deadline);
        }
    }

    // tag::echo[]
    /**
     * Echoes pings, counts data messages (in order), answers end marks with the count, until told
     * to quit; answers that with the bytes it allocated per message in the last burst (in
     * thousandths of a byte: a reader that allocates per record shows here).
     */
    private static void echoLoop(Link link, long deadline) throws IOException {
        long expected = 0;
        long allocatedAtStart = 0;
        long lastBurstMilliBytes = 0;
        while (System.nanoTime() - deadline < 0) {
            long sequence = link.receive();
            switch (link.kind()) {
                case Link.PING -> link.send(sequence, Link.PONG);
                case Link.DATA -> {
                    if (sequence != expected) {
                        throw new IllegalStateException("expected message " + expected
                        + ", got " + sequence);
                    }
                    if (expected == 0) {
                        allocatedAtStart = allocatedBytes();
                    }
                    expected++;
                }
                case Link.END -> {
                    if (sequence != expected) {
                        throw new IllegalStateException("end mark after " + sequence
                            + " messages, counted " + expected);
                    }
                    lastBurstMilliBytes = expected == 0 ? 0
                        : (allocatedBytes() - allocatedAtStart) * 1000 / expected;
                    link.send(expected, Link.ACK);
                    expected = 0;
                }
                case Link.QUIT -> {
                    link.send(lastBurstMilliBytes, Link.ACK);
                    return;
                }
                default -> throw new IllegalStateException("unexpected message kind " + link.kind());
            }
        }
    }
    // end::echo[]

    /** The files under /dev/shm that the measuring process {@code pid} makes (it deletes them; a killed one cannot). */
    static List<Path> filesOf(long pid) throws IOException {
        List<Path> found = new ArrayList<>();
        try (var files = Files.list(SHM)) {
            files.filter(path -> path.getFileName().toString().startsWith("ipc-roundtrip-" + pid + "-")).forEach(found::add);
        }
        return found;
    }
}
