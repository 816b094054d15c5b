package mmapkit.faults;

import mmapkit.faults.natives.AdviceCalls;
import mmapkit.faults.natives.LockCalls;
import mmapkit.mapping.Pages;
import mmapkit.mapping.RawMapping;
import mmapkit.mapping.natives.MemoryMapCalls;
import mmapkit.mapping.natives.NativeCallException;
import mmapkit.mapping.natives.PosixFiles;
import mmapkit.mapping.proc.ProcStatus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

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
        // SOLUTION-BEGIN 02.3
        checkTouch(segment, access);
        long pages = Arguments.pagesOf(segment);
        long sum = 0;
        for (long page = 0; page < pages; page++) {
            sum += touchOne(segment, access, page);
        }
        sink = sum;
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 02.3: access the first byte of every page (see hint 02.3)");
        // SOLUTION-END
    }

    /**
     * Touches the given pages of {@code segment}, once each, in the order given.
     *
     * @throws IllegalArgumentException for a page outside the segment (before touching any), a segment
     *                                  not starting on a page boundary, or a WRITE to a read-only one
     */
    public static void touchPages(MemorySegment segment, Access access, long... pages) {
        // SOLUTION-BEGIN 02.3
        checkTouch(segment, access);
        Objects.requireNonNull(pages, "pages");
        long pageCount = Arguments.pagesOf(segment);
        for (long page : pages) {
            Arguments.page("page", page, pageCount);
        }
        long sum = 0;
        for (long page : pages) {
            sum += touchOne(segment, access, page);
        }
        sink = sum;
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 02.3: access the first byte of each page asked for (see hint 02.3)");
        // SOLUTION-END
    }

    // SOLUTION-BEGIN 02.3
    private static void checkTouch(MemorySegment segment, Access access) {
        Arguments.pageAlignedSegment("segment", segment);
        Objects.requireNonNull(access, "access");
        if (access == Access.WRITE && segment.isReadOnly()) {
            throw new IllegalArgumentException("segment at 0x" + Long.toHexString(segment.address())
                    + " is read-only: a WRITE touch needs a writable mapping (SHARED or PRIVATE)");
        }
    }

    private static long touchOne(MemorySegment segment, Access access, long page) {
        long offset = page * Pages.size();
        if (access == Access.READ) {
            return segment.get(ValueLayout.JAVA_BYTE, offset);
        }
        if (segment.byteSize() - offset >= Integer.BYTES) {
            // one store, as a single instruction (lock xadd): one write fault, and the data stays as it was
            return (int) INT.getAndAdd(segment, offset, 0);
        }
        byte value = segment.get(ValueLayout.JAVA_BYTE, offset); // a last page shorter than an int
        segment.set(ValueLayout.JAVA_BYTE, offset, value);
        return value;
    }
    // SOLUTION-END

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
        // SOLUTION-BEGIN 02.3
        Objects.requireNonNull(file, "file");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            channel.force(true); // dirty pages cannot be dropped: write them back first
        } catch (IOException e) {
            throw new UncheckedIOException("cannot sync " + file + " before evicting it", e);
        }
        int fd = PosixFiles.open(file, PosixFiles.O_RDONLY, 0);
        try {
            AdviceCalls.posixFadvise(fd, 0, 0, AdviceCalls.POSIX_FADV_DONTNEED); // length 0: to the end
        } finally {
            PosixFiles.close(fd);
        }
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 02.3: write dirty pages back, then posix_fadvise DONTNEED (see hint 02.3)");
        // SOLUTION-END
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
        // SOLUTION-BEGIN 02.4
        Arguments.pageAlignedSegment("segment", segment);
        Objects.requireNonNull(advice, "advice");
        if (advice == Advice.DONTNEED && !Pages.isAligned(segment.byteSize())) {
            throw new IllegalArgumentException("segment of " + segment.byteSize() + " bytes ends inside a page:"
                    + " DONTNEED drops whole pages, so its size must be a multiple of the page size " + Pages.size()
                    + " (the bytes past the segment in its last page may belong to someone else)");
        }
        if (segment.byteSize() > 0) {
            AdviceCalls.madvise(segment.address(), segment.byteSize(), advice.value());
        }
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 02.4: call madvise with the advice's number (see hint 02.4)");
        // SOLUTION-END
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
        // SOLUTION-BEGIN 02.4
        Arguments.pageAlignedSegment("segment", segment);
        Objects.requireNonNull(access, "access");
        if (segment.byteSize() == 0) {
            return;
        }
        int advice = access == Access.READ ? AdviceCalls.MADV_POPULATE_READ : AdviceCalls.MADV_POPULATE_WRITE;
        try {
            AdviceCalls.madvise(segment.address(), segment.byteSize(), advice);
        } catch (NativeCallException e) {
            if (e.errnoName().equals("EINVAL") && !kernelAtLeast(System.getProperty("os.version"), 5, 14)) {
                throw new UnsupportedOperationException(AdviceCalls.adviceName(advice) + " needs Linux 5.14 or later;"
                        + " this kernel is " + System.getProperty("os.version") + " and answered EINVAL: touch the pages instead", e);
            }
            long failing = firstFailingPage(segment, advice);
            throw new PopulateException(AdviceCalls.adviceName(advice) + " of " + segment.byteSize() + " bytes at 0x"
                    + Long.toHexString(segment.address()) + " (pages 0.." + (Arguments.pagesOf(segment) - 1) + ") failed: "
                    + e.errnoName() + " (" + e.meaning() + ")"
                    + (failing >= 0 ? ", first at page " + failing + " (offset " + failing * Pages.size() + ")" : "")
                    + ": " + explain(e.errnoName(), access), access, segment.address(), segment.byteSize(), failing, e);
        }
        // SOLUTION-STUB
        // throw new UnsupportedOperationException(
        //         "TODO 02.4: call madvise MADV_POPULATE_READ or _WRITE and report failures (see hint 02.4)");
        // SOLUTION-END
    }

    // SOLUTION-BEGIN 02.4
    /** Populates page by page until one fails: the pages before it are populated already, so this is cheap. */
    private static long firstFailingPage(MemorySegment segment, int advice) {
        long pages = Arguments.pagesOf(segment);
        for (long page = 0; page < pages; page++) {
            try {
                AdviceCalls.madvise(segment.address() + page * Pages.size(), Pages.size(), advice);
            } catch (NativeCallException e) {
                return page;
            }
        }
        return -1;
    }

    private static String explain(String errnoName, Access access) {
        return switch (errnoName) {
            case "EFAULT" -> "a page cannot be faulted in, as a page beyond the end of the file, where a "
                    + access.name().toLowerCase(java.util.Locale.ROOT) + " would raise SIGBUS";
            case "EINVAL" -> access == Access.WRITE
                    ? "the mapping is not writable (or cannot be populated at all, as VM_IO or VM_PFNMAP memory)"
                    : "the mapping cannot be populated (no read permission, or VM_IO or VM_PFNMAP memory)";
            case "ENOMEM" -> "part of the range is not mapped";
            case "EHWPOISON" -> "a page is hardware-poisoned";
            case "EINTR" -> "a signal interrupted it: try again";
            default -> "see madvise(2)";
        };
    }
    // SOLUTION-END

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
        // SOLUTION-BEGIN 02.4
        Objects.requireNonNull(file, "file");
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the size of " + file, e);
        }
        if (size == 0) {
            throw new IllegalArgumentException("file " + file + " is empty: there is nothing to map");
        }
        int fd = PosixFiles.open(file, PosixFiles.O_RDONLY, 0);
        try {
            return RawMapping.map(size, MemoryMapCalls.PROT_READ, MemoryMapCalls.MAP_SHARED | MemoryMapCalls.MAP_POPULATE,
                    fd, 0);
        } finally {
            PosixFiles.close(fd); // the mapping keeps the file open
        }
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 02.4: mmap the file with MAP_POPULATE (see hint 02.4)");
        // SOLUTION-END
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
        // SOLUTION-BEGIN 02.4
        Arguments.pageAlignedSegment("segment", segment);
        Objects.requireNonNull(mode, "mode");
        long wholePages = segment.byteSize() / Pages.size();
        if (pageCount < 0) {
            throw new IllegalArgumentException("pageCount " + pageCount + " must not be negative");
        }
        if (firstPage < 0 || firstPage > wholePages || pageCount > wholePages - firstPage) {
            throw new IllegalArgumentException("firstPage " + firstPage + " with pageCount " + pageCount
                    + " leaves the " + wholePages + " whole pages of the segment (" + segment.byteSize()
                    + " bytes): the range must be in 0.." + wholePages + ", a partial last page excluded");
        }
        long address = segment.address() + firstPage * Pages.size();
        long length = pageCount * Pages.size();
        if (length > 0) {
            try {
                if (mode == LockMode.NOW) {
                    LockCalls.mlock(address, length);
                } else {
                    LockCalls.mlock2(address, length, LockCalls.MLOCK_ONFAULT);
                }
            } catch (NativeCallException e) {
                if (e.errnoName().equals("ENOMEM") || e.errnoName().equals("EPERM")) {
                    MemlockLimit limit = MemlockLimit.current();
                    if (limit.applies()) {
                        throw new NativeCallException(e.call() + " with " + limit + " and "
                                + ProcStatus.lockedBytes() + " bytes locked already", e.errno());
                    }
                }
                throw e;
            }
        }
        return new PageLock(address, length, mode);
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 02.4: check the range, then mlock or mlock2 (see hint 02.4)");
        // SOLUTION-END
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
