package mmapkit.faults.natives;

import mmapkit.mapping.natives.NativeCallException;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The C library's {@code malloc(3)} and {@code free(3)} through the FFM linker. They are library
 * functions, not system calls: glibc's malloc serves most requests from memory it already has and
 * asks the kernel ({@code brk}, {@code mmap}, {@code mprotect}) only now and then. The experiment
 * {@code WhereMallocGetsMemory} watches when.
 */
@SuppressWarnings("restricted") // binding native functions is what this class is for
public final class AllocatorCalls {

    // tag::malloc-handles[]
    /** {@code void *malloc(size_t size)}: NULL and errno ENOMEM on failure. */
    private static final MethodHandle MALLOC = CallState.LINKER.downcallHandle(
            CallState.LINKER.defaultLookup().findOrThrow("malloc"),
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG),
            CallState.CAPTURE);

    /** {@code void free(void *pointer)}. */
    private static final MethodHandle FREE = CallState.LINKER.downcallHandle(
            CallState.LINKER.defaultLookup().findOrThrow("free"),
            FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
    // end::malloc-handles[]

    private AllocatorCalls() {
    }

    /**
     * Calls {@code malloc(size)}.
     *
     * @return the address of the block, which the caller must {@link #free} exactly once
     * @throws IllegalArgumentException when size is not positive
     * @throws NativeCallException when malloc returns NULL, with its errno
     */
    public static long malloc(long size) {
        if (size <= 0) {
            throw new IllegalArgumentException("size must be positive, was " + size);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = CallState.allocate(arena);
            MemorySegment block = (MemorySegment) MALLOC.invokeExact(state, size);
            if (block.address() == 0) {
                throw new NativeCallException("malloc(" + size + ")", CallState.errno(state));
            }
            return block.address();
        } catch (NativeCallException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("cannot call malloc", t);
        }
    }

    /** Calls {@code free(address)} for a block {@link #malloc} returned. */
    public static void free(long address) {
        try {
            FREE.invokeExact(MemorySegment.ofAddress(address));
        } catch (Throwable t) {
            throw new IllegalStateException("cannot call free", t);
        }
    }
}
