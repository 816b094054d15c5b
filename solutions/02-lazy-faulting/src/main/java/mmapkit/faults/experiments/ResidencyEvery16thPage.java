package mmapkit.faults.experiments;

import mmapkit.faults.Access;
import mmapkit.faults.Advice;
import mmapkit.faults.FaultCounters;
import mmapkit.faults.Faults;
import mmapkit.faults.PageControl;
import mmapkit.faults.Residency;
import mmapkit.faults.ResidencyMap;
import mmapkit.faults.ResidencyPicture;
import mmapkit.mapping.MapMode;
import mmapkit.mapping.MappedFile;
import mmapkit.mapping.Pages;
import mmapkit.mapping.proc.ProcStatus;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Experiment: a 64 MiB file, evicted, mapped, and every 16th page touched: what the page cache
 * holds afterwards (mincore, as a picture) and what this process maps (VmRSS), with MADV_RANDOM
 * and with the default readahead.
 */
public final class ResidencyEvery16thPage {

    private static final long MIB = 1L << 20;
    private static final long SIZE = 64 * MIB;

    private ResidencyEvery16thPage() {
    }

    public static void main(String[] args) throws IOException {
        Path file = DiskFile.create("every-16th-", SIZE);
        try {
            long pages = SIZE / Pages.size();
            System.out.printf("A 64 MiB file (%d pages) on a disk, evicted from the page cache, mapped READ_ONLY;%n", pages);
            System.out.printf("then one byte read in every 16th page (%d pages touched).%n", pages / 16);
            System.out.println("Pictures: first the whole file, 64 characters of 256 pages each; then its first 64 pages,");
            System.out.println("one character per page ('O' resident, 'o' partly, ' ' not).");
            run(file, Advice.RANDOM);
            run(file, Advice.NORMAL);
            System.out.println();
            System.out.println("With MADV_RANDOM each fault reads and maps just its page: exactly the touched pages are");
            System.out.println("resident. With the default advice the first fault starts readahead, which reads far more than");
            System.out.println("was asked for, and later faults map cached neighbours too (fault-around), so VmRSS grows by");
            System.out.println("much more than the touched pages. mincore tells what is cached; VmRSS what this process maps.");
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static void run(Path file, Advice advice) throws IOException {
        System.out.println();
        System.out.println("== madvise " + advice.cName() + " ==");
        PageControl.evict(file);
        ProcStatus before = ProcStatus.current();
        try (MappedFile mapping = MappedFile.map(file, MapMode.READ_ONLY)) {
            MemorySegment segment = mapping.segment();
            show("after mapping", segment, before);
            // tag::touch-every-16th[]
            PageControl.advise(segment, advice);
            long[] every16th = new long[(int) (segment.byteSize() / Pages.size() / 16)];
            Arrays.setAll(every16th, i -> i * 16L);
            Faults faults = FaultCounters.measure(() -> PageControl.touchPages(segment, Access.READ, every16th));
            ResidencyMap cached = Residency.of(segment);
            // end::touch-every-16th[]
            show("after touching", segment, before);
            System.out.printf("faults: %d minor, %d major; runs of resident pages: %d%n", faults.minor(), faults.major(),
                    cached.residentRuns().size());
        }
    }

    private static void show(String step, MemorySegment segment, ProcStatus before) {
        ResidencyMap map = Residency.of(segment);
        ResidencyMap first = Residency.of(segment.asSlice(0, 64 * Pages.size()));
        ProcStatus now = ProcStatus.current();
        System.out.printf("%s: VmRSS %+d MiB%n", step, (now.vmRss() - before.vmRss()) / MIB);
        System.out.printf("  whole file      %s%n", ResidencyPicture.render(map, 64));
        System.out.printf("  first 64 pages  %s%n", ResidencyPicture.render(first, 64));
    }

    /** A file of real (non-zero) blocks on a disk file system, for experiments that evict and fault. */
    static final class DiskFile {

        private DiskFile() {
        }

        static Path create(String prefix, long size) throws IOException {
            Path dir = Path.of(System.getProperty("java.io.tmpdir"));
            if (Files.getFileStore(dir).type().equals("tmpfs")) {
                System.out.println("(java.io.tmpdir is tmpfs: no eviction or major faults there; set -Djava.io.tmpdir"
                        + " to a folder on a disk)");
            }
            Path file = Files.createTempFile(dir, prefix, ".bin");
            byte[] block = new byte[(int) MIB];
            Arrays.fill(block, (byte) 0x5a);
            try (OutputStream out = Files.newOutputStream(file)) {
                for (long written = 0; written < size; written += block.length) {
                    out.write(block, 0, (int) Math.min(block.length, size - written));
                }
            }
            return file;
        }
    }
}
