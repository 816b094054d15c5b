package mmapkit.device.special;

import mmapkit.mapping.RawMapping;
import mmapkit.mapping.natives.MemoryMapCalls;
import mmapkit.mapping.natives.NativeCallException;
import mmapkit.mapping.natives.PosixFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * POSIX shared memory objects, as {@code shm_open(3)} and {@code shm_unlink(3)} make them: named
 * files in a tmpfs, {@code /dev/shm} on Linux. The C library's {@code shm_open("/name", ...)} is
 * {@code open("/dev/shm/name", ... | O_NOFOLLOW | O_CLOEXEC)}, nothing more; this class does the
 * same, so a C program's {@code shm_open} and this class find the same object.
 *
 * <p>Unlike a {@link Memfd}, an object has a name that any process may open (permissions
 * allowing), and it outlives every process until it is unlinked: the tmpfs keeps its pages in
 * memory (counted as {@code Shmem} in {@code /proc/meminfo}) and never writes them to a disk.
 *
 * <p>The objects live in {@link #directory()}: {@link #DEV_SHM} for the real thing, or another
 * folder (tests use one of their own, under {@code /dev/shm}, so that they leave nothing behind).
 *
 * <p>Any process may also cut an object it can open: touching a page of a mapping that then lies
 * past the end raises SIGBUS, which the JDK turns into an {@link InternalError}; the JVM lives on.
 */
public final class PosixSharedMemory {

    /** Where Linux keeps POSIX shared memory objects (a tmpfs). */
    public static final Path DEV_SHM = Path.of("/dev/shm");
    /** The longest file name a Linux file system takes, in bytes: the limit for the name after the slash. */
    public static final int NAME_MAX = 255;
    /** {@code open(2)} flag: fail with EEXIST when the file exists (x86-64 and arm64 value). */
    public static final int O_EXCL = 0200;
    /** {@code open(2)} flag: refuse to follow a symbolic link in the last component (ELOOP). */
    public static final int O_NOFOLLOW = 0400000;

    private final Path directory;

    private PosixSharedMemory(Path directory) {
        this.directory = directory;
    }

    /** The objects under {@code /dev/shm}, where {@code shm_open} looks. */
    public static PosixSharedMemory standard() {
        return new PosixSharedMemory(DEV_SHM);
    }

    /** Objects kept in another folder (it should be on a tmpfs for the same behaviour). */
    public static PosixSharedMemory in(Path directory) {
        return new PosixSharedMemory(Objects.requireNonNull(directory, "directory"));
    }

    /** The folder the objects are files of. */
    public Path directory() {
        return directory;
    }

    /**
     * The file of the object named {@code name}: {@code directory()/name-without-the-slash}.
     *
     * @param name a portable POSIX name: {@code "/"} followed by 1 to {@link #NAME_MAX} bytes of UTF-8
     *             with no other {@code '/'} and no NUL, and not {@code "/."} or {@code "/.."}
     * @throws IllegalArgumentException for a name that breaks a rule, naming it and the rule
     */
    public Path path(String name) {
        Objects.requireNonNull(name, "name");
        // SOLUTION-BEGIN 06.2
        if (!name.startsWith("/")) {
            throw new IllegalArgumentException("name '" + name + "' must start with '/', as in \"/frames\"");
        }
        String file = name.substring(1);
        if (file.isEmpty() || file.equals(".") || file.equals("..")) {
            throw new IllegalArgumentException("name '" + name + "' must have a file name after the '/' (not '.' or '..')");
        }
        if (file.indexOf('/') >= 0) {
            throw new IllegalArgumentException("name '" + name + "' must contain no '/' after the first: objects"
                    + " are files of one folder, with no subfolders");
        }
        if (file.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("name '" + name.replace('\0', '?') + "' must not contain a NUL character");
        }
        int bytes = file.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > NAME_MAX) {
            throw new IllegalArgumentException("name '/" + file.substring(0, 20) + "...' has " + bytes
                    + " bytes after the '/': at most " + NAME_MAX + " (NAME_MAX) are allowed");
        }
        return directory.resolve(file);
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 06.2: check the name and make the path (see hint 06.2)");
        // SOLUTION-END
    }

    /**
     * Creates the object {@code name} with {@code size} bytes of zeros and maps it, readable and
     * writable, shared: {@code shm_open(name, O_RDWR|O_CREAT|O_EXCL, 0600)}, {@code ftruncate},
     * {@code mmap(MAP_SHARED)}. An object that exists is refused and left alone; when a later step
     * fails, the new object is removed again.
     *
     * @param size bytes, at least 1
     * @throws IllegalArgumentException for a bad name or a size that is not positive
     * @throws NativeCallException      EEXIST when the object exists; other errors of open, ftruncate, mmap
     */
    public RawMapping create(String name, long size) {
        Path file = path(name);
        // SOLUTION-BEGIN 06.2
        if (size <= 0) {
            throw new IllegalArgumentException("size " + size + " must be positive");
        }
        int fd = PosixFiles.open(file, PosixFiles.O_RDWR | PosixFiles.O_CREAT | O_EXCL | O_NOFOLLOW, 0600);
        try {
            PosixFiles.ftruncate(fd, size);
            return RawMapping.map(size, MemoryMapCalls.PROT_READ | MemoryMapCalls.PROT_WRITE,
                    MemoryMapCalls.MAP_SHARED, fd, 0);
        } catch (RuntimeException | Error e) {
            try {
                Files.deleteIfExists(file); // we created it: leave nothing half made behind
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        } finally {
            PosixFiles.close(fd);
        }
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 06.2: create, size and map the object (see hint 06.2)");
        // SOLUTION-END
    }

    /**
     * Opens the object {@code name} that exists and maps all of it, readable and writable, shared.
     *
     * @throws IllegalArgumentException for a bad name, or an object of size 0 (nothing to map)
     * @throws NativeCallException      ENOENT when there is no such object
     */
    public RawMapping open(String name) {
        Path file = path(name);
        // SOLUTION-BEGIN 06.2
        int fd = PosixFiles.open(file, PosixFiles.O_RDWR | O_NOFOLLOW, 0);
        try {
            long size = Files.size(file);
            if (size == 0) {
                throw new IllegalArgumentException("object " + name + " has size 0: its creator has not sized it yet");
            }
            return RawMapping.map(size, MemoryMapCalls.PROT_READ | MemoryMapCalls.PROT_WRITE,
                    MemoryMapCalls.MAP_SHARED, fd, 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stat " + file, e);
        } finally {
            PosixFiles.close(fd);
        }
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 06.2: open and map the object (see hint 06.2)");
        // SOLUTION-END
    }

    /**
     * Removes the name, as {@code shm_unlink} does. Mappings of the object keep working; its memory
     * is freed when the last one is gone.
     *
     * @return whether there was such an object
     * @throws IllegalArgumentException for a bad name
     */
    public boolean unlink(String name) {
        Path file = path(name);
        // SOLUTION-BEGIN 06.2
        try {
            return Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unlink " + file, e);
        }
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 06.2: remove the object's name (see hint 06.2)");
        // SOLUTION-END
    }

    @Override
    public String toString() {
        return "PosixSharedMemory[" + directory + "]";
    }
}
