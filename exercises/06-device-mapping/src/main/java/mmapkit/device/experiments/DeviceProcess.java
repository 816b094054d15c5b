package mmapkit.device.experiments;

import mmapkit.device.fb.FramebufferDriver;
import mmapkit.device.process.FramebufferDeviceMain;
import mmapkit.faults.bench.ScratchFolder;
import mmapkit.mapping.process.ChildJvm;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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
        Path folder = ScratchFolder.fresh(ScratchFolder.inSharedMemory(), "mmapkit-device-");
        Path bar = folder.resolve("bar0");
        List<String> args = new ArrayList<>(List.of(bar.toString(), frames.toString(), "lifetime=60"));
        args.addAll(List.of(options));
        ChildJvm child = ChildJvm.start(FramebufferDeviceMain.class, Duration.ofSeconds(90), args.toArray(String[]::new));
        try {
            child.awaitLine(line -> line.startsWith("ready"), Duration.ofSeconds(30));
            return new DeviceProcess(folder, child, FramebufferDriver.attach(bar, Duration.ofSeconds(10)));
        } catch (IOException | InterruptedException | RuntimeException e) {
            child.close();
            ScratchFolder.deleteTree(folder);
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
        ScratchFolder.deleteTree(folder);
    }
}
