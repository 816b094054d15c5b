package mmapkit.faults.experiments;

import mmapkit.faults.Access;
import mmapkit.faults.Advice;
import mmapkit.faults.FaultCounters;
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
 * copy-on-write and anonymous memory fault once per page.
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
            row("cached file, read every page", file, false, MapMode.READ_ONLY, Advice.NORMAL, Access.READ, all);
            row("cached file, read every 16th page", file, false, MapMode.READ_ONLY, Advice.NORMAL, Access.READ, every16th);
            row("cached file, MADV_RANDOM, read every page", file, false, MapMode.READ_ONLY, Advice.RANDOM, Access.READ, all);
            row("cold file, read every page", file, true, MapMode.READ_ONLY, Advice.NORMAL, Access.READ, all);
            row("cold file, MADV_SEQUENTIAL, read every page", file, true, MapMode.READ_ONLY, Advice.SEQUENTIAL, Access.READ, all);
            row("cold file, MADV_RANDOM, read every page", file, true, MapMode.READ_ONLY, Advice.RANDOM, Access.READ, all);
            row("cached file, PRIVATE, write every page", file, false, MapMode.PRIVATE, Advice.NORMAL, Access.WRITE, all);
            row("cached file, SHARED, write every page", file, false, MapMode.SHARED, Advice.NORMAL, Access.WRITE, all);
            anonymousRow(all);
            System.out.println();
            System.out.println("resident: pages of the range in memory afterwards (for a file: in the page cache).");
            System.out.println("A read fault on a cached file maps cached neighbours too: up to 16 pages around it (fault-around,");
            System.out.println("fault_around_bytes 64 KiB), or the whole large folio that holds the page where the file system");
            System.out.println("caches files in large folios; so N pages cost far fewer than N faults, and MADV_RANDOM does not");
            System.out.println("change that. A cold file costs a major fault where a read waits for the disk; readahead brings");
            System.out.println("the rest in, so most later faults are minor, unless MADV_RANDOM turns readahead off: then every");
            System.out.println("page is a major fault. A write fault maps one page: a private mapping copies each page it stores");
            System.out.println("to (copy-on-write), anonymous memory allocates each page it stores to.");
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static long[] pages(int step) {
        long[] pages = new long[(int) (PAGES / step)];
        Arrays.setAll(pages, i -> i * (long) step);
        return pages;
    }

    private static void row(String label, Path file, boolean cold, MapMode mode, Advice advice, Access access, long[] pages)
            throws IOException {
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
        }
    }

    private static void anonymousRow(long[] pages) {
        try (RawMapping memory = RawMapping.anonymous(PAGES * Pages.size(),
                MemoryMapCalls.PROT_READ | MemoryMapCalls.PROT_WRITE, MemoryMapCalls.MAP_PRIVATE)) {
            MemorySegment segment = memory.segment();
            Faults faults = FaultCounters.measure(() -> PageControl.touchPages(segment, Access.WRITE, pages));
            print("anonymous memory, write every page", pages.length, faults, Residency.of(segment).residentCount());
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
