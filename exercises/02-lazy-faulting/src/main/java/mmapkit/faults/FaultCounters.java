package mmapkit.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Page-fault counters of this process and of the calling thread, from {@code /proc}.
 *
 * <p>{@code /proc/PID/stat} is one line: {@code pid (comm) state ppid ...}, fields separated by
 * single spaces; field 10 is {@code minflt} and field 12 {@code majflt} (proc(5), counting from 1).
 * {@code comm}, the thread's name, may itself hold spaces and parentheses (a thread may be called
 * {@code "a) b"}), so the fields must be counted from the <em>last</em> {@code ')'}.
 *
 * <p>Count in the calling thread ({@link #thread()}) when you want the faults of a piece of code:
 * the process counters also take in what the JIT compiler and the garbage collector threads do
 * meanwhile. A virtual thread may move between carrier threads: measure in a platform thread.
 */
public final class FaultCounters {

    /** This process's counters. */
    public static final Path PROCESS_STAT = Path.of("/proc/self/stat");
    /** The calling thread's counters (Linux 3.17 and later). */
    public static final Path THREAD_STAT = Path.of("/proc/thread-self/stat");

    private FaultCounters() {
    }

    /**
     * The fault counts in the text of a {@code stat} file: fields 10 ({@code minflt}) and 12
     * ({@code majflt}), counted after the last {@code ')'}.
     *
     * @throws IllegalArgumentException when the text has no {@code ')'}, too few fields, or a
     *                                  field that is not a number, saying which
     */
    public static Faults parse(String statText) {
        // TODO 02.1 (see hint 02.1)
        throw new UnsupportedOperationException("TODO 02.1: read minflt and majflt after the last ')' (see hint 02.1)");
    }


    /** This process's fault counts so far (all its threads): {@code /proc/self/stat}. */
    public static Faults process() {
        // TODO 02.1 (see hint 02.1)
        throw new UnsupportedOperationException("TODO 02.1: parse /proc/self/stat (see hint 02.1)");
    }

    /** The calling thread's fault counts so far: {@code /proc/thread-self/stat}. */
    public static Faults thread() {
        // TODO 02.1 (see hint 02.1)
        throw new UnsupportedOperationException("TODO 02.1: parse /proc/thread-self/stat (see hint 02.1)");
    }

    /**
     * The faults the calling thread takes while {@code code} runs (reading the counters may add a
     * fault or two of its own; a first reading before the measured one keeps class loading out).
     * Faults of the threads the code starts are not counted.
     */
    public static Faults measure(Runnable code) {
        // TODO 02.1 (see hint 02.1)
        throw new UnsupportedOperationException("TODO 02.1: read the thread's counters before and after (see hint 02.1)");
    }

    /**
     * The text of a small /proc file, read with as little memory traffic as possible (a small heap
     * buffer, no NIO buffer cache), so that reading the counters itself costs next to no fault.
     * Given code: use it in your solutions.
     */
    static String read(Path stat) {
        try (RandomAccessFile file = new RandomAccessFile(stat.toFile(), "r")) {
            byte[] buffer = new byte[1024];
            int length = 0;
            for (int n; (n = file.read(buffer, length, buffer.length - length)) > 0; ) {
                length += n;
                if (length == buffer.length) {
                    buffer = Arrays.copyOf(buffer, buffer.length * 2);
                }
            }
            return new String(buffer, 0, length, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + stat, e);
        }
    }
}
