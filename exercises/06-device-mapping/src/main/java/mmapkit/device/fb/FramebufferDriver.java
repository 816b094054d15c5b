package mmapkit.device.fb;

import static mmapkit.device.fb.FramebufferRegisters.*;
import static mmapkit.device.sim.DeviceLayout.*;

import mmapkit.device.registers.RegisterBlock;
import mmapkit.device.registers.RegisterTimeoutException;
import mmapkit.ipc.RegionMismatchException;
import mmapkit.ipc.SharedRegion;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The driver of the simulated framebuffer: it maps the device's BAR0, brings the device up
 * (identify, reset, wait until ready, read the geometry, enable), and then hands out the command
 * ring and the pixel memory.
 *
 * {@snippet :
 * try (FramebufferDriver driver = FramebufferDriver.attach(barFile, Duration.ofSeconds(5))) {
 *     driver.bringUp(true, Duration.ofMillis(500));
 *     driver.pixels().fillRect(0, 0, 10, 10, 0xFF0000);  // software, straight into device memory
 *     driver.fill(20, 20, 40, 40, 0x00FF00, timeout);     // the device's FILL, through the ring
 *     int frame = driver.present(timeout);               // the device writes frame-0001.png
 * }
 * }
 *
 * <p>Everything it does to the device goes through its {@link RegisterBlock}; it never writes the
 * shared file's header or "fixes" device state by writing memory itself.
 */
public final class FramebufferDriver implements AutoCloseable {

    /** The device major version this driver speaks. */
    public static final int SUPPORTED_MAJOR = 1;

    private final SharedRegion region;
    private final MemorySegment bar;
    private final RegisterBlock registers;
    private Geometry geometry;
    private CommandRing ring;
    private PixelMemory pixels;

    private FramebufferDriver(SharedRegion region) {
        this.region = region;
        this.bar = region.data();
        this.registers = new RegisterBlock(bar.asSlice(0, REGISTER_BLOCK_SIZE));
    }

    /**
     * Maps the device memory in {@code barFile}, waiting at most {@code timeout} for the device to
     * publish it (module 05's attach protocol: the driver never initialises it).
     *
     * @throws java.nio.file.NoSuchFileException when no device appeared within the timeout
     * @throws RegionMismatchException           when the file is not a device's BAR0 of this size
     */
    public static FramebufferDriver attach(Path barFile, Duration timeout) throws IOException, InterruptedException {
        Objects.requireNonNull(barFile, "barFile");
        Objects.requireNonNull(timeout, "timeout");
        // TODO 06.5 (see hint 06.5)
        throw new UnsupportedOperationException("TODO 06.5: attach to the shared region of BAR0 (see hint 06.5)");
    }

    /** The device's registers. */
    public RegisterBlock registers() {
        return registers;
    }

    /** All of BAR0: registers, ring and framebuffer. */
    public MemorySegment bar() {
        return bar;
    }

    /** The device's process (the creator of BAR0), if it still exists. */
    public Optional<ProcessHandle> device() {
        return ProcessHandle.of(region.creatorPid());
    }

    /**
     * Checks that this is a device the driver knows: ID must be {@code DEVICE_ID} ("MKFB") and the
     * major version {@link #SUPPORTED_MAJOR}; any minor version is fine (minor versions only add).
     *
     * @return the VERSION register
     * @throws DeviceException naming what was found and what was expected: "ID is 0xdeadbeef, expected
     *                         0x4d4b4642 (MKFB): not a mmapkit framebuffer", "VERSION 2.0 is not
     *                         supported: this driver speaks major version 1"
     */
    public int identify() {
        // TODO 06.5 (see hint 06.5)
        throw new UnsupportedOperationException("TODO 06.5: check ID and the major VERSION (see hint 06.5)");
    }

    /**
     * Resets the device: sets CONTROL.RESET, waits until the device clears it, then waits for
     * STATUS.READY, each within {@code timeout}. Afterwards the device is disabled, its counters,
     * status and framebuffer are zero, and the command ring starts again at sequence 0 (bring the
     * device up again to use it).
     *
     * @throws RegisterTimeoutException "device did not clear CONTROL.RESET within 300 ms (CONTROL was
     *                                  0x00000004)", or "... set bits 0x00000001 of STATUS ..."
     */
    public void reset(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        ring = null; // the device forgets the ring: so does the driver
        // TODO 06.5 (see hint 06.5)
        throw new UnsupportedOperationException("TODO 06.5: request RESET, await it cleared, then READY (see hint 06.5)");
    }

    /**
     * Reads the geometry from the read-only registers and checks it fits in BAR0.
     *
     * @throws DeviceException when the framebuffer or the ring does not fit in BAR0, overlaps the
     *                         register block, or the stride is shorter than a row
     */
    public Geometry readGeometry() {
        // TODO 06.5 (see hint 06.5)
        throw new UnsupportedOperationException("TODO 06.5: read the geometry registers and check them (see hint 06.5)");
    }


    /**
     * Brings the device up: {@link #identify}, {@link #reset}, {@link #readGeometry}, then
     * {@link #enable}. Afterwards {@link #ring} and {@link #pixels} work.
     *
     * @return the geometry
     */
    public Geometry bringUp(boolean interrupts, Duration timeout) {
        identify();
        reset(timeout);
        Geometry found = readGeometry();
        enable(interrupts);
        ring = new CommandRing(registers, bar.asSlice(found.ringOffset(), (long) found.ringEntries() * DESCRIPTOR_SIZE),
                found.ringEntries(), device());
        pixels = new PixelMemory(bar.asSlice(found.fbOffset(), found.fbBytes()), found.width(), found.height(),
                found.stride());
        return found;
    }

    /**
     * Lets the device take commands: CONTROL = ENABLE, with INTERRUPTS when {@code interrupts} (the
     * device then counts IRQ_COUNT and wakes its sleepers on every completion).
     */
    public void enable(boolean interrupts) {
        // TODO 06.5 (see hint 06.5)
        throw new UnsupportedOperationException("TODO 06.5: write CONTROL to enable the device (see hint 06.5)");
    }

    /** The geometry read by {@link #readGeometry} or {@link #bringUp}. */
    public Geometry geometry() {
        if (geometry == null) {
            throw new IllegalStateException("the geometry is not read yet: bring the device up first");
        }
        return geometry;
    }

    /** The command ring, after {@link #bringUp}. */
    public CommandRing ring() {
        if (ring == null) {
            throw new IllegalStateException("the ring is not set up: bring the device up (again, after a reset)");
        }
        return ring;
    }

    /** The pixel memory, after {@link #bringUp}. */
    public PixelMemory pixels() {
        if (pixels == null) {
            throw new IllegalStateException("the framebuffer is not set up: bring the device up first");
        }
        return pixels;
    }

    /** The device's FILL: submits it and waits for its completion. */
    public long fill(int x, int y, int width, int height, int rgb, Duration timeout) {
        return ring().submitAndWait(Command.fill(x, y, width, height, rgb), timeout);
    }

    /** The device's COPY: submits it and waits for its completion. */
    public long copy(int srcX, int srcY, int x, int y, int width, int height, Duration timeout) {
        return ring().submitAndWait(Command.copy(srcX, srcY, x, y, width, height), timeout);
    }

    /**
     * Presents the frame: submits PRESENT, waits for its completion, acknowledges
     * STATUS.FRAME_PRESENTED (write one to clear) and returns the number of the frame the device
     * wrote ({@code frame-NNNN.png} in its folder).
     *
     * @throws DeviceException when FRAMES did not move (the device did not write a frame)
     */
    public int present(Duration timeout) {
        // TODO 06.8 (see hint 06.8)
        throw new UnsupportedOperationException("TODO 06.8: PRESENT through the ring, then FRAMES (see hint 06.8)");
    }

    /** Unmaps BAR0; the device goes on running. */
    @Override
    public void close() {
        region.close();
    }
}
