package mmapkit.mapping.natives;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * {@code mmap(2)}, {@code munmap(2)}, {@code mprotect(2)} and {@code mremap(2)} through the FFM
 * linker, with their constants for x86-64 and arm64 Linux.
 *
 * <p>These are the bare calls: they check nothing before calling (the kernel does, and answers
 * with an errno), and they turn a failure into a {@link NativeCallException} that names the
 * call with its arguments, the errno and its meaning. Memory they map is not tied to any
 * {@code Arena}: the caller must unmap it exactly once and never touch it afterwards (an access
 * to unmapped memory crashes the JVM). {@code mmapkit.mapping.RawMapping} is the safe wrapper.
 *
 * <p>The values come from the kernel's {@code include/uapi/asm-generic/mman-common.h},
 * {@code mman.h} and {@code linux/mman.h}; they are the same on x86-64 and arm64, whose headers
 * take the generic values and only add flags of their own that the kit does not use (x86-64:
 * {@code MAP_32BIT}; arm64: {@code PROT_BTI}, {@code PROT_MTE}). That is why no constant here
 * depends on {@link Architecture}: the architectures that number some flags differently (MIPS,
 * SPARC, PowerPC, Alpha, PA-RISC) are the ones the kit refuses by name.
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
    /**
     * Lock the pages of the mapping in RAM, as {@code mlock} would, and populate them during the call
     * (same value on x86-64 and arm64). Unlike {@code mlock}, mmap does not report a failure to
     * populate: pages it could not fault in fault later. Counts against {@code RLIMIT_MEMLOCK} unless
     * the process has {@code CAP_IPC_LOCK}.
     */
    public static final int MAP_LOCKED = 0x2000;
    /**
     * Reserve no swap space (no commit charge) for this mapping; a store may then fail with SIGSEGV.
     * Ignored in overcommit mode 2 ({@code vm.overcommit_memory=2}), which charges every private
     * writable mapping.
     */
    public static final int MAP_NORESERVE = 0x4000;
    /** Prefault the pages (read ahead the file) during the call; failures to populate are not reported. */
    public static final int MAP_POPULATE = 0x8000;
    /** Use huge pages from the hugetlb pool (fails with ENOMEM when none are reserved). */
    public static final int MAP_HUGETLB = 0x40000;
    /**
     * Map exactly at the given address, but fail with EEXIST if anything is mapped there (Linux 4.17).
     * Older kernels do not know the flag and ignore it: the address is then only a hint, and the
     * mapping may land somewhere else.
     */
    public static final int MAP_FIXED_NOREPLACE = 0x100000;

    /** {@code mremap} may move the mapping to another address when it cannot grow where it is. */
    public static final int MREMAP_MAYMOVE = 0x1;
    /** {@code mremap} moves the mapping to the given new address (needs {@link #MREMAP_MAYMOVE}). */
    public static final int MREMAP_FIXED = 0x2;
    /** {@code mremap} moves the pages but leaves the old range mapped, empty (Linux 5.7). */
    public static final int MREMAP_DONTUNMAP = 0x4;

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

    // tag::mprotect-mremap-handles[]
    /** {@code int mprotect(void *addr, size_t length, int prot)} */
    private static final MethodHandle MPROTECT = LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("mprotect"),
            FunctionDescriptor.of(ValueLayout.JAVA_INT,
                    ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT),
            Errno.CAPTURE);

    /**
     * {@code void *mremap(void *old_address, size_t old_size, size_t new_size, int flags, ...)}, whose
     * optional fifth argument is {@code void *new_address}: a variadic C function, so the linker is
     * told where the variable arguments start.
     */
    private static final MethodHandle MREMAP = LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("mremap"),
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS),
            Errno.CAPTURE, Linker.Option.firstVariadicArg(4));
    // end::mprotect-mremap-handles[]

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

    /**
     * Calls {@code mprotect(address, length, prot)}: gives every page of the range the protection
     * {@code prot} (the kernel rounds {@code length} up to whole pages; {@code address} must be
     * page-aligned). An access the new protection forbids raises {@code SIGSEGV}.
     *
     * @throws NativeCallException when mprotect returns -1: EINVAL for an unaligned address or
     *                             unknown bits, ENOMEM when part of the range is not mapped, EACCES
     *                             for {@code PROT_WRITE} on a shared mapping of a file opened
     *                             read-only
     */
    public static void mprotect(long address, long length, int prot) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Errno.newCallState(arena);
            int result = (int) MPROTECT.invokeExact(state, MemorySegment.ofAddress(address), length, prot);
            if (result == -1) {
                throw new NativeCallException("mprotect(" + hex(address) + ", " + length + ", " + protNames(prot) + ")",
                        Errno.read(state));
            }
        } catch (NativeCallException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("cannot call mprotect", t);
        }
    }

    // tag::mremap-call[]
    /**
     * Calls {@code mremap(oldAddress, oldSize, newSize, flags, newAddress)}: makes the mapping at
     * {@code oldAddress} {@code newSize} bytes long. Shrinking always stays in place. Growing stays
     * in place when the pages above the mapping are free; otherwise it fails with ENOMEM, unless
     * {@code flags} has {@link #MREMAP_MAYMOVE}, which lets the kernel move the mapping (its page
     * table entries, no copy of the data) to a free range and unmap the old one.
     *
     * @param newAddress used only with {@link #MREMAP_FIXED}; pass 0 otherwise
     * @return the address of the mapping now: {@code oldAddress}, or where the kernel moved it
     * @throws NativeCallException when mremap returns {@code MAP_FAILED}: ENOMEM when it cannot
     *                             grow in place and may not move, EFAULT when the old range is not
     *                             one mapping, EINVAL for bad flags or an unaligned address
     */
    public static long mremap(long oldAddress, long oldSize, long newSize, int flags, long newAddress) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Errno.newCallState(arena);
            MemorySegment result = (MemorySegment) MREMAP.invokeExact(state, MemorySegment.ofAddress(oldAddress),
                    oldSize, newSize, flags, MemorySegment.ofAddress(newAddress));
            if (result.address() == MAP_FAILED) {
                throw new NativeCallException(describeMremap(oldAddress, oldSize, newSize, flags, newAddress), Errno.read(state));
            }
            return result.address();
        } catch (NativeCallException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("cannot call mremap", t);
        }
    }
    // end::mremap-call[]

    /** The call as C would read, as in {@code mremap(0x7f00a000, 8192, 16384, MREMAP_MAYMOVE)}. */
    public static String describeMremap(long oldAddress, long oldSize, long newSize, int flags, long newAddress) {
        return "mremap(" + hex(oldAddress) + ", " + oldSize + ", " + newSize + ", " + mremapFlagNames(flags)
                + ((flags & MREMAP_FIXED) != 0 ? ", " + hex(newAddress) : "") + ")";
    }

    /** {@code MREMAP_MAYMOVE|MREMAP_FIXED} for 3, {@code 0} for none; unknown bits in hexadecimal. */
    public static String mremapFlagNames(int flags) {
        return FlagNames.of(flags)
                .flag(MREMAP_MAYMOVE, "MREMAP_MAYMOVE")
                .flag(MREMAP_FIXED, "MREMAP_FIXED")
                .flag(MREMAP_DONTUNMAP, "MREMAP_DONTUNMAP")
                .text();
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
                .flag(MAP_LOCKED, "MAP_LOCKED")
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
