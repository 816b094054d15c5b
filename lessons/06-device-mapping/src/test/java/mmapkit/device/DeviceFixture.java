package mmapkit.device;

import mmapkit.course.TimeBudget;

import mmapkit.device.fb.CommandRing;
import mmapkit.device.fb.FramebufferDriver;
import mmapkit.device.process.FramebufferDeviceMain;
import mmapkit.device.registers.RegisterBlock;
import mmapkit.device.sim.DeviceLayout;
import mmapkit.device.sim.FramebufferDevice;
import mmapkit.faults.bench.ScratchFolder;
import mmapkit.ipc.SharedRegion;
import mmapkit.mapping.process.ChildJvm;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The device tests' surroundings: a fresh folder under {@code /dev/shm} (deleted with everything in
 * it when closed) for BAR0 and the frames, the simulated device in a child JVM (bounded, killed at
 * the end), and a driver attached to it.
 */
final class DeviceFixture implements AutoCloseable {

    static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final Duration TIMEOUT = TimeBudget.scaled(Duration.ofSeconds(5));

    private final Path dir;
    /** What the fixture closes at the end, besides the driver and the device. */
    private final List<Runnable> closeLater = new ArrayList<>();
    private ChildJvm child;
    private FramebufferDriver driver;

    DeviceFixture() {
        dir = ScratchFolder.fresh(ScratchFolder.inSharedMemory(), "mmapkit-device-");
    }

    /** Where the device's BAR0 file is (or will be). */
    Path bar() {
        return dir.resolve("bar0");
    }

    /** Where the device writes its frames. */
    Path frames() {
        return dir.resolve("frames");
    }

    /**
     * Starts the device in a child JVM with {@code options} (such as "width=64", "freeze-after=3"),
     * waits for its ready line and attaches a driver (not brought up yet).
     */
    FramebufferDriver start(String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of(bar().toString(), frames().toString(), "lifetime=50"));
        args.addAll(List.of(options));
        child = ChildJvm.start(FramebufferDeviceMain.class, TimeBudget.scaled(Duration.ofSeconds(60)), args.toArray(String[]::new));
        child.awaitLine(line -> line.startsWith("ready"), TimeBudget.scaled(Duration.ofSeconds(30)));
        driver = FramebufferDriver.attach(bar(), TimeBudget.scaled(Duration.ofSeconds(10)));
        return driver;
    }

    /** The device's child JVM. */
    ChildJvm child() {
        return child;
    }

    /**
     * A fake BAR0 with no device behind it: a region this test creates, with the read-only registers
     * of a default device and whatever {@code registers} writes on top.
     */
    Path fakeBar(Consumer<MemorySegment> registers) throws IOException {
        Path file = dir.resolve("fake-bar0");
        SharedRegion region = SharedRegion.create(file, FramebufferDevice.regionSize(), DeviceLayout.REGION_VERSION, bar -> {
            bar.set(INT, DeviceLayout.REG_ID, DeviceLayout.DEVICE_ID);
            bar.set(INT, DeviceLayout.REG_VERSION, DeviceLayout.DEVICE_VERSION);
            bar.set(INT, DeviceLayout.REG_WIDTH, 320);
            bar.set(INT, DeviceLayout.REG_HEIGHT, 200);
            bar.set(INT, DeviceLayout.REG_STRIDE, 1280);
            bar.set(INT, DeviceLayout.REG_RING_ENTRIES, 64);
            bar.set(INT, DeviceLayout.REG_FB_OFFSET, 0x2000);
            bar.set(INT, DeviceLayout.REG_RING_OFFSET, 0x1000);
            bar.set(INT, DeviceLayout.REG_STATUS, DeviceLayout.STATUS_READY);
            registers.accept(bar);
        });
        closeLater.add(region::close);
        return file;
    }

    /**
     * A command ring of {@code entries} slots over {@code bar} with no device behind it: registers in
     * its first 4 KiB, descriptors at 0x1000. The test plays the device by writing BAR0 itself.
     */
    static CommandRing ringWithoutDevice(MemorySegment bar, int entries) {
        return new CommandRing(new RegisterBlock(bar.asSlice(0, DeviceLayout.REGISTER_BLOCK_SIZE)),
                bar.asSlice(0x1000, entries * 64L), entries, Optional.empty());
    }

    /** A driver attached to {@code bar}, closed with the fixture. */
    FramebufferDriver attach(Path bar) throws Exception {
        FramebufferDriver attached = FramebufferDriver.attach(bar, TimeBudget.scaled(Duration.ofSeconds(5)));
        closeLater.add(attached::close);
        return attached;
    }

    /** A 32-bit register of BAR0 read straight from memory, as the test's own view. */
    static long raw32(FramebufferDriver driver, int offset) {
        return Integer.toUnsignedLong(driver.bar().get(INT, offset));
    }

    /** A 64-bit register of BAR0 read straight from memory. */
    static long raw64(FramebufferDriver driver, int offset) {
        return driver.bar().get(LONG, offset);
    }

    @Override
    public void close() {
        try {
            if (driver != null) {
                driver.close();
            }
            closeLater.forEach(Runnable::run);
        } finally {
            if (child != null) {
                child.close();
            }
            ScratchFolder.deleteTree(dir);
        }
    }
}
