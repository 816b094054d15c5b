package mmapkit.dirty;

import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * The kernel's settings for writing dirty pages back, from {@code /proc/sys/vm} (the {@code vm.dirty_*} sysctls).
 *
 * <p>The flusher threads wake every {@code dirty_writeback_centisecs} and write the pages that have been dirty
 * for longer than {@code dirty_expire_centisecs}. Besides, when dirty pages exceed the background threshold
 * the flushers start writing at once, and when they exceed the hard threshold, a process that writes is made
 * to wait (throttled) while they are written. Each threshold is either a number of bytes ({@code *_bytes}) or,
 * when that is 0, a percentage of <em>available</em> memory ({@code *_ratio}; free plus reclaimable, not total).
 *
 * @param dirtyExpireCentisecs    age in hundredths of a second after which a dirty page is written back
 *                                ({@code dirty_expire_centisecs}, 3000 = 30 s by default)
 * @param dirtyWritebackCentisecs how often the flusher threads wake, in hundredths of a second
 *                                ({@code dirty_writeback_centisecs}, 500 = 5 s by default; 0 = never periodically)
 * @param dirtyBackgroundRatio    percent of available memory dirty at which background writeback starts
 *                                ({@code dirty_background_ratio}, 10 by default)
 * @param dirtyRatio              percent of available memory dirty at which writers are throttled
 *                                ({@code dirty_ratio}, 20 by default)
 * @param dirtyBackgroundBytes    the background threshold in bytes; 0 means the ratio applies
 *                                ({@code dirty_background_bytes})
 * @param dirtyBytes              the throttling threshold in bytes; 0 means the ratio applies ({@code dirty_bytes})
 */
public record WritebackSettings(int dirtyExpireCentisecs, int dirtyWritebackCentisecs, int dirtyBackgroundRatio,
                                int dirtyRatio, long dirtyBackgroundBytes, long dirtyBytes) {

    /** The folder of the {@code vm.*} sysctls. */
    public static final Path PROC_SYS_VM = Path.of("/proc/sys/vm");

    /** The settings now, from {@code /proc/sys/vm}. */
    public static WritebackSettings current() {
        return read(PROC_SYS_VM);
    }

    /**
     * Reads the six files {@code dirty_expire_centisecs}, {@code dirty_writeback_centisecs},
     * {@code dirty_background_ratio}, {@code dirty_ratio}, {@code dirty_background_bytes} and {@code dirty_bytes}
     * of {@code folder} ({@code /proc/sys/vm}, or a copy of it); each holds one number and a newline.
     *
     * @throws IllegalArgumentException when a file does not hold a number, naming the file and its text
     * @throws UncheckedIOException     when a file cannot be read, naming it
     */
    public static WritebackSettings read(Path folder) {
        // TODO 03.4 (see hint 03.4)
        throw new UnsupportedOperationException("TODO 03.4: read the six dirty_* files of " + folder + " (see hint 03.4)");
    }


    /** How long a page may stay dirty before the flushers write it, in milliseconds. */
    public long expireMillis() {
        return dirtyExpireCentisecs * 10L;
    }

    /** How often the flushers wake, in milliseconds (0: they do not wake periodically). */
    public long writebackIntervalMillis() {
        return dirtyWritebackCentisecs * 10L;
    }

    /**
     * The settings in plain words, one per line, such as (with the defaults; two long lines are
     * broken here, their rest indented)
     * <pre>
     * A dirty page is written back once it has been dirty for 30 s (dirty_expire_centisecs = 3000).
     * The flusher threads wake every 5 s to look for such pages (dirty_writeback_centisecs = 500).
     * Background writeback starts when dirty pages exceed 10% of available memory
     *   (dirty_background_ratio = 10; dirty_background_bytes = 0, so the ratio applies).
     * A process that writes is throttled when dirty pages exceed 20% of available memory
     *   (dirty_ratio = 20; dirty_bytes = 0, so the ratio applies).
     * So a page written once and left alone reaches the disk between 30 s and 35 s after the write.
     * </pre>
     * A non-zero {@code *_bytes} replaces its ratio ("exceed 64 MiB (dirty_bytes = 67108864; dirty_ratio is not used)").
     * A {@code dirty_writeback_centisecs} of 0 turns periodic writeback off.
     */
    public String explain() {
        // TODO 03.4 (see hint 03.4)
        throw new UnsupportedOperationException("TODO 03.4: explain the settings in plain words (see hint 03.4)");
    }

}
