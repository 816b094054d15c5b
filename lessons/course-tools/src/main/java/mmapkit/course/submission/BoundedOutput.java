package mmapkit.course.submission;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Drains a grading process's standard output or error in a thread of its own, keeping only the
 * last {@link #KEPT_BYTES} bytes: a process that prints gigabytes costs the grader nothing but
 * the time to read them, and never blocks on a full pipe.
 */
final class BoundedOutput {

    static final int KEPT_BYTES = 256 * 1024;

    private final byte[] ring = new byte[KEPT_BYTES];
    private long total;
    private final Thread thread;

    private BoundedOutput(InputStream in, String name) {
        thread = Thread.ofPlatform().daemon().name(name).start(() -> drain(in));
    }

    static BoundedOutput drain(InputStream in, String name) {
        return new BoundedOutput(in, name);
    }

    private void drain(InputStream in) {
        byte[] buffer = new byte[16 * 1024];
        try (in) {
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                synchronized (this) {
                    for (int i = 0; i < read; i++) {
                        ring[(int) (total++ % KEPT_BYTES)] = buffer[i];
                    }
                }
            }
        } catch (IOException ignored) {
            // the process ended
        }
    }

    /** Waits (at most {@code millis}) for the stream to end. */
    void awaitEnd(long millis) {
        try {
            thread.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** How many bytes the process wrote in all. */
    synchronized long total() {
        return total;
    }

    /** The lines of what was kept (the first may be cut). */
    synchronized List<String> lines() {
        int kept = (int) Math.min(total, KEPT_BYTES);
        byte[] tail = new byte[kept];
        long start = total - kept;
        for (int i = 0; i < kept; i++) {
            tail[i] = ring[(int) ((start + i) % KEPT_BYTES)];
        }
        List<String> lines = new String(tail, StandardCharsets.UTF_8).lines().toList();
        return start > 0 && !lines.isEmpty() ? lines.subList(1, lines.size()) : lines;
    }
}
