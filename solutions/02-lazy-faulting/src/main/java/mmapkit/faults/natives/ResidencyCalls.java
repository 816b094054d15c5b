package mmapkit.faults.natives;

import mmapkit.mapping.natives.NativeCallException;

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

    private ResidencyCalls() {
    }

    /**
     * Calls {@code mincore(address, length, vec)}.
     *
     * @param vec at least {@code ceil(length / pageSize)} bytes of native memory; byte i tells page i
     * @throws NativeCallException when mincore returns -1 (EINVAL unaligned address, ENOMEM not mapped,
     *                             EFAULT vec is not writable memory)
     */
    public static void mincore(long address, long length, MemorySegment vec) {
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
}
