package mmapkit.faults.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Where measurements, experiments and tests put their files: on a disk file system when the numbers
 * are about files ({@link #onDisk()}), in shared memory when processes map them together
 * ({@link #inSharedMemory()}); and fresh folders for one run that are deleted with what is in them.
 *
 * <p>A file in {@code tmpfs} (often {@code /tmp}, always {@code /dev/shm}) lives in the page
 * cache with no disk behind it: its pages are never evicted, it has no major faults and no
 * readahead, so the numbers would not be those of a file. This class takes
 * {@code java.io.tmpdir} when its file system is on a disk, and the current working folder
 * otherwise.
 */
public final class ScratchFolder {

    /** File system types that keep files in memory only. */
    public static final Set<String> IN_MEMORY_TYPES = Set.of("tmpfs", "ramfs", "shm", "hugetlbfs", "devtmpfs");

    private ScratchFolder() {
    }

    /**
     * A folder on a disk file system for test files.
     *
     * @throws IllegalStateException when neither {@code java.io.tmpdir} nor the working folder is on one
     */
    public static Path onDisk() {
        Path temp = Path.of(System.getProperty("java.io.tmpdir"));
        if (!isInMemory(temp)) {
            return temp;
        }
        Path working = Path.of("").toAbsolutePath();
        if (!isInMemory(working)) {
            return working;
        }
        throw new IllegalStateException("java.io.tmpdir (" + fileSystemType(temp) + ") and the working folder ("
                + fileSystemType(working) + ") both keep files in memory: run from a folder on a disk, or set"
                + " -Djava.io.tmpdir to one");
    }

    /** Whether {@code folder} is on a file system that keeps its files in memory only. */
    public static boolean isInMemory(Path folder) {
        return IN_MEMORY_TYPES.contains(fileSystemType(folder));
    }

    /** The type of the file system {@code path} is on, as {@code /proc/self/mounts} names it ({@code ext4}, {@code tmpfs}, ...). */
    public static String fileSystemType(Path path) {
        try {
            return Files.getFileStore(path).type();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot tell the file system of " + path, e);
        }
    }

    /**
     * A folder in shared memory, for files that several processes map: {@code /dev/shm} (a tmpfs,
     * where POSIX shared memory objects live), or {@code java.io.tmpdir} where there is none or it
     * cannot be written.
     */
    public static Path inSharedMemory() {
        Path shm = Path.of("/dev/shm");
        return Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
    }

    /**
     * A new, empty folder in {@code parent} whose name starts with {@code prefix}, for one test or one
     * run; delete it with {@link #deleteTree(Path)}.
     *
     * @throws UncheckedIOException when it cannot be made (the message names {@code parent})
     */
    public static Path fresh(Path parent, String prefix) {
        try {
            return Files.createTempDirectory(parent, prefix);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a folder in " + parent, e);
        }
    }

    /** Deletes {@code folder} and everything in it, deepest first; what is already gone is no error. */
    public static void deleteTree(Path folder) {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> files = Files.walk(folder)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + folder, e);
        }
    }
}
