package mmapkit.dirty.experiments;

import mmapkit.dirty.CacheStat;
import mmapkit.dirty.MappingStats;
import mmapkit.dirty.PageCacheState;
import mmapkit.dirty.WritebackSettings;
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
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Demo (not a test): dirty pages of a file that nobody flushes, sampled every second until the kernel's
 * flusher threads have written them back on their own. Prints the writeback settings that explain when.
 *
 * <p>Bounded: it stops when the pages are clean, or after at most 45 s (the first argument, or the system
 * property {@code writeback.timeline.seconds}, sets a shorter bound, such as 5 for a quick run).
 */
public final class WritebackTimeline {

    private static final long PAGE = Pages.size();
    private static final int PAGES = 16;
    private static final int DEFAULT_SECONDS = 45;

    private WritebackTimeline() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        int limit = args.length > 0 ? Integer.parseInt(args[0])
                : Integer.getInteger("writeback.timeline.seconds", DEFAULT_SECONDS);
        if (limit < 1 || limit > DEFAULT_SECONDS) {
            throw new IllegalArgumentException("seconds " + limit + " must be in 1.." + DEFAULT_SECONDS);
        }
        WritebackSettings settings = WritebackSettings.current();
        System.out.print(settings.explain());
        System.out.println();
        boolean cachestat = PageCacheState.supported();
        if (!cachestat) {
            System.out.println("cachestat columns: n/a, " + PageCacheState.unsupportedReason());
        }
        Path file = Files.createTempFile(ScratchFolder.onDisk(), "writeback-", ".bin");
        try {
            ScratchFiles.hole(file, PAGES * PAGE);
            try (MappedFile mapping = MappedFile.map(file, MapMode.SHARED)) {
                MemorySegment pages = mapping.segment();
                PageControl.advise(pages, Advice.RANDOM);
                System.out.println(PAGES + " pages of a shared mapping written at t = 0, then left alone (no force()):");
                System.out.printf("%6s %12s %16s %14s%n", "t (s)", "file dirty", "file writeback", "smaps dirty");
                // tag::timeline[]
                long start = System.nanoTime();
                for (int page = 0; page < PAGES; page++) {
                    pages.set(ValueLayout.JAVA_LONG, page * PAGE, page + 1L);
                }
                for (int second = 0; ; second++) {
                    long wait = start + second * 1_000_000_000L - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                    CacheStat stat = cachestat ? PageCacheState.of(file) : null;
                    long smapsDirty = MappingStats.of(pages).dirtyPages();
                    System.out.printf("%6d %12s %16s %14d%n", second, stat == null ? "n/a" : stat.dirty(),
                            stat == null ? "n/a" : stat.writeback(), smapsDirty);
                    boolean clean = stat == null ? smapsDirty == 0 : stat.dirty() == 0 && stat.writeback() == 0;
                    if (clean) {
                        System.out.println("written back by the kernel " + second + " s after the write (sampled"
                                + " once a second), with dirty_expire " + settings.expireMillis() / 1000.0
                                + " s and the flushers waking every " + settings.writebackIntervalMillis() / 1000.0 + " s");
                        break;
                    }
                    if (second >= limit) {
                        System.out.println("still dirty after " + limit + " s: stopped waiting (the kernel writes"
                                + " them back later; closing the mapping does not)");
                        break;
                    }
                }
                // end::timeline[]
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
