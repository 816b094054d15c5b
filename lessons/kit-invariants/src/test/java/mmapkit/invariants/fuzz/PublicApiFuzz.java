package mmapkit.invariants.fuzz;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Executable;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The child JVM of {@code PublicApiFuzzTest}: calls every public method and constructor of the
 * toolkit of modules 01-06 (reflection over the solutions' classes, see {@link FuzzTargets}) with
 * bad and boundary arguments (see {@link FuzzValues}), and checks after each call what the house
 * rules promise: the JVM is still alive (else the parent finds the exit status and an
 * {@code hs_err} file), a call that failed left every input file as it was (SHA-256 before and
 * after), and no call, failed or not, leaves a descriptor or a mapping of the fuzz's files behind.
 *
 * <p>Everything follows from the seed: call {@code i} draws its target and its arguments from a
 * {@link Random} seeded with {@code seed * 1_000_003 + i}, so {@code --only i} repeats exactly that
 * call. Before each call the child prints {@code CALL i <target>(<arguments>)} and flushes, so
 * the last such line names the call that killed the JVM.
 *
 * <p>Arguments: {@code <seed> <maxCalls> <maxMillis> <scratchFolder> [--only <i>]}. Exit status 0
 * when every check held, 3 when one did not (the {@code VIOLATION} lines say which), 4 when a
 * call ran longer than {@link #CALL_LIMIT_MILLIS} (the {@code HANG} line names it).
 */
public final class PublicApiFuzz {

    /** A call that runs longer is a hang: every wait the fuzz can ask for is far shorter. */
    static final long CALL_LIMIT_MILLIS = 10_000;
    static final int EXIT_VIOLATION = 3;
    static final int EXIT_HANG = 4;

    private PublicApiFuzz() {
    }

    public static void main(String[] args) throws Exception {
        long seed = Long.parseLong(args[0]);
        int maxCalls = Integer.parseInt(args[1]);
        long maxMillis = Long.parseLong(args[2]);
        Path scratch = Path.of(args[3]);
        int only = args.length > 5 && args[4].equals("--only") ? Integer.parseInt(args[5]) : -1;
        PrintStream out = System.out;

        List<Executable> targets = FuzzTargets.all();
        out.println("TARGETS " + targets.size());
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMillis);
        int violations = 0;
        int calls = 0;
        int returned = 0;
        int first = only >= 0 ? only : 0;
        int last = only >= 0 ? only + 1 : maxCalls;
        for (int i = first; i < last && System.nanoTime() < deadline; i++) {
            Random random = new Random(seed * 1_000_003L + i);
            Path folder = Files.createDirectories(scratch.resolve("call-" + i));
            FuzzValues values = new FuzzValues(random, folder);
            OwnMemoryCalls.current = values;
            Executable target = targets.get(random.nextInt(targets.size()));
            String failure = callOnce(i, target, values, out);
            calls++;
            if (values.returned()) {
                returned++;
            }
            if (failure != null) {
                violations++;
                out.println("VIOLATION " + i + " seed " + seed + ": " + failure);
                out.flush();
            }
            deleteTree(folder);
        }
        out.println("DONE calls " + calls + " violations " + violations + " (returned " + returned + ", threw "
                + (calls - returned) + ")");
        out.flush();
        System.exit(violations == 0 ? 0 : EXIT_VIOLATION);
    }

    /** One call with its checks; the text of what went wrong, or null. */
    private static String callOnce(int index, Executable target, FuzzValues values, PrintStream out) {
        Map<Path, String> before;
        Set<String> descriptorsBefore;
        Set<String> mappingsBefore;
        Object[] arguments;
        Object receiver;
        try {
            receiver = FuzzTargets.isStatic(target) ? null : values.receiver(target.getDeclaringClass());
            arguments = values.arguments(target);
            before = hashes(values.folder());
            descriptorsBefore = openFiles(values.folder());
            mappingsBefore = mappings(values.folder());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare call " + index, e);
        }
        String call = FuzzTargets.describe(target, receiver, arguments);
        out.println("CALL " + index + " " + call);
        out.flush();
        Watchdog watchdog = Watchdog.start(index, call, out);
        Throwable thrown = null;
        Object result = null;
        try {
            result = FuzzTargets.invoke(target, receiver, arguments);
        } catch (Throwable t) {
            thrown = t;
        } finally {
            watchdog.stop();
        }
        out.println(thrown == null ? "  returned" : "  threw " + thrown.getClass().getName() + ": " + firstLine(thrown));
        values.returned(thrown == null);
        values.closeQuietly(result);
        values.closeAll();
        try {
            List<String> problems = new ArrayList<>();
            if (thrown != null) {
                if (thrown instanceof VirtualMachineError && !(thrown instanceof InternalError)
                        && !(thrown instanceof OutOfMemoryError)) {
                    problems.add("the JVM itself failed: " + thrown);
                }
                Map<Path, String> after = hashes(values.folder());
                for (Map.Entry<Path, String> file : before.entrySet()) {
                    String now = after.get(file.getKey());
                    if (!file.getValue().equals(now)) {
                        problems.add("the call failed (" + thrown.getClass().getSimpleName() + ": " + firstLine(thrown)
                                + ") but changed " + file.getKey().getFileName() + (now == null ? " (it is gone)" : ""));
                    }
                }
                for (Path file : after.keySet()) {
                    if (!before.containsKey(file)) {
                        problems.add("the call failed (" + thrown.getClass().getSimpleName() + ": " + firstLine(thrown)
                                + ") but left a new file " + values.folder().relativize(file));
                    }
                }
            }
            Set<String> leakedDescriptors = new TreeSet<>(openFiles(values.folder()));
            leakedDescriptors.removeAll(descriptorsBefore);
            if (!leakedDescriptors.isEmpty()) {
                problems.add("descriptors left open: " + leakedDescriptors);
            }
            Set<String> leakedMappings = new TreeSet<>(mappings(values.folder()));
            leakedMappings.removeAll(mappingsBefore);
            if (!leakedMappings.isEmpty()) {
                problems.add("mappings left behind: " + leakedMappings);
            }
            return problems.isEmpty() ? null : call + ": " + String.join("; ", problems);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check call " + index, e);
        }
    }

    static String firstLine(Throwable t) {
        String message = String.valueOf(t.getMessage());
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /** SHA-256 of every regular file under {@code folder} (the fuzz's input files). */
    private static Map<Path, String> hashes(Path folder) throws IOException {
        Map<Path, String> hashes = new TreeMap<>();
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path file : files.filter(Files::isRegularFile)
                    .filter(file -> !file.getFileName().toString().startsWith(FuzzValues.MAPPED_PREFIX)).toList()) {
                try {
                    MessageDigest digest = MessageDigest.getInstance("SHA-256");
                    hashes.put(file, Files.size(file) + ":" + HexFormat.of().formatHex(digest.digest(Files.readAllBytes(file))));
                } catch (NoSuchAlgorithmException e) {
                    throw new IllegalStateException(e);
                } catch (IOException e) {
                    hashes.put(file, "unreadable: " + e.getClass().getSimpleName());
                }
            }
        }
        return hashes;
    }

    /**
     * The descriptors of this process that point into {@code folder} or at a memfd (by
     * {@code /proc/self/fd}): anything else the JVM opens on its own, class files and jars for one,
     * is none of the toolkit's business.
     */
    private static Set<String> openFiles(Path folder) throws IOException {
        Set<String> open = new TreeSet<>();
        try (Stream<Path> links = Files.list(Path.of("/proc/self/fd"))) {
            for (Path link : links.toList()) {
                try {
                    String target = Files.readSymbolicLink(link).toString();
                    if (target.startsWith(folder.toString()) || target.startsWith("/memfd:")) {
                        open.add("fd " + link.getFileName() + " -> " + target);
                    }
                } catch (IOException gone) {
                    // the descriptor of the listing itself, closed by now
                }
            }
        }
        return open;
    }

    /** The lines of {@code /proc/self/maps} that map a file of {@code folder} or a memfd. */
    private static Set<String> mappings(Path folder) throws IOException {
        Set<String> mapped = new TreeSet<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            if (line.contains(folder.toString()) || line.contains("/memfd:")) {
                mapped.add(line);
            }
        }
        return mapped;
    }

    private static void deleteTree(Path folder) throws IOException {
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                path.toFile().setWritable(true);
                Files.deleteIfExists(path);
            }
        }
    }

    /** Ends the JVM with {@link #EXIT_HANG} when a call runs longer than {@link #CALL_LIMIT_MILLIS}. */
    private static final class Watchdog {
        private final Thread thread;

        private Watchdog(Thread thread) {
            this.thread = thread;
        }

        static Watchdog start(int index, String call, PrintStream out) {
            Thread thread = Thread.ofPlatform().daemon().start(() -> {
                try {
                    Thread.sleep(CALL_LIMIT_MILLIS);
                    out.println("HANG " + index + " ran longer than " + CALL_LIMIT_MILLIS + " ms: " + call);
                    out.flush();
                    Runtime.getRuntime().halt(EXIT_HANG);
                } catch (InterruptedException stopped) {
                    // the call returned in time
                }
            });
            return new Watchdog(thread);
        }

        void stop() {
            thread.interrupt();
        }
    }

    /** Whether a method is one of {@link Object}'s own, which the fuzz leaves out. */
    static boolean isObjectMethod(Method method) {
        return Set.of("equals", "hashCode", "toString", "getClass", "notify", "notifyAll", "wait")
                .contains(method.getName()) || Modifier.isNative(method.getModifiers());
    }
}
