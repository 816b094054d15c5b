package mmapkit.device.process;

import mmapkit.mapping.MapMode;
import mmapkit.mapping.MappedFile;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A child program: opens a file by path (a memfd's {@code /proc/<pid>/fd/<n>}, a shmem object's
 * {@code /proc/<pid>/map_files/<start>-<end>}, a POSIX shared memory file), maps all of it
 * shared, prints the long at {@code OFFSET}, and, given {@code STORE_OFFSET VALUE}, stores
 * {@code VALUE} there. It uses nothing of the other process but the path: whatever it reads was
 * stored through the other process's own mapping of the same pages.
 *
 * <pre>
 * java mmapkit.device.process.SharedMemoryReader PATH OFFSET [STORE_OFFSET VALUE]
 * </pre>
 *
 * It prints {@code size <bytes>}, then {@code read <value>}; then {@code stored} after a store, or,
 * when the file cannot be mapped writable (a write-sealed memfd), {@code read-write refused: <why>}
 * before it maps it read-only to read.
 */
public final class SharedMemoryReader {

    private SharedMemoryReader() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2 && args.length != 4) {
            throw new IllegalArgumentException("usage: SharedMemoryReader PATH OFFSET [STORE_OFFSET VALUE], not "
                    + Arrays.toString(args));
        }
        Path file = Path.of(args[0]);
        long offset = Long.parseLong(args[1]);
        long size = Files.size(file); // stat follows the /proc link to the object itself
        System.out.println("size " + size);
        // tag::open-by-path[]
        MappedFile mapping;
        try {
            mapping = MappedFile.map(file, MapMode.SHARED, 0, size);   // open(path, O_RDWR), mmap
        } catch (IOException e) {
            System.out.println("read-write refused: " + e.getMessage());
            mapping = MappedFile.map(file, MapMode.READ_ONLY, 0, size);
        }
        try (MappedFile shared = mapping) {
            System.out.println("read " + shared.segment().get(ValueLayout.JAVA_LONG, offset));
            if (args.length == 4 && shared.mode() == MapMode.SHARED) {
                long storeOffset = Long.parseLong(args[2]);
                shared.segment().set(ValueLayout.JAVA_LONG, storeOffset, Long.parseLong(args[3]));
                System.out.println("stored");
            }
        }
        // end::open-by-path[]
    }
}
