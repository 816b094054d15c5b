package mmapkit.mapping.experiments;

import mmapkit.mapping.MapMode;
import mmapkit.mapping.MappedFile;
import mmapkit.mapping.Pages;
import mmapkit.mapping.proc.ProcStatus;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Experiment: a 1 GiB mapping costs address space (VmSize) at once, and RAM (VmRSS) only for the
 * pages that are touched.
 */
public final class AddressSpaceVersusResident {

    private static final long GIB = 1L << 30;
    private static final long MIB = 1L << 20;

    private AddressSpaceVersusResident() {
    }

    public static void main(String[] args) throws IOException {
        Path file = Files.createTempFile("address-space-", ".bin");
        try {
            try (RandomAccessFile sparse = new RandomAccessFile(file.toFile(), "rw")) {
                sparse.setLength(GIB); // a hole: no block of the file is written
            }
            long pages = GIB / Pages.size();
            System.out.printf("A 1 GiB sparse file mapped READ_ONLY: %d pages of %d bytes%n%n", pages, Pages.size());
            System.out.printf("%-26s %12s %12s %14s%n", "", "VmSize", "VmRSS", "VmRSS change");
            ProcStatus before = ProcStatus.current();
            print("before mapping", before, before);
            // tag::map-and-touch[]
            try (MappedFile mapping = MappedFile.map(file, MapMode.READ_ONLY, 0, GIB)) {
                print("after mapping", ProcStatus.current(), before);
                MemorySegment segment = mapping.segment();
                long touched = 0;
                long sum = 0;
                for (int quarter : new int[] {1, 2, 4}) {
                    long upTo = pages * quarter / 4;
                    for (; touched < upTo; touched++) {
                        sum += segment.get(ValueLayout.JAVA_BYTE, touched * Pages.size()); // one read per page
                    }
                    print("after touching " + (quarter == 4 ? "all" : quarter + "/4"), ProcStatus.current(), before);
                }
                System.out.println("(sum of the bytes read: " + sum + ", a hole reads zero)");
            }
            print("after close", ProcStatus.current(), before);
            // end::map-and-touch[]
            System.out.println();
            System.out.println("Mapping reserves address space only; each page joins VmRSS when first touched,");
            System.out.println("and leaves it when the mapping is closed (the pages stay in the page cache).");
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static void print(String step, ProcStatus now, ProcStatus before) {
        System.out.printf("%-26s %8d MiB %8d MiB %+10d MiB%n", step, now.vmSize() / MIB, now.vmRss() / MIB,
                (now.vmRss() - before.vmRss()) / MIB);
    }
}
