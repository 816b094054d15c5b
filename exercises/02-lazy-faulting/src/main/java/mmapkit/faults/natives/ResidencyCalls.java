package mmapkit.faults.natives;

import mmapkit.mapping.natives.NativeCallException;
import mmapkit.mapping.natives.SystemConfiguration;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * {@code mincore(2)} through the FFM linker: which pages of a range of this process's address
 * space are resident in memory (for a file mapping: in the page cache).
 *
 * <p>The kernel writes one byte per page into {@code vec}; only bit 0 (resident) means anything,
 * the other bits are reserved and may be set in the future. The answer is a snapshot: a page may
 * be evicted or read in right after the call. The address must be page-aligned (EINVAL
 * otherwise); a range that is not wholly mapped gives ENOMEM.
 */
@SuppressWarnings("restricted") // binding native functions is what this class is for
public final class ResidencyCalls {

    // tag::mincore-handle[]
    /** {@code int mincore(void *addr, size_t length, unsigned char *vec)} */
    private static final MethodHandle MINCORE = CallState.LINKER.downcallHandle(
            CallState.LINKER.defaultLookup().findOrThrow("mincore"),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS),
            CallState.CAPTURE);
    // end::mincore-handle[]

    /** Read once: the page size cannot change while the process runs. */
    private static final long PAGE_SIZE = SystemConfiguration.pageSize();

    private ResidencyCalls() {
    }

    /**
     * Calls {@code mincore(address, length, vec)}, after checking what the kernel cannot check: it
     * writes one byte per page of the range into {@code vec} whatever its size, so a vector that is
     * too short would have the kernel write over whatever lies after it (a corrupt heap, a JVM crash).
     * The range itself is the kernel's to judge (EINVAL, ENOMEM).
     *
     * @param length bytes, not negative (0 asks about nothing)
     * @param vec    writable native memory of at least {@code ceil(length / pageSize)} bytes; byte i
     *               tells page i
     * @throws IllegalArgumentException for a negative length, or a vector that is null, on the Java
     *                                  heap, read-only or shorter than one byte per page, naming it and the rule
     * @throws IllegalStateException    for a vector whose arena is closed
     * @throws NativeCallException      when mincore returns -1 (EINVAL unaligned address, ENOMEM not mapped,
     *                                  EFAULT vec is not writable memory)
     */
    public static void mincore(long address, long length, MemorySegment vec) {
        checkVector(length, vec);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = CallState.allocate(arena);
            int result = (int) MINCORE.invokeExact(state, MemorySegment.ofAddress(address), length, vec);
            if (result == -1) {
                throw new NativeCallException("mincore(" + CallState.hex(address) + ", " + length + ", vec)",
                        CallState.errno(state));
            }
        } catch (NativeCallException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("cannot call mincore", t);
        }
    }

    /** One byte per page of {@code length}, writable native memory: refuses anything else by name. */
    private static void checkVector(long length, MemorySegment vec) {
        if (length < 0) {
            throw new IllegalArgumentException("length " + length + " must not be negative: mincore takes a size_t");
        }
        if (vec == null) {
            throw new IllegalArgumentException("vec is null: mincore needs one byte of native memory per page");
        }
        if (!vec.isNative()) {
            throw new IllegalArgumentException("vec " + vec + " is on the Java heap: mincore writes into native memory"
                    + " (allocate it from an Arena)");
        }
        if (!vec.scope().isAlive()) {
            throw new IllegalStateException("vec " + vec + " belongs to a closed arena: allocate a new vector");
        }
        if (vec.isReadOnly()) {
            throw new IllegalArgumentException("vec " + vec + " is read-only: mincore writes one byte per page into it");
        }
        long pageSize = PAGE_SIZE;
        long pages = length / pageSize + (length % pageSize == 0 ? 0 : 1);
        if (vec.byteSize() < pages) {
            throw new IllegalArgumentException("vec of " + vec.byteSize() + " bytes is too short for length " + length
                    + ": mincore writes one byte per page, " + pages + " bytes for pages of " + pageSize
                    + " bytes; a shorter vector would have the kernel write past its end");
        }
    }
}
