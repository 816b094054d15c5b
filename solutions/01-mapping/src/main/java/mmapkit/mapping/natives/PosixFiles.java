package mmapkit.mapping.natives;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.Objects;

/**
 * File descriptors: {@code open(2)}, {@code close(2)} and {@code ftruncate(2)}, for the calls that
 * need a descriptor rather than a Java channel ({@code mmap} of a file, later {@code memfd}).
 * Failures become a {@link NativeCallException}. Flag values are those of x86-64 Linux.
 */
@SuppressWarnings("restricted") // binding native functions is what this class is for
public final class PosixFiles {

    /** Open for reading only. */
    public static final int O_RDONLY = 0;
    /** Open for writing only (mmap needs a descriptor open for reading: EACCES). */
    public static final int O_WRONLY = 01;
    /** Open for reading and writing: needed for a writable MAP_SHARED mapping. */
    public static final int O_RDWR = 02;
    /** Create the file if it does not exist (then the mode argument counts). */
    public static final int O_CREAT = 0100;
    /** Truncate the file to length 0. */
    public static final int O_TRUNC = 01000;
    /** Close the descriptor in a program started with exec. */
    public static final int O_CLOEXEC = 02000000;

    private static final Linker LINKER = Linker.nativeLinker();

    /** {@code int open(const char *path, int flags, ... mode_t mode)}: variadic after the second argument. */
    private static final MethodHandle OPEN = LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("open"),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
            Linker.Option.firstVariadicArg(2), Errno.CAPTURE);

    private static final MethodHandle CLOSE = LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("close"),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), Errno.CAPTURE);

    private static final MethodHandle FTRUNCATE = LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("ftruncate"),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG), Errno.CAPTURE);

    private PosixFiles() {
    }

    /**
     * Opens a file, always with {@link #O_CLOEXEC}.
     *
     * @param mode permission bits for a file that {@link #O_CREAT} creates (such as {@code 0644})
     * @return the file descriptor; close it with {@link #close(int)}
     */
    public static int open(Path file, int flags, int mode) {
        Objects.requireNonNull(file, "file must not be null: open(2) needs a path");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Errno.newCallState(arena);
            MemorySegment path = arena.allocateFrom(file.toString());
            int fd = (int) OPEN.invokeExact(state, path, flags | O_CLOEXEC, mode);
            if (fd == -1) {
                throw new NativeCallException("open(\"" + file + "\", 0" + Integer.toOctalString(flags) + ", 0"
                        + Integer.toOctalString(mode) + ")", Errno.read(state));
            }
            return fd;
        } catch (NativeCallException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("cannot call open", t);
        }
    }

    /** Closes a descriptor. A mapping made from it stays mapped: closing does not unmap. */
    public static void close(int fd) {
        call("close(" + fd + ")", () -> (int) CLOSE.invokeExact(errnoState(), fd));
    }

    /** Sets the length of the file open as {@code fd}: cuts it, or extends it with a hole that reads zero. */
    public static void ftruncate(int fd, long length) {
        call("ftruncate(" + fd + ", " + length + ")", () -> (int) FTRUNCATE.invokeExact(errnoState(), fd, length));
    }

    private interface IntCall {
        int invoke() throws Throwable;
    }

    private static final ThreadLocal<MemorySegment> STATE = ThreadLocal.withInitial(
            () -> Errno.newCallState(Arena.ofAuto()));

    private static MemorySegment errnoState() {
        return STATE.get();
    }

    private static void call(String description, IntCall call) {
        int result;
        try {
            result = call.invoke();
        } catch (Throwable t) {
            throw new IllegalStateException("cannot call " + description, t);
        }
        if (result == -1) {
            throw new NativeCallException(description, Errno.read(errnoState()));
        }
    }
}
