package mmapkit.faults.natives;

import mmapkit.mapping.natives.NativeCallException;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Map;

/**
 * {@code getrlimit(2)} and {@code setrlimit(2)} through the FFM linker, for the limits that decide
 * whether memory may be locked or mapped. The resource numbers are those of x86-64 and arm64.
 *
 * <p>A {@code struct rlimit} is two {@code rlim_t} (unsigned 64-bit): the soft limit, which the
 * kernel enforces, and the hard limit, the ceiling up to which an unprivileged process may raise
 * the soft one. {@link #UNLIMITED} ({@code RLIM_INFINITY}, all bits set) reads as -1 here.
 */
@SuppressWarnings("restricted") // binding native functions is what this class is for
public final class ResourceLimitCalls {

    /** Maximum size of the process's data: since Linux 4.7 also its private writable mappings. */
    public static final int RLIMIT_DATA = 2;
    /** Maximum bytes of memory the process may lock ({@code mlock}, {@code MAP_LOCKED}), rounded to pages. */
    public static final int RLIMIT_MEMLOCK = 8;
    /** Maximum size of the process's address space. */
    public static final int RLIMIT_AS = 9;
    /** {@code RLIM_INFINITY}: no limit. */
    public static final long UNLIMITED = -1L;

    private static final Map<Integer, String> NAMES = Map.of(RLIMIT_DATA, "RLIMIT_DATA",
            RLIMIT_MEMLOCK, "RLIMIT_MEMLOCK", RLIMIT_AS, "RLIMIT_AS");

    private static final StructLayout RLIMIT = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("rlim_cur"), ValueLayout.JAVA_LONG.withName("rlim_max"));

    /** {@code int getrlimit(int resource, struct rlimit *rlim)} */
    private static final MethodHandle GETRLIMIT = CallState.LINKER.downcallHandle(
            CallState.LINKER.defaultLookup().findOrThrow("getrlimit"),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS), CallState.CAPTURE);

    /** {@code int setrlimit(int resource, const struct rlimit *rlim)} */
    private static final MethodHandle SETRLIMIT = CallState.LINKER.downcallHandle(
            CallState.LINKER.defaultLookup().findOrThrow("setrlimit"),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS), CallState.CAPTURE);

    /**
     * A soft and a hard limit, each {@link #UNLIMITED} or a number.
     *
     * @param soft the limit the kernel enforces
     * @param hard the ceiling for the soft limit
     */
    public record Limit(long soft, long hard) {

        /** The soft limit as people write it: {@code 8388608 bytes} or {@code unlimited}. */
        public String softText() {
            return soft == UNLIMITED ? "unlimited" : soft + " bytes";
        }
    }

    private ResourceLimitCalls() {
    }

    /** {@code RLIMIT_MEMLOCK} for 8; the number itself for one this class does not name. */
    public static String resourceName(int resource) {
        return NAMES.getOrDefault(resource, String.valueOf(resource));
    }

    /**
     * Calls {@code getrlimit(resource, &limit)}.
     *
     * @throws NativeCallException when it returns -1 (EINVAL: no such resource)
     */
    public static Limit get(int resource) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = CallState.allocate(arena);
            MemorySegment limit = arena.allocate(RLIMIT);
            int result = (int) GETRLIMIT.invokeExact(state, resource, limit);
            if (result == -1) {
                throw new NativeCallException("getrlimit(" + resourceName(resource) + ")", CallState.errno(state));
            }
            return new Limit(limit.get(ValueLayout.JAVA_LONG, 0), limit.get(ValueLayout.JAVA_LONG, Long.BYTES));
        } catch (NativeCallException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("cannot call getrlimit", t);
        }
    }

    /**
     * Calls {@code setrlimit(resource, &limit)}. Lowering a limit is always allowed; raising the hard one
     * needs {@code CAP_SYS_RESOURCE}.
     *
     * @throws NativeCallException when it returns -1 (EPERM: raising without the capability; EINVAL: soft
     *                             above hard)
     */
    public static void set(int resource, Limit limit) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = CallState.allocate(arena);
            MemorySegment wanted = arena.allocate(RLIMIT);
            wanted.set(ValueLayout.JAVA_LONG, 0, limit.soft());
            wanted.set(ValueLayout.JAVA_LONG, Long.BYTES, limit.hard());
            int result = (int) SETRLIMIT.invokeExact(state, resource, wanted);
            if (result == -1) {
                throw new NativeCallException("setrlimit(" + resourceName(resource) + ", {" + limit.softText()
                        + ", " + (limit.hard() == UNLIMITED ? "unlimited" : limit.hard() + " bytes") + "})",
                        CallState.errno(state));
            }
        } catch (NativeCallException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("cannot call setrlimit", t);
        }
    }
}
