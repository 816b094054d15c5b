package mmapkit.sync;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import mmapkit.dirty.DirtyProbes;
import mmapkit.dirty.PageCacheState;
import mmapkit.faults.Advice;
import mmapkit.faults.PageControl;
import mmapkit.faults.bench.ScratchFiles;
import mmapkit.faults.bench.ScratchFolder;
import mmapkit.mapping.MapMode;
import mmapkit.mapping.MappedFile;
import mmapkit.mapping.Pages;
import mmapkit.mapping.Probe;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Test files on a disk file system for the msync tests: on tmpfs a file's pages are never written
 * back, so "dirty" and "clean" would mean nothing there. Also what the tests ask the kernel
 * directly (cachestat through module 03's reference {@link PageCacheState}), without the code under test.
 */
final class SyncFiles implements AutoCloseable {

    static final long PAGE = Pages.size();

    /** Added to every "still dirty" check: the kernel's own write-back may have been quicker. */
    static final String WRITEBACK_NOTE = " (if fewer: the kernel wrote some back on its own since the stores,"
            + " which it does after dirty_expire_centisecs or under memory pressure; run the test again)";

    private final Path dir;

    private SyncFiles(Path dir) {
        this.dir = dir;
    }

    /** A fresh folder on a disk file system (see {@link mmapkit.faults.bench.ScratchFolder#onDisk()}). */
    static SyncFiles create() {
        return new SyncFiles(ScratchFolder.fresh(ScratchFolder.onDisk(), "msync-"));
    }

    /** Skips the calling test, with the probe's reason, where the kernel has no cachestat (before 6.5). */
    static void assumeCachestat() {
        Probe<Boolean> cachestat = DirtyProbes.cachestat();
        assumeTrue(cachestat.holds(), cachestat.reason());
    }

    /** A fresh file of {@code pages} pages that is one hole: nothing of it cached, nothing dirty. */
    Path hole(String name, long pages) {
        return ScratchFiles.hole(dir.resolve(name), pages * PAGE);
    }

    /** A file of {@code bytes} bytes of {@code value}, written with write() and fsync'ed: cached and clean. */
    Path filled(String name, long bytes, byte value) {
        return ScratchFiles.filled(dir.resolve(name), bytes, value);
    }

    /** A path in the folder; the file is not created. */
    Path path(String name) {
        return dir.resolve(name);
    }

    /**
     * Maps a whole file SHARED with MADV_RANDOM: no readahead, so each page stored to becomes a
     * page of its own in the page cache (no large folio), and k pages written are k dirty pages.
     */
    static MappedFile mapPageByPage(Path file) throws IOException {
        MappedFile mapping = MappedFile.map(file, MapMode.SHARED);
        PageControl.advise(mapping.segment(), Advice.RANDOM);
        return mapping;
    }

    /** How many of the pages {@code [first, first + count)} of {@code file} are dirty, as cachestat says. */
    static long dirtyPages(Path file, long first, long count) {
        return PageCacheState.of(file, first * PAGE, count * PAGE).dirty();
    }

    /** How many of the pages {@code [first, first + count)} of {@code file} are under write-back now. */
    static long writebackPages(Path file, long first, long count) {
        return PageCacheState.of(file, first * PAGE, count * PAGE).writeback();
    }

    @Override
    public void close() {
        ScratchFolder.deleteTree(dir);
    }
}
