package mmapkit.faults.experiments;

import mmapkit.faults.Access;
import mmapkit.faults.Advice;
import mmapkit.faults.FaultCounters;
import mmapkit.faults.FaultProbes;
import mmapkit.faults.Faults;
import mmapkit.faults.PageControl;
import mmapkit.faults.Residency;
import mmapkit.mapping.MapMode;
import mmapkit.mapping.MappedFile;
import mmapkit.mapping.Pages;
import mmapkit.mapping.RawMapping;
import mmapkit.mapping.natives.MemoryMapCalls;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Experiment: faults are not pages. Touching N pages of a cached file costs far fewer than N
 * faults (fault-around, large folios); a cold file costs a few major faults plus readahead;
 * copy-on-write faults once per page. How many pages a write fault on a shared mapping or on
 * anonymous memory maps depends on the kernel and on the folios behind the pages, so the
 * experiment says at the end which case this run saw.
 */
public final class FaultsVersusPages {

    private static final long PAGES = 4096; // not a page size: a count of pages; 16 MiB of 4 KiB pages

    private FaultsVersusPages() {
    }

    public static void main(String[] args) throws IOException {
        long size = PAGES * Pages.size();
        Path file = ResidencyEvery16thPage.DiskFile.create("faults-versus-pages-", size);
        try {
            System.out.printf("A %d MiB file (%d pages), one byte touched per page, faults of this thread counted.%n%n",
                    size >> 20, PAGES);
            System.out.printf("%-44s %8s %8s %8s %10s%n", "case", "touched", "minor", "major", "resident");
            long[] all = pages(1);
            long[] every16th = pages(16);
            Faults cachedRead = row("cached file, read every page", file, false, MapMode.READ_ONLY, Advice.NORMAL,
                    Access.READ, all);
            row("cached file, read every 16th page", file, false, MapMode.READ_ONLY, Advice.NORMAL, Access.READ, every16th);
            row("cached file, MADV_RANDOM, read every page", file, false, MapMode.READ_ONLY, Advice.RANDOM, Access.READ, all);
            row("cold file, read every page", file, true, MapMode.READ_ONLY, Advice.NORMAL, Access.READ, all);
            row("cold file, MADV_SEQUENTIAL, read every page", file, true, MapMode.READ_ONLY, Advice.SEQUENTIAL, Access.READ, all);
            row("cold file, MADV_RANDOM, read every page", file, true, MapMode.READ_ONLY, Advice.RANDOM, Access.READ, all);
            row("cached file, PRIVATE, write every page", file, false, MapMode.PRIVATE, Advice.NORMAL, Access.WRITE, all);
            // the MADV_RANDOM row above read the file in one page per folio; the fresh file is as write() left it
            Faults pageByPage = row("cached page by page, SHARED, write", file, false, MapMode.SHARED, Advice.NORMAL,
                    Access.WRITE, all);
            Faults freshShared = freshFileRow(size, all);
            Faults anonymous = anonymousRow(all);
            System.out.println();
            System.out.println("resident: pages of the range in memory afterwards (for a file: in the page cache).");
            System.out.println("A read fault on a cached file maps cached neighbours too: up to 16 pages around it (fault-around,");
            System.out.println("fault_around_bytes 64 KiB), or on recent kernels the whole large folio that holds the page; so N");
            System.out.println("pages cost far fewer than N faults, and MADV_RANDOM does not change that. A cold file costs a");
            System.out.println("major fault where a read waits for the disk; readahead brings the rest in, so most later faults");
            System.out.println("are minor, unless MADV_RANDOM turns readahead off: then every page is a major fault. A private");
            System.out.println("mapping copies each page it stores to (copy-on-write): one fault per page on every kernel.");
            System.out.println();
            System.out.println("What this run saw:");
            double read = perFault(all.length, cachedRead);
            printWrapped(String.format("- a read fault on the cached file mapped %.0f pages on average: %s", read,
                    read > 16.5 ? "more than fault-around's 16, so this kernel maps whole large folios at a read fault"
                            : "no more than fault-around's 16, so this kernel or file system maps no whole large folios"));
            double pageWise = perFault(all.length, pageByPage);
            double fresh = perFault(all.length, freshShared);
            printWrapped(String.format("- a write fault on a SHARED mapping mapped %.1f pages of the file cached page by page"
                    + " and %.1f of the fresh file: %s", pageWise, fresh, fresh > 2
                            ? "this kernel maps and dirties the whole large folio at a write fault on a shared file"
                            + " mapping (recent kernels, such as 6.18); a file cached one page per folio still costs a fault"
                            + " per page"
                            : "one page per write fault, as on kernels that map no whole folio at a write fault, or where"
                            + " the file system caches this file in one-page folios"));
            printWrapped(String.format("- a first store to anonymous memory mapped %.1f pages per fault: %s",
                    perFault(all.length, anonymous), FaultProbes.anonymousFolioSizes().reason()));
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static long[] pages(int step) {
        long[] pages = new long[(int) (PAGES / step)];
        Arrays.setAll(pages, i -> i * (long) step);
        return pages;
    }

    /** Prints text in lines of at most 100 characters, continuation lines indented by two spaces. */
    private static void printWrapped(String text) {
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > 100) {
                System.out.println(line);
                line.setLength(0);
                line.append(' ');
            }
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(word);
        }
        System.out.println(line);
    }

    private static double perFault(long touched, Faults faults) {
        return (double) touched / Math.max(1, faults.total());
    }

    private static Faults row(String label, Path file, boolean cold, MapMode mode, Advice advice, Access access,
            long[] pages) throws IOException {
        if (cold) {
            PageControl.evict(file);
        } else {
            warm(file);
        }
        try (MappedFile mapping = MappedFile.map(file, mode)) {
            // tag::count-faults[]
            MemorySegment segment = mapping.segment();
            PageControl.advise(segment, advice);
            Faults faults = FaultCounters.measure(() -> PageControl.touchPages(segment, access, pages));
            long resident = Residency.of(segment).residentCount();
            // end::count-faults[]
            print(label, pages.length, faults, resident);
            return faults;
        }
    }

    /** A file just written with write(): its page cache is in whatever folios the file system made for the writes. */
    private static Faults freshFileRow(long size, long[] pages) throws IOException {
        Path fresh = ResidencyEvery16thPage.DiskFile.create("faults-versus-pages-fresh-", size);
        try (MappedFile mapping = MappedFile.map(fresh, MapMode.SHARED)) {
            MemorySegment segment = mapping.segment();
            Faults faults = FaultCounters.measure(() -> PageControl.touchPages(segment, Access.WRITE, pages));
            print("fresh file, SHARED, write every page", pages.length, faults, Residency.of(segment).residentCount());
            return faults;
        } finally {
            Files.deleteIfExists(fresh);
        }
    }

    private static Faults anonymousRow(long[] pages) {
        try (RawMapping memory = RawMapping.anonymous(PAGES * Pages.size(),
                MemoryMapCalls.PROT_READ | MemoryMapCalls.PROT_WRITE, MemoryMapCalls.MAP_PRIVATE)) {
            MemorySegment segment = memory.segment();
            Faults faults = FaultCounters.measure(() -> PageControl.touchPages(segment, Access.WRITE, pages));
            print("anonymous memory, write every page", pages.length, faults, Residency.of(segment).residentCount());
            return faults;
        }
    }

    private static void warm(Path file) throws IOException {
        try (MappedFile mapping = MappedFile.map(file, MapMode.READ_ONLY)) {
            PageControl.touch(mapping.segment(), Access.READ);
        }
    }

    private static void print(String label, long touched, Faults faults, long resident) {
        System.out.printf("%-44s %8d %8d %8d %10d%n", label, touched, faults.minor(), faults.major(), resident);
    }
}
