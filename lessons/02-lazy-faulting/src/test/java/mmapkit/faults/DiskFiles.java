package mmapkit.faults;

import mmapkit.faults.bench.ScratchFolder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Test files on a disk file system. On tmpfs (or ramfs) a file's pages live only in the page cache:
 * they cannot be evicted and a fault never reads a disk, so the tests of eviction and major faults
 * would mean nothing there.
 */
final class DiskFiles implements AutoCloseable {

    static final long PAGE = mmapkit.mapping.Pages.size();

    private final Path dir;

    private DiskFiles(Path dir) {
        this.dir = dir;
    }

    /** A fresh folder on a disk file system (see {@link mmapkit.faults.bench.ScratchFolder#onDisk()}). */
    static DiskFiles create() {
        return new DiskFiles(ScratchFolder.fresh(ScratchFolder.onDisk(), "lazy-faulting-"));
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
        ScratchFolder.deleteTree(dir);
    }
}
