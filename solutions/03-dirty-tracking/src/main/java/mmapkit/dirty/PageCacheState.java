package mmapkit.dirty;

import mmapkit.dirty.natives.CachestatCall;
import mmapkit.mapping.natives.NativeCallException;
import mmapkit.mapping.natives.PosixFiles;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A file's pages in the page cache, as {@code cachestat(2)} counts them (Linux 6.5 and later): cached,
 * dirty, under writeback, evicted. It asks about the file, whoever maps or writes it; it needs no mapping.
 *
 * <p>Kernels older than 6.5 have no such call ({@code ENOSYS}): {@link #supported()} says so, and
 * {@link #unsupportedReason()} says why.
 */
public final class PageCacheState {

    // SOLUTION-BEGIN 03.2
    /** The probe's answer: "" when cachestat works, else why not. Computed once. */
    private static volatile String reason;
    // SOLUTION-END

    private PageCacheState() {
    }

    /**
     * Whether this kernel has cachestat. Probes once, by calling it on an invalid file descriptor (-1):
     * a kernel with the call answers {@code EBADF}, one without it {@code ENOSYS}.
     */
    public static boolean supported() {
        // SOLUTION-BEGIN 03.2
        return unsupportedReason().isEmpty();
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 03.2: probe for cachestat (see hint 03.2)");
        // SOLUTION-END
    }

    /**
     * Why cachestat cannot be used here, such as {@code "cachestat (system call 451) is not in this kernel
     * (ENOSYS): it needs Linux 6.5 or later, this is 6.1.0"}; the empty string when it can.
     */
    public static String unsupportedReason() {
        // SOLUTION-BEGIN 03.2
        String known = reason;
        if (known == null) {
            known = probe();
            reason = known;
        }
        return known;
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 03.2: probe for cachestat (see hint 03.2)");
        // SOLUTION-END
    }

    // SOLUTION-BEGIN 03.2
    private static String probe() {
        try (Arena arena = Arena.ofConfined()) {
            CachestatCall.cachestat(-1, 0, 0, arena.allocate(CachestatCall.STAT));
            return "cachestat accepted file descriptor -1: cannot tell whether it works";
        } catch (NativeCallException e) {
            return switch (e.errnoName()) {
                case "EBADF" -> ""; // the call exists and checked its descriptor
                case "ENOSYS" -> "cachestat (system call " + CachestatCall.SYS_CACHESTAT + ") is not in this kernel (ENOSYS):"
                        + " it needs Linux 6.5 or later, this is " + System.getProperty("os.version");
                default -> "cachestat probe failed with " + e.errnoName() + " (" + e.meaning() + ")";
            };
        }
    }
    // SOLUTION-END

    /**
     * Counts the pages of {@code [offset, offset + length)} of {@code file} (rounded out to whole pages):
     * cached, dirty, under writeback, evicted. A {@code length} of 0 means "up to the end of the file",
     * as for the system call. Opens the file read-only for the call and closes it.
     *
     * @throws IllegalArgumentException      for a negative offset or length, naming it and its value
     * @throws UnsupportedOperationException where the kernel lacks cachestat, with {@link #unsupportedReason()}
     * @throws NativeCallException           when the file cannot be opened, or the call fails
     */
    public static CacheStat of(Path file, long offset, long length) {
        // SOLUTION-BEGIN 03.2
        Objects.requireNonNull(file, "file");
        KernelViewChecks.notNegative("offset", offset);
        KernelViewChecks.notNegative("length", length);
        if (!supported()) {
            throw new UnsupportedOperationException(unsupportedReason());
        }
        int fd = PosixFiles.open(file, PosixFiles.O_RDONLY, 0);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment counts = arena.allocate(CachestatCall.STAT);
            CachestatCall.cachestat(fd, offset, length, counts);
            return new CacheStat(counts.get(ValueLayout.JAVA_LONG, 0), counts.get(ValueLayout.JAVA_LONG, 8),
                    counts.get(ValueLayout.JAVA_LONG, 16), counts.get(ValueLayout.JAVA_LONG, 24),
                    counts.get(ValueLayout.JAVA_LONG, 32));
        } finally {
            PosixFiles.close(fd);
        }
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 03.2: call cachestat on the file's range (see hint 03.2)");
        // SOLUTION-END
    }

    /** {@link #of(Path, long, long)} for the whole file. */
    public static CacheStat of(Path file) {
        return of(file, 0, 0);
    }
}
