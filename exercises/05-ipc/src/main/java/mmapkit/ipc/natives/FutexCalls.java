package mmapkit.ipc.natives;

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
 * The {@code futex(2)} system call (number 202 on x86-64, 98 on arm64) through the C library's
 * {@code syscall(long number, ...)}: sleep in the kernel until a 32-bit word in memory changes, and
 * wake the sleepers of a word. The C library has no wrapper for it.
 *
 * <pre>
 * long futex(uint32_t *uaddr, int op, uint32_t val, const struct timespec *timeout, uint32_t *uaddr2, uint32_t val3);
 * </pre>
 *
 * <p>The operations here leave out {@code FUTEX_PRIVATE_FLAG} on purpose: a private futex is keyed
 * by the address in one process's address space, a shared one by the page it lives in (for a file
 * mapping: the file and the offset). Only shared futexes work between processes that map the same
 * file at different addresses.
 */
@SuppressWarnings("restricted") // binding native functions is what this class is for
public final class FutexCalls {

    /**
     * The system call number of futex on this architecture (202 on x86-64, 98 on arm64).
     * On any other architecture loading this class fails with a message naming {@code os.arch}.
     */
    public static final long SYS_FUTEX = Architecture.current().systemCall("futex");
    /** Sleep if the word still holds the expected value (checked atomically by the kernel). */
    public static final int FUTEX_WAIT = 0;
    /** Wake up to {@code val} sleepers of the word. */
    public static final int FUTEX_WAKE = 1;

    /** errno: the word did not hold the expected value, so the caller did not sleep. */
    public static final int EAGAIN = 11;
    /** errno: a signal interrupted the sleep. */
    public static final int EINTR = 4;
    /** errno: the timeout passed. */
    public static final int ETIMEDOUT = 110;

    private static final Linker LINKER = Linker.nativeLinker();

    /** {@code struct timespec { long tv_sec; long tv_nsec; }}. */
    private static final StructLayout TIMESPEC = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("tv_sec"), ValueLayout.JAVA_LONG.withName("tv_nsec"));

    // tag::futex-handle[]
    /** {@code long syscall(long number, ...)}: (SYS_FUTEX, uaddr, op, val, timeout, uaddr2, val3), 64-bit. */
    private static final MethodHandle SYSCALL = LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("syscall"),
            FunctionDescriptor.of(ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,  // number, uaddr
                    ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,  // op, val
                    ValueLayout.ADDRESS,                           // timeout
                    ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG), // uaddr2, val3
            Linker.Option.firstVariadicArg(1), Errno.CAPTURE);
    // end::futex-handle[]

    private FutexCalls() {
    }

    /** How a {@link #futexWait} ended. */
    public enum WaitResult {
        /** Woken by a {@code FUTEX_WAKE} (or spuriously: callers re-check the word). */
        WOKEN,
        /** The word did not hold the expected value: nothing to wait for (EAGAIN). */
        VALUE_CHANGED,
        /** The timeout passed (ETIMEDOUT). */
        TIMED_OUT,
        /** A signal interrupted the sleep (EINTR). */
        INTERRUPTED
    }

    /**
     * {@code futex(address, FUTEX_WAIT, expected, {timeout}, NULL, 0)}: sleeps while the 32-bit word
     * at {@code address} holds {@code expected}, at most {@code timeoutNanos}.
     *
     * @param address      a 4-byte aligned address in memory shared with the wakers
     * @param timeoutNanos a relative timeout, positive; there is no way to wait forever here, on purpose
     * @throws IllegalArgumentException for a timeout that is not positive or an unaligned address
     * @throws NativeCallException      for any other errno (EFAULT, EINVAL, ENOSYS)
     */
    public static WaitResult futexWait(long address, int expected, long timeoutNanos) {
        if (timeoutNanos <= 0) {
            throw new IllegalArgumentException("timeoutNanos " + timeoutNanos + " must be positive");
        }
        requireAligned(address);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Errno.newCallState(arena);
            MemorySegment timeout = arena.allocate(TIMESPEC);
            timeout.set(ValueLayout.JAVA_LONG, 0, timeoutNanos / 1_000_000_000L);
            timeout.set(ValueLayout.JAVA_LONG, 8, timeoutNanos % 1_000_000_000L);
            // tag::futex-wait[]
            long result = (long) SYSCALL.invokeExact(state, SYS_FUTEX, address, (long) FUTEX_WAIT,
                    (long) expected, timeout, 0L, 0L);
            // end::futex-wait[]
            if (result == 0) {
                return WaitResult.WOKEN;
            }
            int errno = Errno.read(state);
            return switch (errno) {
                case EAGAIN -> WaitResult.VALUE_CHANGED;
                case ETIMEDOUT -> WaitResult.TIMED_OUT;
                case EINTR -> WaitResult.INTERRUPTED;
                default -> throw new NativeCallException(describe(address, "FUTEX_WAIT", expected), errno);
            };
        } catch (NativeCallException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("cannot call " + describe(address, "FUTEX_WAIT", expected), t);
        }
    }

    /**
     * {@code futex(address, FUTEX_WAKE, count, NULL, NULL, 0)}: wakes up to {@code count} sleepers.
     *
     * @return how many it woke
     * @throws NativeCallException for an errno (EFAULT, EINVAL, ENOSYS)
     */
    public static int futexWake(long address, int count) {
        requireAligned(address);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Errno.newCallState(arena);
            long result = (long) SYSCALL.invokeExact(state, SYS_FUTEX, address, (long) FUTEX_WAKE, (long) count,
                    MemorySegment.NULL, 0L, 0L);
            if (result == -1) {
                throw new NativeCallException(describe(address, "FUTEX_WAKE", count), Errno.read(state));
            }
            return (int) result;
        } catch (NativeCallException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("cannot call " + describe(address, "FUTEX_WAKE", count), t);
        }
    }

    private static void requireAligned(long address) {
        if ((address & 3) != 0) {
            throw new IllegalArgumentException("futex address 0x" + Long.toHexString(address)
                    + " must be 4-byte aligned (a futex word is a 32-bit int)");
        }
    }

    private static String describe(long address, String op, int value) {
        return "futex(0x" + Long.toHexString(address) + ", " + op + ", " + value + ", ...)";
    }
}
