package mmapkit.device.special;

import mmapkit.mapping.RawMapping;
import mmapkit.mapping.natives.NativeCallException;
import mmapkit.mapping.natives.PosixFiles;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * A file that lives only in memory and has no name in any folder: {@code memfd_create(2)}.
 *
 * {@snippet :
 * try (Memfd memfd = Memfd.create("frame")) {          // size 0, sealing allowed
 *     memfd.resize(1 << 20);                            // ftruncate: now 1 MiB of zeros
 *     try (RawMapping pixels = memfd.mapShared(1 << 20)) {
 *         pixels.segment().fill((byte) 0x7f);
 *     }                                                 // no writable shared mapping left
 *     memfd.addSeals(Seal.WRITE, Seal.SHRINK, Seal.SEAL); // nobody can change it any more
 *     Path forOthers = memfd.procPath();                // /proc/<pid>/fd/<fd>
 * }
 * }
 *
 * <p>It is born empty. Mapping it before {@link #resize} is allowed, but touching a page that lies
 * past its end raises SIGBUS (in Java an {@link InternalError}), as for any file. Its pages are
 * shmem pages, counted under {@code Shmem} in {@code /proc/meminfo}; they are freed when the last
 * descriptor is closed and the last mapping unmapped. Every mapping of it, in any process, maps the
 * same pages: unlike {@code /dev/zero}, a memfd can be shared by handing it on. Another process of
 * the same user opens it by the path {@link #procPath()}; the descriptor itself is created with
 * {@code MFD_CLOEXEC}, so programs this process starts do not inherit it by accident.
 *
 * <p>The {@code /proc/self/fd} link and the maps line of a mapping read {@code /memfd:<name> (deleted)}.
 */
public final class Memfd implements AutoCloseable {

    /** The longest name the kernel takes, in bytes of UTF-8 (without the terminating zero). */
    public static final int MAX_NAME_BYTES = 249;

    private final int fd;
    private final String name;
    private final long pid;
    private boolean closed;

    private Memfd(int fd, String name) {
        this.fd = fd;
        this.name = name;
        this.pid = ProcessHandle.current().pid();
    }

    /**
     * Creates a memfd that allows seals: {@code memfd_create(name, MFD_CLOEXEC|MFD_ALLOW_SEALING)}.
     *
     * @param name for people only (several memfds may have the same name): at most
     *             {@link #MAX_NAME_BYTES} bytes of UTF-8, no NUL character
     * @throws IllegalArgumentException for a name that breaks these rules, naming it and the rule
     * @throws NativeCallException      when the kernel refuses (EMFILE: too many open files)
     */
    public static Memfd create(String name) {
        return create(name, true);
    }

    /**
     * Creates a memfd, with {@code MFD_CLOEXEC} and, when {@code allowSealing}, {@code MFD_ALLOW_SEALING}.
     * Without it the kernel gives the file {@link Seal#SEAL} at birth: it can never be sealed.
     *
     * @throws IllegalArgumentException for a name that breaks the rules of {@link #create(String)}
     * @throws NativeCallException      when the kernel refuses
     */
    public static Memfd create(String name, boolean allowSealing) {
        Objects.requireNonNull(name, "name");
        // TODO 06.2 (see hint 06.2)
        throw new UnsupportedOperationException("TODO 06.2: check the name, then memfd_create (see hint 06.2)");
    }


    /** The file descriptor (valid until {@link #close()}). */
    public int fd() {
        checkOpen();
        return fd;
    }

    /** The name given at creation. */
    public String name() {
        return name;
    }

    /**
     * The path by which a process of the same user opens this file: {@code /proc/<pid>/fd/<fd>},
     * with this process's id. Opening it opens the memfd itself (a "magic" link), not a copy; it works
     * as long as this process lives and keeps the descriptor open.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public Path procPath() {
        checkOpen();
        // TODO 06.2 (see hint 06.2)
        throw new UnsupportedOperationException("TODO 06.2: the /proc path of the descriptor (see hint 06.2)");
    }

    /**
     * The size of the file now, in bytes: 0 after {@link #create}.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public long size() {
        checkOpen();
        // TODO 06.2 (see hint 06.2)
        throw new UnsupportedOperationException("TODO 06.2: the size of the file (see hint 06.2)");
    }

    /**
     * Gives the file {@code size} bytes: {@code ftruncate(fd, size)}. Growing adds zeros (and no
     * memory until they are touched); shrinking frees the pages past the new end, and a mapping
     * that touches them afterwards gets SIGBUS.
     *
     * @throws IllegalArgumentException for a negative size, naming it
     * @throws NativeCallException      EPERM when a seal forbids it ({@link Seal#SHRINK}, {@link Seal#GROW})
     * @throws IllegalStateException    after {@link #close()}
     */
    public void resize(long size) {
        checkOpen();
        // TODO 06.2 (see hint 06.2)
        throw new UnsupportedOperationException("TODO 06.2: ftruncate (see hint 06.2)");
    }

    /**
     * Maps the first {@code length} bytes readable and writable, shared: {@code MAP_SHARED}. Every
     * other shared mapping of the file, in any process, sees the stores at once.
     *
     * @throws IllegalArgumentException for a length that is not positive
     * @throws NativeCallException      EPERM once the file has {@link Seal#WRITE} or {@link Seal#FUTURE_WRITE}
     * @throws IllegalStateException    after {@link #close()}
     */
    public RawMapping mapShared(long length) {
        checkOpen();
        // TODO 06.2 (see hint 06.2)
        throw new UnsupportedOperationException("TODO 06.2: map the memfd shared (see hint 06.2)");
    }

    /**
     * Maps the first {@code length} bytes read-only, shared: sees every change to the file, makes none.
     * Works on a write-sealed file.
     *
     * @throws IllegalArgumentException for a length that is not positive
     * @throws IllegalStateException    after {@link #close()}
     */
    public RawMapping mapSharedReadOnly(long length) {
        checkOpen();
        // TODO 06.2 (see hint 06.2)
        throw new UnsupportedOperationException("TODO 06.2: map the memfd shared, read-only (see hint 06.2)");
    }

    /**
     * Maps the first {@code length} bytes readable and writable, private: {@code MAP_PRIVATE},
     * copy-on-write. Stores make private copies and never reach the file, so this works on a
     * write-sealed file too.
     *
     * @throws IllegalArgumentException for a length that is not positive
     * @throws IllegalStateException    after {@link #close()}
     */
    public RawMapping mapPrivate(long length) {
        checkOpen();
        // TODO 06.2 (see hint 06.2)
        throw new UnsupportedOperationException("TODO 06.2: map the memfd private (see hint 06.2)");
    }

    /**
     * Adds seals, in one {@code fcntl(fd, F_ADD_SEALS, seals)} call. A seal that the file has
     * already is no error. When the call fails, the file keeps exactly the seals it had.
     *
     * @throws NativeCallException   EBUSY for {@link Seal#WRITE} while a writable shared mapping
     *                               exists; EPERM once the file has {@link Seal#SEAL} (or was
     *                               created without sealing)
     * @throws NullPointerException  for a null seal (or a null array of more seals), naming its place
     * @throws IllegalStateException after {@link #close()}
     */
    public void addSeals(Seal first, Seal... more) {
        requireSeals(first, more);
        checkOpen();
        // TODO 06.2 (see hint 06.2)
        throw new UnsupportedOperationException("TODO 06.2: add the seals with fcntl (see hint 06.2)");
    }

    /**
     * The seals the file has now: {@code fcntl(fd, F_GET_SEALS)}. Empty for a new memfd that allows
     * sealing; {@link Seal#SEAL} alone for one created without.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public Set<Seal> seals() {
        checkOpen();
        // TODO 06.2 (see hint 06.2)
        throw new UnsupportedOperationException("TODO 06.2: read the seals with fcntl (see hint 06.2)");
    }

    /** Whether the descriptor is still open. */
    public boolean isOpen() {
        return !closed;
    }

    /**
     * Closes the descriptor, once however often this is called. Mappings stay: the file lives until
     * its last mapping is gone too (and as long as another process has it open).
     */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            PosixFiles.close(fd);
        }
    }

    /** Names the null seal: {@code EnumSet.of} would only say that "e" is null. */
    private static void requireSeals(Seal first, Seal... more) {
        String rule = ": every seal must be one of " + EnumSet.allOf(Seal.class);
        Objects.requireNonNull(first, () -> "seal first is null" + rule);
        Objects.requireNonNull(more, () -> "seals more (the array) is null" + rule);
        for (int i = 0; i < more.length; i++) {
            int index = i;
            Objects.requireNonNull(more[i], () -> "seal more[" + index + "] is null" + rule);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("memfd '" + name + "' (fd " + fd + ") is closed");
        }
    }

    @Override
    public String toString() {
        return "Memfd[" + name + ", fd " + fd + (closed ? ", closed]" : "]");
    }
}
