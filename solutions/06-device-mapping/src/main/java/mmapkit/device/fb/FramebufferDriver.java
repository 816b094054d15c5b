package mmapkit.device.fb;

import static mmapkit.device.fb.FramebufferRegisters.*;
import static mmapkit.device.sim.DeviceLayout.*;

import mmapkit.device.registers.RegisterBlock;
import mmapkit.device.registers.RegisterTimeoutException;
import mmapkit.device.sim.FramebufferDevice;
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
        // SOLUTION-BEGIN 06.5
        SharedRegion region = SharedRegion.attach(barFile, FramebufferDevice.regionSize(), REGION_VERSION, timeout);
        return new FramebufferDriver(region);
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 06.5: attach to the shared region of BAR0 (see hint 06.5)");
        // SOLUTION-END
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
        // SOLUTION-BEGIN 06.5
        long id = registers.read(ID);
        if (id != Integer.toUnsignedLong(DEVICE_ID)) {
            throw new DeviceException(String.format("ID is 0x%08x, expected 0x%08x (%s): not a mmapkit framebuffer",
                    id, DEVICE_ID, idText(DEVICE_ID)));
        }
        int version = (int) registers.read(VERSION);
        if (version >>> 16 != SUPPORTED_MAJOR) {
            throw new DeviceException("VERSION " + (version >>> 16) + "." + (version & 0xFFFF)
                    + " is not supported: this driver speaks major version " + SUPPORTED_MAJOR);
        }
        return version;
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 06.5: check ID and the major VERSION (see hint 06.5)");
        // SOLUTION-END
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
        // SOLUTION-BEGIN 06.5
        registers.write(CONTROL, CONTROL_RESET);
        registers.awaitValue(CONTROL, value -> (value & CONTROL_RESET) == 0, "clear CONTROL.RESET", timeout);
        registers.awaitBits(STATUS, STATUS_READY, timeout);
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 06.5: request RESET, await it cleared, then READY (see hint 06.5)");
        // SOLUTION-END
    }

    /**
     * Reads the geometry from the read-only registers and checks it fits in BAR0.
     *
     * @throws DeviceException when the framebuffer or the ring does not fit in BAR0, overlaps the
     *                         register block, or the stride is shorter than a row
     */
    public Geometry readGeometry() {
        // SOLUTION-BEGIN 06.5
        Geometry found = new Geometry((int) registers.read(WIDTH), (int) registers.read(HEIGHT),
                (int) registers.read(STRIDE), registers.read(FB_OFFSET), registers.read(RING_OFFSET),
                (int) registers.read(RING_ENTRIES));
        if (found.width() <= 0 || found.height() <= 0 || found.stride() < 4L * found.width() || found.stride() % 4 != 0) {
            throw new DeviceException("device geometry " + found + " is not a framebuffer: WIDTH and HEIGHT must be"
                    + " positive and STRIDE a multiple of 4 of at least 4 * WIDTH");
        }
        requireInBar("framebuffer", found.fbOffset(), found.fbBytes(), 4);
        requireInBar("command ring", found.ringOffset(), (long) found.ringEntries() * DESCRIPTOR_SIZE, DESCRIPTOR_SIZE);
        geometry = found;
        return found;
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 06.5: read the geometry registers and check them (see hint 06.5)");
        // SOLUTION-END
    }

    // SOLUTION-BEGIN 06.5
    private void requireInBar(String what, long offset, long bytes, int alignment) {
        if (bytes <= 0 || offset < REGISTER_BLOCK_SIZE || offset % alignment != 0 || offset + bytes > bar.byteSize()) {
            throw new DeviceException(String.format("the %s at offset 0x%x (%d bytes) does not fit in BAR0 after the"
                    + " register block (0x%x..0x%x), %d-byte aligned", what, offset, bytes, REGISTER_BLOCK_SIZE,
                    bar.byteSize(), alignment));
        }
    }
    // SOLUTION-END

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
        // SOLUTION-BEGIN 06.5
        registers.write(CONTROL, CONTROL_ENABLE | (interrupts ? CONTROL_INTERRUPTS : 0));
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 06.5: write CONTROL to enable the device (see hint 06.5)");
        // SOLUTION-END
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
        // SOLUTION-BEGIN 06.8
        long before = registers.read(FRAMES);
        ring().submitAndWait(Command.present(), timeout);
        long frames = registers.read(FRAMES); // acquire: the device wrote the file before FRAMES
        if (frames != before + 1) {
            throw new DeviceException("PRESENT completed but FRAMES went from " + before + " to " + frames);
        }
        registers.write(STATUS, STATUS_FRAME_PRESENTED);
        return (int) frames;
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 06.8: PRESENT through the ring, then FRAMES (see hint 06.8)");
        // SOLUTION-END
    }

    /** Unmaps BAR0; the device goes on running. */
    @Override
    public void close() {
        region.close();
    }
}
