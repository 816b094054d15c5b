package mmapkit.mapping.natives;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Map;

/**
 * The C library's {@code errno}: how the other bindings of this package capture it, its names on
 * x86-64 and arm64 Linux (both number errno as {@code asm-generic/errno.h} does; see
 * {@link Architecture}), and its meaning ({@code strerror}).
 *
 * <p>A downcall linked with {@link #CAPTURE} takes one extra first argument, a segment of
 * {@link #CAPTURE_LAYOUT} ({@link #newCallState}), into which the linker copies {@code errno}
 * right after the call ({@link #read}). The bindings of later modules capture errno the same way,
 * through these.
 */
@SuppressWarnings("restricted") // binding native functions is what this class is for
public final class Errno {

    private static final Linker LINKER = Linker.nativeLinker();

    // tag::capture-errno[]
    /** Ask the linker to save errno right after the call, before the JVM can change it. */
    public static final Linker.Option CAPTURE = Linker.Option.captureCallState("errno");
    public static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    // end::capture-errno[]

    private static final MethodHandle STRERROR = LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("strerror"),
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));

    /** The names of the errno values of x86-64 and arm64 Linux that the kit's calls can report. */
    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(1, "EPERM"), Map.entry(2, "ENOENT"), Map.entry(3, "ESRCH"), Map.entry(4, "EINTR"),
            Map.entry(5, "EIO"), Map.entry(6, "ENXIO"), Map.entry(7, "E2BIG"), Map.entry(8, "ENOEXEC"),
            Map.entry(9, "EBADF"), Map.entry(10, "ECHILD"), Map.entry(11, "EAGAIN"), Map.entry(12, "ENOMEM"),
            Map.entry(13, "EACCES"), Map.entry(14, "EFAULT"), Map.entry(15, "ENOTBLK"), Map.entry(16, "EBUSY"),
            Map.entry(17, "EEXIST"), Map.entry(18, "EXDEV"), Map.entry(19, "ENODEV"), Map.entry(20, "ENOTDIR"),
            Map.entry(21, "EISDIR"), Map.entry(22, "EINVAL"), Map.entry(23, "ENFILE"), Map.entry(24, "EMFILE"),
            Map.entry(25, "ENOTTY"), Map.entry(26, "ETXTBSY"), Map.entry(27, "EFBIG"), Map.entry(28, "ENOSPC"),
            Map.entry(29, "ESPIPE"), Map.entry(30, "EROFS"), Map.entry(31, "EMLINK"), Map.entry(32, "EPIPE"),
            Map.entry(33, "EDOM"), Map.entry(34, "ERANGE"), Map.entry(35, "EDEADLK"), Map.entry(36, "ENAMETOOLONG"),
            Map.entry(37, "ENOLCK"), Map.entry(38, "ENOSYS"), Map.entry(39, "ENOTEMPTY"), Map.entry(40, "ELOOP"),
            Map.entry(61, "ENODATA"), Map.entry(75, "EOVERFLOW"), Map.entry(95, "EOPNOTSUPP"),
            Map.entry(110, "ETIMEDOUT"));

    private Errno() {
    }

    /** The symbolic name of an errno value, such as {@code EINVAL}; {@code errno 200} for one this table lacks. */
    public static String name(int errno) {
        return NAMES.getOrDefault(errno, "errno " + errno);
    }

    /** What an errno value means, in the C library's words ({@code strerror}). */
    public static String meaning(int errno) {
        try {
            MemorySegment text = (MemorySegment) STRERROR.invokeExact(errno);
            return text.reinterpret(256).getString(0);
        } catch (Throwable t) {
            throw new IllegalStateException("strerror(" + errno + ") failed", t);
        }
    }

    /** A fresh place for the linker to save errno into. */
    public static MemorySegment newCallState(Arena arena) {
        return arena.allocate(CAPTURE_LAYOUT);
    }

    /** The errno a call saved into {@code state}. */
    public static int read(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }
}
