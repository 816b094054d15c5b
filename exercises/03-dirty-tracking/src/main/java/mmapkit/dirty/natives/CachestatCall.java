package mmapkit.dirty.natives;

import mmapkit.mapping.natives.Architecture;
import mmapkit.mapping.natives.Errno;
import mmapkit.mapping.natives.NativeCallException;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The {@code cachestat(2)} system call (Linux 6.5+, number 451 on x86-64 and arm64) through the C library's
 * {@code syscall(long number, ...)}: how many pages of a byte range of a file are in the page cache,
 * dirty, under writeback, evicted, and evicted recently.
 *
 * <p>The C library has no wrapper for it, so the call goes through {@code syscall}, a variadic function:
 * glibc reads each of its six possible arguments as a {@code long}, so every argument is passed as a
 * 64-bit value. A kernel without the call answers -1 with errno {@code ENOSYS}.
 *
 * <pre>
 * struct cachestat_range { __u64 off; __u64 len; };            len 0: up to the end of the file
 * struct cachestat { __u64 nr_cache, nr_dirty, nr_writeback, nr_evicted, nr_recently_evicted; };
 * int cachestat(unsigned int fd, struct cachestat_range *range, struct cachestat *cstat, unsigned int flags);
 * </pre>
 */
@SuppressWarnings("restricted") // binding native functions is what this class is for
public final class CachestatCall {

    /** The system call number of cachestat: 451 on x86-64 and arm64 alike (it came after the tables were unified). */
    public static final long SYS_CACHESTAT = Architecture.current().systemCall("cachestat");

    /** errno for "no such system call": the kernel is older than 6.5 (or a filter forbids the call). */
    public static final int ENOSYS = 38;

    private static final Linker LINKER = Linker.nativeLinker();

    // tag::cachestat-layouts[]
    /** {@code struct cachestat_range}: 16 bytes. */
    public static final StructLayout RANGE = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("off"), ValueLayout.JAVA_LONG.withName("len"));
    /** {@code struct cachestat}: five page counts, 40 bytes. */
    public static final StructLayout STAT = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("nr_cache"), ValueLayout.JAVA_LONG.withName("nr_dirty"),
            ValueLayout.JAVA_LONG.withName("nr_writeback"), ValueLayout.JAVA_LONG.withName("nr_evicted"),
            ValueLayout.JAVA_LONG.withName("nr_recently_evicted"));

    /** {@code long syscall(long number, ...)}, called with (451, fd, range, cstat, flags), all 64-bit. */
    private static final MethodHandle SYSCALL = LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("syscall"),
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_LONG, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG),
            Linker.Option.firstVariadicArg(1), Errno.CAPTURE);
    // end::cachestat-layouts[]

    private CachestatCall() {
    }

    /**
     * Calls {@code cachestat(fd, {offset, length}, counts, 0)}.
     *
     * @param counts five longs of writable native memory ({@link #STAT}) the kernel fills: nr_cache,
     *               nr_dirty, nr_writeback, nr_evicted, nr_recently_evicted. The kernel writes all 40
     *               bytes whatever the segment's size, so a shorter one is refused before the call.
     * @throws IllegalArgumentException for counts that are null, on the Java heap, read-only or shorter
     *                                  than {@link #STAT}, naming them and the rule
     * @throws IllegalStateException    for counts whose arena is closed
     * @throws NativeCallException      when the call returns -1: ENOSYS (kernel without cachestat), EBADF
     *                                  (fd not open), EOPNOTSUPP (hugetlbfs file), EINVAL (flags), EFAULT
     */
    public static void cachestat(int fd, long offset, long length, MemorySegment counts) {
        checkCounts(counts);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Errno.newCallState(arena);
            MemorySegment range = arena.allocate(RANGE);
            range.set(ValueLayout.JAVA_LONG, 0, offset);
            range.set(ValueLayout.JAVA_LONG, 8, length);
            // tag::cachestat-call[]
            long result = (long) SYSCALL.invokeExact(state, SYS_CACHESTAT, (long) fd, range, counts, 0L);
            if (result == -1) {
                throw new NativeCallException("cachestat(" + fd + ", {off=" + offset + ", len=" + length + "}, cstat, 0)",
                        Errno.read(state));
            }
            // end::cachestat-call[]
        } catch (NativeCallException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("cannot call syscall(SYS_cachestat)", t);
        }
    }

    /** Writable native memory of at least {@link #STAT}'s size: the kernel writes that much. */
    private static void checkCounts(MemorySegment counts) {
        if (counts == null) {
            throw new IllegalArgumentException("counts is null: cachestat writes " + STAT.byteSize() + " bytes into it");
        }
        if (!counts.scope().isAlive()) {
            throw new IllegalStateException("counts " + counts + " belong to a closed arena: allocate new ones");
        }
        if (!counts.isNative() || counts.isReadOnly() || counts.byteSize() < STAT.byteSize()) {
            throw new IllegalArgumentException("counts " + counts + " must be writable native memory of at least "
                    + STAT.byteSize() + " bytes (CachestatCall.STAT): the kernel writes five longs into it");
        }
    }
}
