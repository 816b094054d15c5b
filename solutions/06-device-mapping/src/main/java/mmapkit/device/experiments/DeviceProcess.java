package mmapkit.device.experiments;

import mmapkit.device.fb.FramebufferDriver;
import mmapkit.device.process.FramebufferDeviceMain;
import mmapkit.sync.process.ChildJvm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** The experiments' device: a FramebufferDeviceMain child with its BAR0 in a fresh /dev/shm folder. */
final class DeviceProcess implements AutoCloseable {

    private final Path folder;
    private final ChildJvm child;
    private final FramebufferDriver driver;

    private DeviceProcess(Path folder, ChildJvm child, FramebufferDriver driver) {
        this.folder = folder;
        this.child = child;
        this.driver = driver;
    }

    static DeviceProcess start(Path frames, String... options) throws IOException, InterruptedException {
        Path shm = Path.of("/dev/shm");
        Path parent = Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
        Path folder = Files.createTempDirectory(parent, "mmapkit-device-");
        Path bar = folder.resolve("bar0");
        List<String> args = new ArrayList<>(List.of(bar.toString(), frames.toString(), "lifetime=60"));
        args.addAll(List.of(options));
        ChildJvm child = ChildJvm.start(FramebufferDeviceMain.class, Duration.ofSeconds(90), args.toArray(String[]::new));
        try {
            child.awaitLine(line -> line.startsWith("ready"), Duration.ofSeconds(30));
            return new DeviceProcess(folder, child, FramebufferDriver.attach(bar, Duration.ofSeconds(10)));
        } catch (IOException | InterruptedException | RuntimeException e) {
            child.close();
            delete(folder);
            throw e;
        }
    }

    FramebufferDriver driver() {
        return driver;
    }

    @Override
    public void close() {
        driver.close();
        child.close();
        delete(folder);
    }

    private static void delete(Path folder) {
        try (Stream<Path> files = Files.walk(folder)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
