package mmapkit.mapping.natives;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * {@code mmap(2)} and {@code munmap(2)} through the FFM linker, with their constants for x86-64
 * Linux.
 *
 * <p>These are the bare calls: they check nothing before calling (the kernel does, and answers
 * with an errno), and they turn a failure into a {@link NativeCallException} that names the
 * call with its arguments, the errno and its meaning. Memory they map is not tied to any
 * {@code Arena}: the caller must unmap it exactly once and never touch it afterwards (an access
 * to unmapped memory crashes the JVM). {@code mmapkit.mapping.RawMapping} is the safe wrapper.
 *
 * <p>The values come from the kernel's {@code include/uapi/asm-generic/mman-common.h},
 * {@code mman.h} and {@code linux/mman.h}; they are the same on x86-64 and arm64 (not on every
 * architecture: MIPS, SPARC, PowerPC and Alpha number some flags differently).
 */
@SuppressWarnings("restricted") // binding native functions is what this class is for
public final class MemoryMapCalls {

    /** Pages may not be accessed: a guard region, or address space reserved for later. */
    public static final int PROT_NONE = 0x0;
    /** Pages may be read. The file must be open for reading, whatever the protection. */
    public static final int PROT_READ = 0x1;
    /** Pages may be written. With {@link #MAP_SHARED} the file must be open read-write (else EACCES). */
    public static final int PROT_WRITE = 0x2;
    /** Pages may be executed. */
    public static final int PROT_EXEC = 0x4;

    /** Stores are shared: they reach the page cache, every other mapping of the file and {@code read()}. */
    public static final int MAP_SHARED = 0x01;
    /** Copy-on-write: the first store to a page copies it; stores never reach the file. */
    public static final int MAP_PRIVATE = 0x02;
    /**
     * Like {@link #MAP_SHARED}, but the kernel refuses flags it does not know (EOPNOTSUPP) instead of
     * ignoring them (Linux 4.15).
     */
    public static final int MAP_SHARED_VALIDATE = 0x03;
    /** The bits that hold the mapping type: exactly one of SHARED, PRIVATE, SHARED_VALIDATE. */
    public static final int MAP_TYPE = 0x0f;
    /** Map exactly at the given address, silently replacing whatever was mapped there. Dangerous. */
    public static final int MAP_FIXED = 0x10;
    /** Not backed by a file: zero-filled memory; fd should be -1 and offset 0. */
    public static final int MAP_ANONYMOUS = 0x20;
    /** Reserve no swap space (no commit charge) for this mapping; a store may then fail with SIGSEGV. */
    public static final int MAP_NORESERVE = 0x4000;
    /** Prefault the pages (read ahead the file) during the call; failures to populate are not reported. */
    public static final int MAP_POPULATE = 0x8000;
    /** Use huge pages from the hugetlb pool (fails with ENOMEM when none are reserved). */
    public static final int MAP_HUGETLB = 0x40000;
    /** Map exactly at the given address, but fail with EEXIST if anything is mapped there (Linux 4.17). */
    public static final int MAP_FIXED_NOREPLACE = 0x100000;

    /** What {@code mmap} returns on failure: {@code (void *) -1}. */
    public static final long MAP_FAILED = -1L;

    private static final Linker LINKER = Linker.nativeLinker();

    // tag::mmap-handles[]
    /** {@code void *mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset)} */
    private static final MethodHandle MMAP = LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("mmap"),
            FunctionDescriptor.of(ValueLayout.ADDRESS,
                    ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG),
            Errno.CAPTURE);

    /** {@code int munmap(void *addr, size_t length)} */
    private static final MethodHandle MUNMAP = LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("munmap"),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG),
            Errno.CAPTURE);
    // end::mmap-handles[]

    private MemoryMapCalls() {
    }

    // tag::mmap-call[]
    /**
     * Calls {@code mmap(address, length, prot, flags, fd, offset)}.
     *
     * @param address a hint (or, with {@link #MAP_FIXED} or {@link #MAP_FIXED_NOREPLACE}, the exact
     *                place), 0 to let the kernel choose
     * @return the address of the new mapping
     * @throws NativeCallException when mmap returns {@code MAP_FAILED}, with its errno
     */
    public static long mmap(long address, long length, int prot, int flags, int fd, long offset) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Errno.newCallState(arena);
            MemorySegment result = (MemorySegment) MMAP.invokeExact(state, MemorySegment.ofAddress(address),
                    length, prot, flags, fd, offset);
            if (result.address() == MAP_FAILED) {
                throw new NativeCallException(describeMmap(address, length, prot, flags, fd, offset), Errno.read(state));
            }
            return result.address();
        } catch (NativeCallException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("cannot call mmap", t);
        }
    }
    // end::mmap-call[]

    /**
     * Calls {@code munmap(address, length)}: removes every mapping in the range (the kernel rounds
     * {@code length} up to whole pages). Writes nothing back: dirty pages of a shared file mapping
     * stay in the page cache, and the kernel writes them later.
     *
     * @throws NativeCallException when munmap returns -1 (EINVAL for an unaligned address or length 0)
     */
    public static void munmap(long address, long length) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Errno.newCallState(arena);
            int result = (int) MUNMAP.invokeExact(state, MemorySegment.ofAddress(address), length);
            if (result == -1) {
                throw new NativeCallException("munmap(" + hex(address) + ", " + length + ")", Errno.read(state));
            }
        } catch (NativeCallException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("cannot call munmap", t);
        }
    }

    /** The call as C would read, as in {@code mmap(0x0, 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)}. */
    public static String describeMmap(long address, long length, int prot, int flags, int fd, long offset) {
        return "mmap(" + hex(address) + ", " + length + ", " + protNames(prot) + ", " + flagNames(flags)
                + ", " + fd + ", " + offset + ")";
    }

    /** {@code PROT_READ|PROT_WRITE} for 3, {@code PROT_NONE} for 0; unknown bits in hexadecimal. */
    public static String protNames(int prot) {
        return FlagNames.of(prot)
                .flag(PROT_READ, "PROT_READ")
                .flag(PROT_WRITE, "PROT_WRITE")
                .flag(PROT_EXEC, "PROT_EXEC")
                .text("PROT_NONE");
    }

    /** {@code MAP_PRIVATE|MAP_ANONYMOUS} for 0x22; unknown bits in hexadecimal. */
    public static String flagNames(int flags) {
        return FlagNames.of(flags)
                .value(MAP_TYPE, MAP_SHARED, "MAP_SHARED")
                .value(MAP_TYPE, MAP_PRIVATE, "MAP_PRIVATE")
                .value(MAP_TYPE, MAP_SHARED_VALIDATE, "MAP_SHARED_VALIDATE")
                .flag(MAP_FIXED, "MAP_FIXED")
                .flag(MAP_ANONYMOUS, "MAP_ANONYMOUS")
                .flag(MAP_NORESERVE, "MAP_NORESERVE")
                .flag(MAP_POPULATE, "MAP_POPULATE")
                .flag(MAP_HUGETLB, "MAP_HUGETLB")
                .flag(MAP_FIXED_NOREPLACE, "MAP_FIXED_NOREPLACE")
                .text();
    }

    static String hex(long address) {
        return "0x" + Long.toHexString(address);
    }
}
