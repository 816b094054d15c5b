package mmapkit.device.natives;

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
 * {@code memfd_create(2)} and the sealing commands of {@code fcntl(2)} through the FFM linker, with
 * their constants for Linux (the same on x86-64 and arm64).
 *
 * <pre>
 * int memfd_create(const char *name, unsigned int flags);
 * int fcntl(int fd, int cmd, ... int arg);      // F_ADD_SEALS, F_GET_SEALS
 * </pre>
 *
 * <p>A memfd is a file that lives only in memory (in the kernel's shmem, like a file under
 * {@code /dev/shm}) and has no name in any folder: the descriptor is the only way in. Seals are
 * promises the kernel enforces on the file for everybody who has it open, for as long as it exists:
 * once added, a seal can never be removed. Both calls return -1 and set {@code errno} on failure;
 * that becomes a {@link NativeCallException} whose call reads like C, such as
 * {@code fcntl(5, F_ADD_SEALS, F_SEAL_WRITE)}.
 *
 * <p>The values come from the kernel's {@code include/uapi/linux/memfd.h} and
 * {@code include/uapi/linux/fcntl.h}.
 */
@SuppressWarnings("restricted") // binding native functions is what this class is for
public final class MemfdCalls {

    /** Close the descriptor in a program started with exec (the file stays reachable by /proc path). */
    public static final int MFD_CLOEXEC = 0x1;
    /** Allow seals; without it the file is born with {@link #F_SEAL_SEAL} and can never be sealed. */
    public static final int MFD_ALLOW_SEALING = 0x2;
    /** Back the file with huge pages of the hugetlb pool (needs reserved huge pages). */
    public static final int MFD_HUGETLB = 0x4;

    /** fcntl command: add the seals given as the third argument (Linux 3.17). */
    public static final int F_ADD_SEALS = 1033;
    /** fcntl command: return the seals the file has. */
    public static final int F_GET_SEALS = 1034;

    /** No more seals may be added (nor removed: seals never are). */
    public static final int F_SEAL_SEAL = 0x1;
    /** The file may not shrink: {@code ftruncate} to a smaller size fails with EPERM. */
    public static final int F_SEAL_SHRINK = 0x2;
    /** The file may not grow: {@code ftruncate} to a larger size, or a write past its end, fails with EPERM. */
    public static final int F_SEAL_GROW = 0x4;
    /**
     * The contents may not change: {@code write(2)} and new writable shared mappings fail with EPERM.
     * Adding it fails with EBUSY while a writable shared mapping exists.
     */
    public static final int F_SEAL_WRITE = 0x8;
    /**
     * Like {@link #F_SEAL_WRITE} for what comes later only: writable shared mappings that exist keep
     * working, new ones and {@code write(2)} fail with EPERM (Linux 5.1).
     */
    public static final int F_SEAL_FUTURE_WRITE = 0x10;

    private static final Linker LINKER = Linker.nativeLinker();

    // tag::memfd-handles[]
    /** {@code int memfd_create(const char *name, unsigned int flags)} */
    private static final MethodHandle MEMFD_CREATE = LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("memfd_create"),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT),
            Errno.CAPTURE);

    /** {@code int fcntl(int fd, int cmd, ... int arg)}: variadic after the second argument. */
    private static final MethodHandle FCNTL = LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("fcntl"),
            FunctionDescriptor.of(ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
            Linker.Option.firstVariadicArg(2), Errno.CAPTURE);
    // end::memfd-handles[]

    private MemfdCalls() {
    }

    /**
     * Calls {@code memfd_create(name, flags)}.
     *
     * @param name  shown as {@code /memfd:<name>} in {@code /proc/PID/fd} and {@code /proc/PID/maps};
     *              at most 249 bytes (the kernel says EINVAL otherwise)
     * @param flags {@link #MFD_CLOEXEC}, {@link #MFD_ALLOW_SEALING}, {@link #MFD_HUGETLB}
     * @return the new file descriptor: a file of size 0
     * @throws IllegalArgumentException for a null name or one with a NUL character
     * @throws NativeCallException      when the call returns -1, with its errno
     */
    public static int memfdCreate(String name, int flags) {
        if (name == null || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("name " + (name == null ? "null" : "'" + name.replace('\0', '?') + "'")
                    + " must be a string without NUL characters: C reads it up to the first NUL");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Errno.newCallState(arena);
            int fd = (int) MEMFD_CREATE.invokeExact(state, arena.allocateFrom(name), flags);
            if (fd == -1) {
                throw new NativeCallException("memfd_create(\"" + name + "\", " + flagNames(flags) + ")",
                        Errno.read(state));
            }
            return fd;
        } catch (NativeCallException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("cannot call memfd_create", t);
        }
    }

    // tag::add-seals[]
    /**
     * Calls {@code fcntl(fd, F_ADD_SEALS, seals)}.
     *
     * @param seals a combination of the {@code F_SEAL_*} bits
     * @throws NativeCallException EBUSY (F_SEAL_WRITE while a writable shared mapping exists),
     *                             EPERM (the file has F_SEAL_SEAL), EINVAL (not a memfd or shmem file)
     */
    public static void addSeals(int fd, int seals) {
        String call = "fcntl(" + fd + ", F_ADD_SEALS, " + sealNames(seals) + ")";
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Errno.newCallState(arena);
            int result = (int) FCNTL.invokeExact(state, fd, F_ADD_SEALS, seals);
            if (result == -1) {
                throw new NativeCallException(call, Errno.read(state));
            }
        } catch (NativeCallException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("cannot call " + call, t);
        }
    }
    // end::add-seals[]

    /**
     * Calls {@code fcntl(fd, F_GET_SEALS)}.
     *
     * @return the seals the file has, as {@code F_SEAL_*} bits
     * @throws NativeCallException EINVAL for a file that cannot have seals, EBADF for a closed descriptor
     */
    public static int getSeals(int fd) {
        String call = "fcntl(" + fd + ", F_GET_SEALS)";
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Errno.newCallState(arena);
            int result = (int) FCNTL.invokeExact(state, fd, F_GET_SEALS, 0);
            if (result == -1) {
                throw new NativeCallException(call, Errno.read(state));
            }
            return result;
        } catch (NativeCallException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("cannot call " + call, t);
        }
    }

    /** {@code F_SEAL_SHRINK|F_SEAL_GROW} for 6, {@code 0} for none; unknown bits in hexadecimal. */
    public static String sealNames(int seals) {
        return FlagNames.of(seals)
                .flag(F_SEAL_SEAL, "F_SEAL_SEAL")
                .flag(F_SEAL_SHRINK, "F_SEAL_SHRINK")
                .flag(F_SEAL_GROW, "F_SEAL_GROW")
                .flag(F_SEAL_WRITE, "F_SEAL_WRITE")
                .flag(F_SEAL_FUTURE_WRITE, "F_SEAL_FUTURE_WRITE")
                .text();
    }

    /** {@code MFD_CLOEXEC|MFD_ALLOW_SEALING} for 3, {@code 0} for none; unknown bits in hexadecimal. */
    public static String flagNames(int flags) {
        return FlagNames.of(flags)
                .flag(MFD_CLOEXEC, "MFD_CLOEXEC")
                .flag(MFD_ALLOW_SEALING, "MFD_ALLOW_SEALING")
                .flag(MFD_HUGETLB, "MFD_HUGETLB")
                .text();
    }
}
