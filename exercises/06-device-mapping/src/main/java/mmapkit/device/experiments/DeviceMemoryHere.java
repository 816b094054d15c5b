package mmapkit.device.experiments;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Experiment: what device memory this machine would let a program map. It lists the PCI devices
 * the kernel sees (vendor, device, class, and whether a mappable {@code resourceN} file exists for
 * them), the ranges {@code /proc/iomem} gives to PCI, and which of the usual doors to device memory
 * exist: {@code /dev/mem}, {@code /dev/fb0}, {@code /dev/uio0}, {@code /dev/vfio/vfio}.
 *
 * <pre>
 * java mmapkit.device.experiments.DeviceMemoryHere
 * </pre>
 */
public final class DeviceMemoryHere {

    private DeviceMemoryHere() {
    }

    public static void main(String[] args) throws IOException {
        Path pci = Path.of("/sys/bus/pci/devices");
        System.out.println("PCI devices in " + pci + ":");
        if (!Files.isDirectory(pci)) {
            System.out.println("  (none: no PCI bus visible here)");
        } else {
            try (Stream<Path> devices = Files.list(pci)) {
                for (Path device : devices.sorted().toList()) {
                    List<String> bars;
                    try (Stream<Path> files = Files.list(device)) {
                        bars = files.map(file -> file.getFileName().toString())
                                .filter(name -> name.matches("resource\\d+(_wc)?")).sorted().toList();
                    }
                    System.out.printf("  %s  vendor %s device %s class %s  %s%n", device.getFileName(),
                            read(device.resolve("vendor")), read(device.resolve("device")), read(device.resolve("class")),
                            bars.isEmpty() ? "no mappable resourceN file" : "mappable: " + String.join(" ", bars));
                }
            }
        }
        System.out.println("PCI ranges in /proc/iomem (addresses read as 0 without CAP_SYS_ADMIN):");
        Path iomem = Path.of("/proc/iomem");
        List<String> lines = Files.isReadable(iomem) ? Files.readAllLines(iomem) : List.of();
        lines.stream().filter(line -> line.contains("PCI Bus") || line.contains("virtio") || line.contains("BAR"))
                .limit(12).forEach(line -> System.out.println("  " + line.strip()));
        System.out.println("doors to device memory:");
        for (String door : List.of("/dev/mem", "/dev/fb0", "/dev/uio0", "/dev/vfio/vfio")) {
            Path path = Path.of(door);
            System.out.printf("  %-15s %s%n", door, Files.exists(path)
                    ? "exists" + (Files.isReadable(path) ? ", readable" : ", not readable") : "does not exist");
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            return "?";
        }
    }
}
