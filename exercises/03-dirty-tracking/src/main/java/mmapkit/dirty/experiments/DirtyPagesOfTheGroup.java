package mmapkit.dirty.experiments;

import mmapkit.faults.MemoryCgroup;
import mmapkit.faults.bench.ScratchFiles;
import mmapkit.faults.bench.ScratchFolder;
import mmapkit.mapping.MapMode;
import mmapkit.mapping.MappedFile;
import mmapkit.mapping.Pages;
import mmapkit.mapping.process.ChildJvm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * Experiment: dirty pages and page cache as the memory cgroup sees them. Stores to 32 MiB of a fresh
 * file through a shared mapping make 32 MiB of page cache, mapped and dirty, charged to this process's
 * group ({@code memory.stat}: {@code file}, {@code file_mapped}, {@code file_dirty} in v2;
 * {@code cache}, {@code mapped_file}, {@code dirty} in v1); {@code force()} (msync) writes them back
 * and the dirty count falls while the pages stay cached and charged. Then a child JVM writes 32 MiB
 * to a file in {@code /dev/shm} and ends: the pages stay charged to the group, as {@code shmem}, until
 * the file is deleted. Other processes of the group change the counts a little; the table shows the
 * change from the first row, in MiB. Where no memory cgroup is found, it says why and skips.
 */
public final class DirtyPagesOfTheGroup {

    private static final long MIB = 1L << 20;
    private static final long WRITTEN = 32 * MIB;
    private static final Path SHM = Path.of("/dev/shm");
    private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(30);

    private DirtyPagesOfTheGroup() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length == 2 && args[0].equals("shm-writer")) {
            writeZeros(Path.of(args[1]), WRITTEN);
            return;
        }
        if (args.length != 0) {
            throw new IllegalArgumentException("arguments " + List.of(args) + ": expected none");
        }
        MemoryCgroup.Discovery found = MemoryCgroup.current();
        if (found.group().isEmpty()) {
            System.out.println("skipped: " + found.reason());
            return;
        }
        MemoryCgroup group = found.group().get();
        MemoryCgroup.MemoryStat first;
        try {
            first = group.stat();
        } catch (UncheckedIOException e) {
            System.out.println("skipped: " + e.getMessage() + " (v2 keeps no memory.stat in the root group)");
            return;
        }
        System.out.println(found.reason().replace(", and ", ",\n  and "));
        List<String> names = first.fieldNames();
        System.out.println("memory.stat fields read (the kit's name=this version's):");
        System.out.println("  " + String.join(", ", names.subList(0, 3)) + ",");
        System.out.println("  " + String.join(", ", names.subList(3, names.size())));
        System.out.println();
        System.out.printf("%-40s %8s %8s %9s %8s %8s%n", "change since the first row, MiB", "file", "dirty",
                "writeback", "mapped", "shmem");
        row("before", first, first);
        Path file = Files.createTempFile(ScratchFolder.onDisk(), "group-dirty-", ".bin");
        try {
            ScratchFiles.hole(file, WRITTEN); // nothing cached yet
            long page = Pages.size();
            // tag::dirty-in-the-group[]
            try (MappedFile shared = MappedFile.map(file, MapMode.SHARED)) {
                MemorySegment pages = shared.segment();
                for (long offset = 0; offset < WRITTEN; offset += page) {
                    pages.set(ValueLayout.JAVA_LONG, offset, offset); // one store a page: cached, mapped, dirty
                }
                row("32 MiB stored through MAP_SHARED", first, group.stat());
                shared.force(); // msync(MS_SYNC): written back, still cached and mapped
                row("after force() (msync)", first, group.stat());
            }
            row("unmapped", first, group.stat());
            // end::dirty-in-the-group[]
        } finally {
            Files.deleteIfExists(file);
        }
        row("file deleted (its cache freed)", first, group.stat());
        System.out.println();
        if (!Files.isDirectory(SHM) || !ScratchFolder.isInMemory(SHM)) {
            System.out.println("skipped the /dev/shm part: " + SHM + " is not a tmpfs folder here");
            return;
        }
        shmPart(group);
    }

    private static void shmPart(MemoryCgroup group) throws IOException, InterruptedException {
        Path shared = SHM.resolve("mmapkit-group-" + ProcessHandle.current().pid());
        MemoryCgroup.MemoryStat first = group.stat();
        row("before the child", first, first);
        try {
            // tag::shm-outlives-the-writer[]
            try (ChildJvm child = ChildJvm.builder(DirtyPagesOfTheGroup.class).timeout(CHILD_TIMEOUT)
                    .jvmOptions(List.of("-Xmx32m")).args("shm-writer", shared.toString()).start()) {
                OptionalInt status = child.awaitExit(); // empty: still running at the timeout, then killed
                if (status.isEmpty() || status.getAsInt() != 0) {
                    System.out.println("the child that writes " + shared + " did not end well within "
                            + CHILD_TIMEOUT.toSeconds() + " s (" + (status.isPresent() ? "status "
                            + status.getAsInt() : "killed") + ")");
                    return;
                }
            }
            row("a child wrote 32 MiB there and ended", first, group.stat());
            Files.delete(shared);
            row("the /dev/shm file deleted", first, group.stat());
            // end::shm-outlives-the-writer[]
        } finally {
            Files.deleteIfExists(shared);
        }
    }

    /** The child's part: 32 MiB written to a new file, then the JVM ends; the file stays. */
    private static void writeZeros(Path file, long bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer block = ByteBuffer.allocate((int) MIB);
            for (long written = 0; written < bytes; written += MIB) {
                block.clear();
                while (block.hasRemaining()) {
                    block.put((byte) 7);
                }
                channel.write(block.flip());
            }
        }
    }

    private static void row(String label, MemoryCgroup.MemoryStat first, MemoryCgroup.MemoryStat now) {
        System.out.printf(Locale.ROOT, "%-40s %8s %8s %9s %8s %8s%n", label, change(first.file(), now.file()),
                change(first.dirty(), now.dirty()), change(first.writeback(), now.writeback()),
                change(first.mapped(), now.mapped()), change(first.shmem(), now.shmem()));
    }

    private static String change(long before, long after) {
        double tenths = Math.round((after - before) * 10.0 / MIB) / 10.0 + 0.0; // + 0.0: no "-0.0"
        return String.format(Locale.ROOT, "%+.1f", tenths);
    }
}
