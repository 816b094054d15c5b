package mmapkit.sync.natives;

import mmapkit.mapping.natives.Errno;
import mmapkit.mapping.natives.FlagNames;
import mmapkit.mapping.natives.NativeCallException;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * {@code msync(2)} through the FFM linker, with its flag values on Linux (the same on x86-64 and
 * arm64).
 *
 * <pre>
 * int msync(void *addr, size_t length, int flags);    0, or -1 with errno
 * </pre>
 *
 * <p>This class passes its arguments through unchecked, so that a learner can watch the kernel
 * refuse them: EINVAL for an address that is not page-aligned, for unknown flag bits and for
 * MS_SYNC together with MS_ASYNC; ENOMEM when part of the range is not mapped; EBUSY for
 * MS_INVALIDATE on a locked range. The toolkit's {@code Msync} checks first and calls it only
 * with arguments the kernel accepts.
 */
@SuppressWarnings("restricted") // binding native functions is what this class is for
public final class SyncCalls {

    /** Schedule the write-back and return at once. On Linux since 2.6.19 it does nothing at all. */
    public static final int MS_ASYNC = 1;
    /** Ask other mappings of the file to drop stale copies. On Linux it does nothing beyond an EBUSY check. */
    public static final int MS_INVALIDATE = 2;
    /** Write the range's dirty pages of a shared file mapping to the file and wait until the device has them. */
    public static final int MS_SYNC = 4;

    private static final Linker LINKER = Linker.nativeLinker();

    // tag::msync-handle[]
    /** {@code int msync(void *addr, size_t length, int flags)}; the address is passed as a number. */
    private static final MethodHandle MSYNC = LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("msync"),
            FunctionDescriptor.of(ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT),
            Errno.CAPTURE);
    // end::msync-handle[]

    private SyncCalls() {
    }

    /**
     * Calls {@code msync(address, length, flags)} as given.
     *
     * @throws NativeCallException when msync returns -1, with the call, the errno name and its meaning
     */
    public static void msync(long address, long length, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Errno.newCallState(arena);
            int result = (int) MSYNC.invokeExact(state, address, length, flags);
            if (result == -1) {
                throw new NativeCallException(describe(address, length, flags), Errno.read(state));
            }
        } catch (NativeCallException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("cannot call " + describe(address, length, flags), t);
        }
    }

    /** The call as C would write it: {@code msync(0x7f..., 8192, MS_SYNC|MS_INVALIDATE)}. */
    public static String describe(long address, long length, int flags) {
        return "msync(0x" + Long.toHexString(address) + ", " + length + ", " + flagNames(flags) + ")";
    }

    /** {@code MS_SYNC|MS_INVALIDATE} for 6, {@code 0} for none; unknown bits as a hexadecimal rest. */
    public static String flagNames(int flags) {
        return FlagNames.of(flags)
                .flag(MS_ASYNC, "MS_ASYNC")
                .flag(MS_SYNC, "MS_SYNC")
                .flag(MS_INVALIDATE, "MS_INVALIDATE")
                .text();
    }
}
