package mmapkit.faults.natives;

import mmapkit.mapping.natives.NativeCallException;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * {@code mlock(2)}, {@code mlock2(2)} and {@code munlock(2)} through the FFM linker: keeping pages
 * of this process in RAM.
 *
 * <p>A locked page is not evicted or swapped out while it stays locked; the kernel may still move
 * it to another frame (compaction, migration), so "locked" does not mean "at a fixed physical
 * address". The pages locked count against {@code RLIMIT_MEMLOCK}, except for a process with
 * {@code CAP_IPC_LOCK}: ENOMEM over a nonzero soft limit, EPERM when the soft limit is 0. ENOMEM
 * also answers a range that is not wholly mapped.
 */
@SuppressWarnings("restricted") // binding native functions is what this class is for
public final class LockCalls {

    /** mlock2 flag: lock the pages as they are faulted in, instead of faulting them all in now (Linux 4.4). */
    public static final int MLOCK_ONFAULT = 0x01;

    // tag::lock-handles[]
    /** {@code int mlock(const void *addr, size_t len)}: -1 and errno on failure. */
    private static final MethodHandle MLOCK = CallState.LINKER.downcallHandle(
            CallState.LINKER.defaultLookup().findOrThrow("mlock"),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG),
            CallState.CAPTURE);

    /** {@code int mlock2(const void *addr, size_t len, unsigned int flags)} (glibc 2.27). */
    private static final MethodHandle MLOCK2 = CallState.LINKER.downcallHandle(
            CallState.LINKER.defaultLookup().findOrThrow("mlock2"),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_INT),
            CallState.CAPTURE);

    /** {@code int munlock(const void *addr, size_t len)} */
    private static final MethodHandle MUNLOCK = CallState.LINKER.downcallHandle(
            CallState.LINKER.defaultLookup().findOrThrow("munlock"),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG),
            CallState.CAPTURE);
    // end::lock-handles[]

    private LockCalls() {
    }

    /**
     * Calls {@code mlock(address, length)}: faults every page of the range in and locks it.
     *
     * @throws NativeCallException when mlock returns -1 (ENOMEM: not mapped, or over RLIMIT_MEMLOCK;
     *                             EPERM: the soft limit is 0; EAGAIN: some pages could not be locked)
     */
    public static void mlock(long address, long length) {
        call(MLOCK, "mlock(" + CallState.hex(address) + ", " + length + ")", address, length, -1);
    }

    /**
     * Calls {@code mlock2(address, length, flags)}; with {@link #MLOCK_ONFAULT} the pages are locked as
     * they are touched, and pages never touched take no RAM.
     *
     * @throws NativeCallException when mlock2 returns -1, as {@link #mlock}, or EINVAL for unknown flags
     */
    public static void mlock2(long address, long length, int flags) {
        call(MLOCK2, "mlock2(" + CallState.hex(address) + ", " + length + ", "
                + (flags == MLOCK_ONFAULT ? "MLOCK_ONFAULT" : String.valueOf(flags)) + ")", address, length, flags);
    }

    /**
     * Calls {@code munlock(address, length)}: the pages may be evicted again.
     *
     * @throws NativeCallException when munlock returns -1 (ENOMEM: the range is not wholly mapped)
     */
    public static void munlock(long address, long length) {
        call(MUNLOCK, "munlock(" + CallState.hex(address) + ", " + length + ")", address, length, -1);
    }

    private static void call(MethodHandle handle, String description, long address, long length, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = CallState.allocate(arena);
            int result = flags < 0
                    ? (int) handle.invokeExact(state, MemorySegment.ofAddress(address), length)
                    : (int) handle.invokeExact(state, MemorySegment.ofAddress(address), length, flags);
            if (result == -1) {
                throw new NativeCallException(description, CallState.errno(state));
            }
        } catch (NativeCallException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("cannot call " + description, t);
        }
    }
}
