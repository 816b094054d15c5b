package mmapkit.faults.natives;

import mmapkit.mapping.natives.NativeCallException;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Map;

/**
 * {@code madvise(2)} and {@code posix_fadvise(2)} through the FFM linker, with their constants for
 * Linux (the same on x86-64 and arm64).
 *
 * <p>The two report failure differently: {@code madvise} returns -1 and sets {@code errno};
 * {@code posix_fadvise} returns the error number itself and leaves {@code errno} alone (POSIX
 * says so). Both become a {@link NativeCallException}.
 */
@SuppressWarnings("restricted") // binding native functions is what this class is for
public final class AdviceCalls {

    /** No special treatment (the default). */
    public static final int MADV_NORMAL = 0;
    /** Expect random access: no readahead on faults. */
    public static final int MADV_RANDOM = 1;
    /** Expect sequential access: aggressive readahead, pages behind may be freed soon. */
    public static final int MADV_SEQUENTIAL = 2;
    /** Expect access soon: start reading the range in (asynchronously). */
    public static final int MADV_WILLNEED = 3;
    /**
     * Do not expect access soon: the kernel drops this mapping's page table entries at once. Private
     * anonymous memory comes back zero-filled; private file mappings lose their copies; shared mappings
     * keep their data (it stays in the page cache).
     */
    public static final int MADV_DONTNEED = 4;
    /**
     * Back this range of anonymous memory with transparent huge pages where the kernel can (when
     * {@code /sys/kernel/mm/transparent_hugepage/enabled} is {@code always} or {@code madvise}).
     */
    public static final int MADV_HUGEPAGE = 14;
    /** Never back this range with transparent huge pages. */
    public static final int MADV_NOHUGEPAGE = 15;
    /** Fault in every page readable, reporting failures (Linux 5.14). */
    public static final int MADV_POPULATE_READ = 22;
    /** Fault in every page writable (breaking copy-on-write), reporting failures (Linux 5.14). */
    public static final int MADV_POPULATE_WRITE = 23;

    /** posix_fadvise: the file's pages will not be needed: clean, unmapped ones leave the page cache. */
    public static final int POSIX_FADV_DONTNEED = 4;
    /** posix_fadvise: the file's pages will be needed: start reading them in. */
    public static final int POSIX_FADV_WILLNEED = 3;

    private static final Map<Integer, String> MADVICE_NAMES = Map.of(
            MADV_NORMAL, "MADV_NORMAL", MADV_RANDOM, "MADV_RANDOM", MADV_SEQUENTIAL, "MADV_SEQUENTIAL",
            MADV_WILLNEED, "MADV_WILLNEED", MADV_DONTNEED, "MADV_DONTNEED",
            MADV_HUGEPAGE, "MADV_HUGEPAGE", MADV_NOHUGEPAGE, "MADV_NOHUGEPAGE",
            MADV_POPULATE_READ, "MADV_POPULATE_READ", MADV_POPULATE_WRITE, "MADV_POPULATE_WRITE");

    // tag::advice-handles[]
    /** {@code int madvise(void *addr, size_t length, int advice)}: -1 and errno on failure. */
    private static final MethodHandle MADVISE = CallState.LINKER.downcallHandle(
            CallState.LINKER.defaultLookup().findOrThrow("madvise"),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT),
            CallState.CAPTURE);

    /** {@code int posix_fadvise(int fd, off_t offset, off_t len, int advice)}: returns the error number itself. */
    private static final MethodHandle POSIX_FADVISE = CallState.LINKER.downcallHandle(
            CallState.LINKER.defaultLookup().findOrThrow("posix_fadvise"),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
    // end::advice-handles[]

    private AdviceCalls() {
    }

    /** {@code MADV_RANDOM} for 1; the number itself for one this class does not name. */
    public static String adviceName(int advice) {
        return MADVICE_NAMES.getOrDefault(advice, String.valueOf(advice));
    }

    /**
     * Calls {@code madvise(address, length, advice)}.
     *
     * @throws NativeCallException when madvise returns -1, with its errno
     */
    public static void madvise(long address, long length, int advice) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = CallState.allocate(arena);
            int result = (int) MADVISE.invokeExact(state, MemorySegment.ofAddress(address), length, advice);
            if (result == -1) {
                throw new NativeCallException(describeMadvise(address, length, advice), CallState.errno(state));
            }
        } catch (NativeCallException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("cannot call madvise", t);
        }
    }

    /** The call as C would read: {@code madvise(0x7f0000000000, 8192, MADV_POPULATE_READ)}. */
    public static String describeMadvise(long address, long length, int advice) {
        return "madvise(" + CallState.hex(address) + ", " + length + ", " + adviceName(advice) + ")";
    }

    // tag::fadvise-call[]
    /**
     * Calls {@code posix_fadvise(fd, offset, length, advice)}; length 0 means "to the end of the file".
     *
     * @throws NativeCallException when it returns an error number (EBADF, EINVAL, ESPIPE)
     */
    public static void posixFadvise(int fd, long offset, long length, int advice) {
        int error;
        try {
            error = (int) POSIX_FADVISE.invokeExact(fd, offset, length, advice);
        } catch (Throwable t) {
            throw new IllegalStateException("cannot call posix_fadvise", t);
        }
        if (error != 0) { // the error number is the result: errno is not set
            throw new NativeCallException("posix_fadvise(" + fd + ", " + offset + ", " + length + ", "
                    + (advice == POSIX_FADV_DONTNEED ? "POSIX_FADV_DONTNEED"
                    : advice == POSIX_FADV_WILLNEED ? "POSIX_FADV_WILLNEED" : String.valueOf(advice)) + ")", error);
        }
    }
    // end::fadvise-call[]
}
