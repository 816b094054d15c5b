package mmapkit.faults;

import mmapkit.mapping.Pages;
import mmapkit.mapping.RawMapping;
import mmapkit.mapping.natives.NativeCallException;
import mmapkit.mapping.proc.ProcStatus;

import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * Making pages resident and non-resident on purpose: touching them, evicting a file from the
 * page cache, {@code madvise} hints, populating a range in advance, and locking pages in RAM.
 *
 * <p>Every segment must be native memory that starts on a page boundary and belongs to an open
 * mapping; page numbers count from its start. A WRITE touch needs a writable mapping: the JDK
 * refuses a store to a read-only segment, but a {@code RawMapping} made with {@code PROT_READ}
 * is writable for Java and a store there crashes the JVM (SIGSEGV).
 */
public final class PageControl {

    /** An int view for the store of a WRITE touch: {@code getAndAdd(0)} stores without changing a byte. */
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    /** Where the bytes a READ touch loads go, so that the JIT compiler cannot drop the loads. */
    private static volatile long sink;

    private PageControl() {
    }

    /**
     * Touches every page of {@code segment} once, at its first byte, in order: a load for READ, a
     * store that keeps the byte's value for WRITE. Each page that is not mapped yet faults in.
     *
     * @throws IllegalArgumentException for a segment not starting on a page boundary, or a WRITE to a
     *                                  read-only one
     * @throws IllegalStateException    for a segment of a closed mapping
     */
    public static void touch(MemorySegment segment, Access access) {
        // TODO 02.3 (see hint 02.3)
        throw new UnsupportedOperationException("TODO 02.3: access the first byte of every page (see hint 02.3)");
    }

    /**
     * Touches the given pages of {@code segment}, once each, in the order given.
     *
     * @throws IllegalArgumentException for a page outside the segment (before touching any), a segment
     *                                  not starting on a page boundary, or a WRITE to a read-only one
     */
    public static void touchPages(MemorySegment segment, Access access, long... pages) {
        // TODO 02.3 (see hint 02.3)
        throw new UnsupportedOperationException("TODO 02.3: access the first byte of each page asked for (see hint 02.3)");
    }


    /**
     * Evicts a file's pages from the page cache, as {@code vmtouch -e} does: writes dirty pages back
     * ({@code fsync}, through {@link FileChannel#force}), then {@code posix_fadvise(POSIX_FADV_DONTNEED)}.
     *
     * <p>Pages that some process still maps stay in the page cache: unmap them first, or drop this
     * process's page table entries with {@link Advice#DONTNEED}. The kernel may also keep a page
     * that is busy; check with {@link Residency#ofFile(Path)}.
     *
     * @throws UncheckedIOException when the file cannot be opened or synced
     */
    public static void evict(Path file) {
        // TODO 02.3 (see hint 02.3)
        throw new UnsupportedOperationException("TODO 02.3: write dirty pages back, then posix_fadvise DONTNEED (see hint 02.3)");
    }

    /**
     * Gives the kernel a hint about {@code segment}: {@code madvise(address, size, advice)}.
     *
     * <p>{@link Advice#DONTNEED} works on whole pages: the kernel rounds the length up and drops the
     * whole last page, bytes past the segment included. Those may belong to someone else (another
     * allocation of the native heap, whose memory would read zero afterwards), so DONTNEED takes only
     * a segment of whole pages, such as {@code MappedFile.pageSpan()}.
     *
     * @throws IllegalArgumentException for a segment not starting on a page boundary, or DONTNEED on a
     *                                  segment whose size is not a multiple of the page size
     * @throws IllegalStateException    for a segment of a closed mapping
     * @throws NativeCallException      when madvise fails (such as ENOMEM for a range not mapped)
     */
    public static void advise(MemorySegment segment, Advice advice) {
        // TODO 02.4 (see hint 02.4)
        throw new UnsupportedOperationException("TODO 02.4: call madvise with the advice's number (see hint 02.4)");
    }

    /**
     * Faults in every page of {@code segment} now, readable ({@code MADV_POPULATE_READ}) or writable
     * ({@code MADV_POPULATE_WRITE}, which breaks copy-on-write like a store), and reports failure where
     * a touch would raise SIGBUS or SIGSEGV. Needs Linux 5.14.
     *
     * @throws PopulateException             when a page cannot be populated (EFAULT: beyond the end of the
     *                                       file; EINVAL: WRITE on a read-only mapping; ENOMEM: not mapped)
     * @throws UnsupportedOperationException on a kernel older than 5.14
     * @throws IllegalArgumentException      for a segment not starting on a page boundary
     */
    public static void populate(MemorySegment segment, Access access) {
        // TODO 02.4 (see hint 02.4)
        throw new UnsupportedOperationException(
                "TODO 02.4: call madvise MADV_POPULATE_READ or _WRITE and report failures (see hint 02.4)");
    }


    /**
     * Maps a whole file read-only and shared with {@code MAP_POPULATE}: mmap reads the file in and maps
     * every page before it returns, so touching the pages costs no fault. Unlike
     * {@link #populate(MemorySegment, Access)}, mmap reports no failure to populate. The descriptor is
     * closed before this returns; close the mapping when done.
     *
     * @throws IllegalArgumentException for an empty file (nothing to map)
     * @throws UncheckedIOException     when the file's size cannot be read
     */
    public static RawMapping mapPopulated(Path file) {
        // TODO 02.4 (see hint 02.4)
        throw new UnsupportedOperationException("TODO 02.4: mmap the file with MAP_POPULATE (see hint 02.4)");
    }

    /**
     * Locks pages {@code firstPage .. firstPage + pageCount - 1} of {@code segment} in RAM and returns
     * the lock; closing it unlocks them. {@link LockMode#NOW} ({@code mlock}) faults every page in
     * before it returns and reports failure; {@link LockMode#ON_FAULT} ({@code mlock2} with
     * {@code MLOCK_ONFAULT}) locks each page when it is first touched. Locked pages stay resident: they
     * are not evicted or swapped out, though the kernel may still move them to other frames.
     *
     * <p>The range must be whole pages of the segment: the kernel locks whole pages, and a page shared
     * with bytes past the segment would be locked (and unlocked) for someone else too.
     *
     * @throws IllegalArgumentException for a segment not starting on a page boundary, a negative
     *                                  {@code pageCount} or a range that leaves the segment or ends in
     *                                  its last partial page, naming the argument
     * @throws IllegalStateException    for a segment of a closed mapping
     * @throws NativeCallException      when mlock fails: ENOMEM over {@code RLIMIT_MEMLOCK} (the message
     *                                  names the limit) or for memory not mapped, EPERM when the limit is 0
     */
    public static PageLock lock(MemorySegment segment, long firstPage, long pageCount, LockMode mode) {
        // TODO 02.4 (see hint 02.4)
        throw new UnsupportedOperationException("TODO 02.4: check the range, then mlock or mlock2 (see hint 02.4)");
    }

    /** The bytes this process has locked in RAM now: {@code VmLck} of {@code /proc/self/status}. */
    public static long lockedBytes() {
        return ProcStatus.lockedBytes();
    }

    /** Whether a release such as {@code 6.8.0-45-generic} is at least {@code major.minor}. */
    static boolean kernelAtLeast(String release, int major, int minor) {
        String[] parts = release.split("[.-]");
        try {
            int releaseMajor = Integer.parseInt(parts[0]);
            int releaseMinor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
            return releaseMajor > major || (releaseMajor == major && releaseMinor >= minor);
        } catch (NumberFormatException e) {
            return true; // an unusual release string: assume a recent kernel and report its errno as it is
        }
    }
}
