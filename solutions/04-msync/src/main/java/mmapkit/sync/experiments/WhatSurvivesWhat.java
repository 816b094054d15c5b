package mmapkit.sync.experiments;

import mmapkit.dirty.PageCacheState;
import mmapkit.faults.bench.ScratchFolder;
import mmapkit.faults.bench.Table;
import mmapkit.mapping.Pages;
import mmapkit.mapping.process.ChildJvm;
import mmapkit.sync.MappedStorage;
import mmapkit.sync.Msync;
import mmapkit.sync.SyncFlag;
import mmapkit.sync.process.PatternWriter;
import mmapkit.sync.sim.SimulatedPageCache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/**
 * Experiment: what survives what. Sixteen pages of a file on a disk file system are written through
 * a shared mapping, then the writer ends in one of several ways: its process exits, is killed with
 * SIGKILL, unmaps the file, calls {@code msync(MS_ASYNC)} or {@code msync(MS_SYNC)}. For each, the
 * parent checks the file's bytes with {@code read(2)} and asks {@code cachestat} how many of the
 * pages are still dirty, that is, not yet on the device. A power cut cannot be shown on a real
 * machine here, so the last rows run the crash model ({@link SimulatedPageCache}) over many seeds.
 */
public final class WhatSurvivesWhat {

    private static final int PAGES = 16;
    private static final long PAGE = Pages.size();
    private static final int SEEDS = 1000;

    private WhatSurvivesWhat() {
    }

    public static void main(String[] args) throws Exception {
        Path folder = ScratchFolder.onDisk();
        System.out.printf("%d pages written through a shared mapping of a file on %s; then the writer ends as the row%n"
                + "says. \"in file\": pages whose bytes read(2) returns afterwards, from this process; \"dirty\":%n"
                + "pages the page cache still has to write to the device (cachestat), right afterwards.%n%n",
                PAGES, ScratchFolder.fileSystemType(folder));
        Table table = Table.of(2, "the writer ...", "survives a power cut?", "in file", "dirty");
        // tag::child-ends[]
        for (String ending : new String[] {"exit", "kill"}) {
            Path file = Files.createTempFile(folder, "survives-", ".bin");
            try (ChildJvm child = ChildJvm.start(PatternWriter.class, Duration.ofSeconds(60),
                    ending.equals("exit") ? new String[] {file.toString(), String.valueOf(PAGES), "exit"}
                            : new String[] {file.toString(), String.valueOf(PAGES)})) {
                child.awaitLine(line -> line.startsWith("written"), Duration.ofSeconds(50));
                if (ending.equals("kill")) {
                    child.kill();                   // SIGKILL: the JVM gets no chance to do anything
                } else {
                    child.waitFor();                // main returned; the JVM exited normally
                }
            }
            String dirtyNow = dirty(file);
            table.row(ending.equals("exit") ? "exits without msync" : "is killed with SIGKILL, no msync",
                    survives(dirtyNow), patternPages(file), dirtyNow);
            Files.delete(file);
        }
        // end::child-ends[]
        for (String ending : new String[] {"munmap", "MS_ASYNC", "MS_SYNC"}) {
            Path file = Files.createTempFile(folder, "survives-", ".bin");
            // tag::flush-or-not[]
            try (MappedStorage storage = MappedStorage.open(file, PAGES * PAGE)) {
                writePattern(storage);
                if (ending.equals("MS_ASYNC")) {
                    Msync.flush(storage.segment(), SyncFlag.ASYNC);
                } else if (ending.equals("MS_SYNC")) {
                    Msync.flush(storage.segment(), SyncFlag.SYNC);
                }
            }                                       // close(): munmap
            // end::flush-or-not[]
            String label = switch (ending) {
                case "munmap" -> "unmaps (close) without msync";
                case "MS_ASYNC" -> "calls msync(MS_ASYNC)";
                default -> "calls msync(MS_SYNC)";
            };
            String dirtyNow = dirty(file);
            table.row(label, survives(dirtyNow), patternPages(file), dirtyNow);
            Files.delete(file);
        }
        System.out.print(table.toText());
        System.out.println();
        crashModel();
    }

    /** The crash model: how many of the 16 pages a power cut keeps, without and with a flush. */
    private static void crashModel() {
        // tag::power-cut[]
        long keptUnflushed = 0;
        long keptFlushed = 0;
        for (int seed = 0; seed < SEEDS; seed++) {
            SimulatedPageCache unflushed = new SimulatedPageCache((int) PAGE, PAGES);
            SimulatedPageCache flushed = new SimulatedPageCache((int) PAGE, PAGES);
            for (int p = 0; p < PAGES; p++) {
                byte[] fill = pageOf(p);
                unflushed.write(p * PAGE, fill);
                flushed.write(p * PAGE, fill);
            }
            flushed.flush(0, PAGES * PAGE);                       // what msync(MS_SYNC) does
            keptUnflushed += patternPages(unflushed.crash(seed).diskImage());
            keptFlushed += patternPages(flushed.crash(seed).diskImage());
        }
        // end::power-cut[]
        System.out.printf("A power cut, in the crash model (%d seeds; each dirty page reaches the device or not):%n", SEEDS);
        Table model = Table.of(2, "the writer ...", "survives a power cut?", "pages kept per cut");
        model.row("never flushed", "no: any subset of the dirty pages",
                String.format("%.2f of %d", keptUnflushed / (double) SEEDS, PAGES));
        model.row("flushed (msync MS_SYNC) before the cut", "yes: every flushed page",
                String.format("%.2f of %d", keptFlushed / (double) SEEDS, PAGES));
        System.out.print(model.toText());
        System.out.println();
        System.out.println(Table.wrap("Why: the bytes live in page-cache pages, which belong to the kernel, not to the"
                + " process. Exit, SIGKILL and munmap only take away the process's page table entries; the pages stay"
                + " cached and dirty, every later read sees them, and the flusher threads write them to the device"
                + " about 30 s later (dirty_expire_centisecs). MS_ASYNC does nothing on Linux, so the pages stay"
                + " dirty. MS_SYNC writes them and waits: only then does a power cut lose nothing.", 100));
    }

    private static void writePattern(MappedStorage storage) {
        for (int p = 0; p < PAGES; p++) {
            storage.write(p * PAGE, pageOf(p));
        }
    }

    private static byte[] pageOf(int p) {
        byte[] fill = new byte[(int) PAGE];
        Arrays.fill(fill, PatternWriter.patternByte(p));
        return fill;
    }

    /** How many of the 16 pages of the file hold their pattern, read with read(2). */
    private static int patternPages(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        return bytes.length < PAGES * PAGE ? 0 : patternPages(bytes);
    }

    private static int patternPages(byte[] image) {
        int pages = 0;
        for (int p = 0; p < PAGES; p++) {
            byte[] expected = pageOf(p);
            if (Arrays.equals(image, (int) (p * PAGE), (int) ((p + 1) * PAGE), expected, 0, expected.length)) {
                pages++;
            }
        }
        return pages;
    }

    private static String survives(String dirtyPages) {
        return dirtyPages.equals("0") ? "yes: all on the device"
                : dirtyPages.startsWith("n/a") ? "unknown here" : "no: " + dirtyPages + " dirty pages not on the device yet";
    }

    private static String dirty(Path file) {
        return PageCacheState.supported() ? String.valueOf(PageCacheState.of(file, 0, PAGES * PAGE).dirty())
                : "n/a (" + PageCacheState.unsupportedReason() + ")";
    }
}
