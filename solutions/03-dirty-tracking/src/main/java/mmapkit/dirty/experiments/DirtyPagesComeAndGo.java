package mmapkit.dirty.experiments;

import mmapkit.dirty.MappingStats;
import mmapkit.dirty.MemInfo;
import mmapkit.dirty.PageCacheState;
import mmapkit.faults.Advice;
import mmapkit.faults.PageControl;
import mmapkit.faults.bench.ScratchFiles;
import mmapkit.faults.bench.ScratchFolder;
import mmapkit.mapping.MapMode;
import mmapkit.mapping.MappedFile;
import mmapkit.mapping.Pages;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Experiment: stores to k pages of a fresh MAP_SHARED mapping make k dirty pages, which smaps counts as
 * Private_Dirty of the mapping (only this process maps them) and cachestat as dirty pages of the file;
 * {@code force()} (msync) writes them back and both drop to zero. Stores to a MAP_PRIVATE mapping of the
 * same file make private copies: smaps counts them as Anonymous, and the file gets no dirty page.
 */
public final class DirtyPagesComeAndGo {

    private static final long PAGE = Pages.size();
    private static final int FILE_PAGES = 32;
    private static final int WRITTEN_PAGES = 8;

    private DirtyPagesComeAndGo() {
    }

    public static void main(String[] args) throws IOException {
        Path file = Files.createTempFile(ScratchFolder.onDisk(), "dirty-pages-", ".bin");
        try {
            ScratchFiles.hole(file, FILE_PAGES * PAGE); // no page of it in the page cache yet
            System.out.println("A fresh file of " + FILE_PAGES + " pages on " + ScratchFolder.fileSystemType(file)
                    + " (a hole, nothing cached), mapped with MADV_RANDOM; stores to " + WRITTEN_PAGES + " pages:");
            System.out.println(cachestatNote());
            System.out.println();
            System.out.printf("%-28s %9s %9s %9s %9s %9s %11s %14s%n", "", "Rss", "Pvt_Dirty", "Shr_Dirty",
                    "Pvt_Clean", "Anonymous", "file dirty", "meminfo Dirty");
            // tag::write-then-force[]
            try (MappedFile shared = MappedFile.map(file, MapMode.SHARED)) {
                MemorySegment pages = shared.segment();
                PageControl.advise(pages, Advice.RANDOM); // no readahead: each fault brings in one page
                row("SHARED, mapped", pages, file);
                for (int page = 0; page < WRITTEN_PAGES; page++) {
                    pages.set(ValueLayout.JAVA_LONG, page * PAGE, 0x5eed_0000L + page); // one store per page
                }
                row("SHARED, " + WRITTEN_PAGES + " pages written", pages, file);
                shared.force(); // msync(MS_SYNC): write the dirty pages back and wait
                row("SHARED, after force()", pages, file);
            }
            // end::write-then-force[]
            // tag::private-stores[]
            try (MappedFile copy = MappedFile.map(file, MapMode.PRIVATE)) {
                MemorySegment pages = copy.segment();
                PageControl.advise(pages, Advice.RANDOM);
                for (int page = 0; page < WRITTEN_PAGES; page++) {
                    pages.set(ValueLayout.JAVA_LONG, page * PAGE, 0xc0de_0000L + page); // copy-on-write: a private copy
                }
                row("PRIVATE, " + WRITTEN_PAGES + " pages written", pages, file);
            }
            // end::private-stores[]
            System.out.println();
            Path written = Files.createTempFile(ScratchFolder.onDisk(), "dirty-folios-", ".bin");
            long folioDirty;
            try {
                writeAndSync(written, FILE_PAGES * PAGE); // cached by write(), in folios the kernel chose
                try (MappedFile shared = MappedFile.map(written, MapMode.SHARED)) {
                    MemorySegment pages = shared.segment();
                    pages.set(ValueLayout.JAVA_LONG, 0, 1L); // ONE store, to page 0
                    folioDirty = MappingStats.of(pages).dirtyPages();
                    row("write() file, 1 page written", pages, written);
                    shared.force();
                }
            } finally {
                Files.deleteIfExists(written);
            }
            System.out.println();
            System.out.println("Columns in pages; meminfo Dirty is the whole system's, in kB, and moves with every"
                    + " program on the machine.");
            System.out.println("Private_Dirty counts pages only this process maps, even in a MAP_SHARED mapping;"
                    + " the private");
            System.out.println("mapping's copies are Anonymous (and Private_Dirty), and leave the file's pages clean.");
            System.out.println("Last row: another file, filled with write() and fsync'ed, then one store to its page 0: "
                    + folioDirty + " dirty page" + (folioDirty == 1 ? "." : "s."));
            if (folioDirty > 1) {
                System.out.println("write() put its pages in large folios (several pages kept as one),\nand the kernel"
                        + " maps and marks a whole folio dirty at once.");
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static void row(String label, MemorySegment segment, Path file) {
        MappingStats stats = MappingStats.of(segment); // read right away: the kernel may write back at any time
        String fileDirty = PageCacheState.supported() ? Long.toString(PageCacheState.of(file).dirty()) : "n/a";
        MemInfo system = MemInfo.current();
        System.out.printf("%-28s %9d %9d %9d %9d %9d %11s %11d kB%n", label, stats.rss() / PAGE,
                stats.privateDirty() / PAGE, stats.sharedDirty() / PAGE, stats.privateClean() / PAGE,
                stats.anonymous() / PAGE, fileDirty, system.dirty() / 1024);
    }

    private static String cachestatNote() {
        return PageCacheState.supported() ? "(file dirty: cachestat's dirty pages of the whole file)"
                : "(file dirty: n/a, " + PageCacheState.unsupportedReason() + ")";
    }

    private static void writeAndSync(Path file, long size) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer zeros = ByteBuffer.allocate((int) size);
            while (zeros.hasRemaining()) {
                channel.write(zeros);
            }
            channel.force(true);
        }
    }
}
