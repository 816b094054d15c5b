package mmapkit.dirty;

import mmapkit.faults.bench.ScratchFiles;
import mmapkit.faults.bench.ScratchFolder;
import mmapkit.mapping.proc.Sysctl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Test files on a disk file system for the kernel-view tests (smaps, cachestat, pagemap): on tmpfs a
 * file's pages are never written back, so dirty and clean would mean nothing there. Also what the tests
 * ask the kernel directly, without the code under test.
 */
final class KernelViewFiles implements AutoCloseable {

    static final long PAGE = mmapkit.mapping.Pages.size();

    private final Path dir;

    private KernelViewFiles(Path dir) {
        this.dir = dir;
    }

    /** A fresh folder on a disk file system (see {@link mmapkit.faults.bench.ScratchFolder#onDisk()}). */
    static KernelViewFiles create() {
        return new KernelViewFiles(ScratchFolder.fresh(ScratchFolder.onDisk(), "dirty-tracking-"));
    }

    /** A fresh file of {@code pages} pages that is one hole: nothing of it in the page cache, nothing dirty. */
    Path hole(String name, long pages) {
        return ScratchFiles.hole(dir.resolve(name), pages * PAGE);
    }

    /** A file of {@code pages} pages of ones, written with write() and fsync'ed: cached and clean. */
    Path synced(String name, long pages) {
        return ScratchFiles.filled(dir.resolve(name), pages * PAGE, (byte) 1);
    }

    Path dir() {
        return dir;
    }

    @Override
    public void close() {
        ScratchFolder.deleteTree(dir);
    }

    /** One number of a sysctl file of {@code /proc/sys/vm}. */
    static long sysctl(String name) {
        return Sysctl.readLong("vm/" + name);
    }

    /** The raw pagemap entry of the page at {@code address}, read by the test itself. */
    static long pagemapEntry(long address) {
        try (FileChannel pagemap = FileChannel.open(Path.of("/proc/self/pagemap"), StandardOpenOption.READ)) {
            ByteBuffer entry = ByteBuffer.allocate(8).order(java.nio.ByteOrder.nativeOrder());
            pagemap.read(entry, address / PAGE * 8);
            return entry.getLong(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes 4 to /proc/self/clear_refs, by the test itself. */
    static void clearSoftDirty() {
        try (FileChannel clearRefs = FileChannel.open(Path.of("/proc/self/clear_refs"), StandardOpenOption.WRITE)) {
            clearRefs.write(ByteBuffer.wrap(new byte[] {'4'}));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
