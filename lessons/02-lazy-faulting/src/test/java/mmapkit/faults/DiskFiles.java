package mmapkit.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Test files on a disk file system. On tmpfs (or ramfs) a file's pages live only in the page cache:
 * they cannot be evicted and a fault never reads a disk, so the tests of eviction and major faults
 * would mean nothing there.
 */
final class DiskFiles implements AutoCloseable {

    static final long PAGE = mmapkit.mapping.Pages.size();

    private static final Set<String> MEMORY_FILE_SYSTEMS = Set.of("tmpfs", "ramfs", "hugetlbfs", "devtmpfs");

    private final Path dir;

    private DiskFiles(Path dir) {
        this.dir = dir;
    }

    /** A fresh folder in java.io.tmpdir, or under ./target when that is in memory. */
    static DiskFiles create() {
        try {
            Path base = Path.of(System.getProperty("java.io.tmpdir"));
            if (inMemory(base)) {
                base = Files.createDirectories(Path.of("target", "disk-test-files").toAbsolutePath());
            }
            if (inMemory(base)) {
                throw new IllegalStateException("no disk file system for test files: " + base + " is "
                        + Files.getFileStore(base).type() + "; set java.io.tmpdir to a folder on a disk");
            }
            return new DiskFiles(Files.createTempDirectory(base, "lazy-faulting-"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean inMemory(Path dir) throws IOException {
        FileStore store = Files.getFileStore(dir);
        return MEMORY_FILE_SYSTEMS.contains(store.type());
    }

    /** A file of {@code pages} whole pages of random bytes, written with write() and so in the page cache. */
    Path file(String name, long pages) {
        return file(name, (int) (pages * PAGE), pages);
    }

    /** A file of {@code size} bytes of random bytes. */
    Path file(String name, int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        try {
            return Files.write(dir.resolve(name), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path dir() {
        return dir;
    }

    @Override
    public void close() {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
