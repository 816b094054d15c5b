package mmapkit.device.experiments;

import mmapkit.device.special.Memfd;
import mmapkit.device.special.ZeroMemory;
import mmapkit.dirty.MappingStats;
import mmapkit.mapping.Pages;
import mmapkit.mapping.RawMapping;
import mmapkit.mapping.proc.MapsEntry;
import mmapkit.mapping.proc.ProcField;
import mmapkit.mapping.proc.ProcMaps;
import mmapkit.mapping.proc.ProcStatus;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Experiment: four kinds of memory that are not a file on disk, as the kernel shows them. Maps
 * {@code /dev/zero} private and shared, anonymous shared memory and a memfd, 16 pages each, writes
 * to 8 pages of each, and prints each one's line of {@code /proc/self/maps}, its Rss and Anonymous
 * from smaps, the {@code /proc/self/fd} link of the memfd, and {@code Shmem} of
 * {@code /proc/meminfo} before and after 64 MiB of a memfd are touched, and after it is gone.
 */
public final class SpecialMappingsInProc {

    private static final long PAGE = Pages.size();
    private static final long MIB = 1L << 20;

    private SpecialMappingsInProc() {
    }

    public static void main(String[] args) throws IOException {
        System.out.println("16 pages of each, 8 of them written to:");
        System.out.println();
        Map<String, RawMapping> mappings = new LinkedHashMap<>();
        try (Memfd memfd = Memfd.create("kit-demo")) {
            memfd.resize(16 * PAGE);
            // tag::four-kinds[]
            mappings.put("/dev/zero, MAP_PRIVATE", ZeroMemory.privateZero(16 * PAGE));
            mappings.put("/dev/zero, MAP_SHARED", ZeroMemory.sharedZero(16 * PAGE));
            mappings.put("MAP_SHARED|MAP_ANONYMOUS", ZeroMemory.sharedAnonymous(16 * PAGE));
            mappings.put("memfd, MAP_SHARED", memfd.mapShared(16 * PAGE));
            // end::four-kinds[]
            for (RawMapping mapping : mappings.values()) {
                write(mapping.segment(), 8);
            }
            ProcMaps maps = ProcMaps.current();
            for (Map.Entry<String, RawMapping> kind : mappings.entrySet()) {
                RawMapping mapping = kind.getValue();
                MapsEntry entry = maps.find(mapping.address()).orElseThrow();
                MappingStats stats = MappingStats.of(mapping.segment());
                System.out.println(kind.getKey());
                System.out.println("  maps:  " + entry);
                System.out.printf("  smaps: Rss %d kB, Anonymous %d kB%n", stats.rss() / 1024, stats.anonymous() / 1024);
            }
            System.out.println();
            Path link = Path.of("/proc/self/fd", String.valueOf(memfd.fd()));
            System.out.println("the memfd's descriptor: " + link + " -> " + Files.readSymbolicLink(link));
        } finally {
            mappings.values().forEach(RawMapping::close);
        }
        System.out.println();
        shmemOf64MiB();
    }

    private static void shmemOf64MiB() {
        System.out.println("Shmem of /proc/meminfo (the whole machine; other programs change it too):");
        long before = shmem();
        System.out.printf("  %-40s %9d kB%n", "before", before / 1024);
        long afterTouch;
        long statusShmem;
        // tag::shmem-64[]
        try (Memfd memfd = Memfd.create("kit-64-mib")) {
            memfd.resize(64 * MIB);
            System.out.printf("  %-40s %9d kB%n", "memfd of 64 MiB, resized, untouched", shmem() / 1024);
            try (RawMapping mapping = memfd.mapShared(64 * MIB)) {
                write(mapping.segment(), 64 * MIB / PAGE);
                afterTouch = shmem();
                statusShmem = ProcStatus.current().rssShmem();
            }
            System.out.printf("  %-40s %9d kB  (+%d kB)%n", "every page written", afterTouch / 1024,
                    (afterTouch - before) / 1024);
            System.out.printf("  %-40s %9d kB%n", "unmapped, the descriptor still open", shmem() / 1024);
        }
        System.out.printf("  %-40s %9d kB%n", "descriptor closed", shmem() / 1024);
        // end::shmem-64[]
        System.out.printf("(RssShmem of this process while it was mapped: %d kB)%n", statusShmem / 1024);
    }

    private static void write(MemorySegment segment, long pages) {
        for (long page = 0; page < pages; page++) {
            segment.set(ValueLayout.JAVA_BYTE, page * PAGE, (byte) 1);
        }
    }

    private static long shmem() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                ProcField field = ProcField.parse(line).orElse(null);
                if (field != null && field.name().equals("Shmem")) {
                    return field.bytes();
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        throw new IllegalStateException("no Shmem line in /proc/meminfo");
    }
}
