package mmapkit.mapping;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What the kernel says about this process, read straight from /proc by the tests themselves, so
 * that a test of one task never depends on your solution of another.
 */
final class KernelView {

    private KernelView() {
    }

    /** One line of /proc/self/maps: start, end, permissions and path. */
    record Area(long start, long end, String permissions, String path, String line) {
        boolean contains(long address) {
            return Long.compareUnsigned(start, address) <= 0 && Long.compareUnsigned(address, end) < 0;
        }

        long size() {
            return end - start;
        }
    }

    static List<Area> areas() {
        try {
            return Files.readAllLines(Path.of("/proc/self/maps")).stream().filter(line -> !line.isBlank()).map(line -> {
                String[] fields = line.split("\\s+", 6);
                String[] range = fields[0].split("-");
                String path = fields.length > 5 ? fields[5].strip() : "";
                return new Area(Long.parseUnsignedLong(range[0], 16), Long.parseUnsignedLong(range[1], 16), fields[1], path, line);
            }).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The area of /proc/self/maps that holds an address. */
    static Optional<Area> areaAt(long address) {
        return areas().stream().filter(area -> area.contains(address)).findFirst();
    }

    /** The areas that map a file, as the kernel names it. */
    static List<Area> areasOf(Path file) {
        String name = realPath(file);
        return areas().stream().filter(area -> area.path().equals(name) || area.path().equals(name + " (deleted)")).toList();
    }

    /** Bytes of address space that map a file now. */
    static long bytesMappedOf(Path file) {
        return areasOf(file).stream().mapToLong(Area::size).sum();
    }

    static String realPath(Path file) {
        try {
            return file.toRealPath().toString();
        } catch (IOException e) {
            return file.toAbsolutePath().normalize().toString();
        }
    }
}
