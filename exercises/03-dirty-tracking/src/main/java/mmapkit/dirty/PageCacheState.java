package mmapkit.dirty;

import mmapkit.mapping.natives.NativeCallException;

import java.nio.file.Path;

/**
 * A file's pages in the page cache, as {@code cachestat(2)} counts them (Linux 6.5 and later): cached,
 * dirty, under writeback, evicted. It asks about the file, whoever maps or writes it; it needs no mapping.
 *
 * <p>Kernels older than 6.5 have no such call ({@code ENOSYS}): {@link #supported()} says so, and
 * {@link #unsupportedReason()} says why.
 */
public final class PageCacheState {


    private PageCacheState() {
    }

    /**
     * Whether this kernel has cachestat. Probes once, by calling it on an invalid file descriptor (-1):
     * a kernel with the call answers {@code EBADF}, one without it {@code ENOSYS}.
     */
    public static boolean supported() {
        // TODO 03.2 (see hint 03.2)
        throw new UnsupportedOperationException("TODO 03.2: probe for cachestat (see hint 03.2)");
    }

    /**
     * Why cachestat cannot be used here, such as {@code "cachestat (system call 451) is not in this kernel
     * (ENOSYS): it needs Linux 6.5 or later, this is 6.1.0"}; the empty string when it can.
     */
    public static String unsupportedReason() {
        // TODO 03.2 (see hint 03.2)
        throw new UnsupportedOperationException("TODO 03.2: probe for cachestat (see hint 03.2)");
    }


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
        // TODO 03.2 (see hint 03.2)
        throw new UnsupportedOperationException("TODO 03.2: call cachestat on the file's range (see hint 03.2)");
    }

    /** {@link #of(Path, long, long)} for the whole file. */
    public static CacheStat of(Path file) {
        return of(file, 0, 0);
    }
}
