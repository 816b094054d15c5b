package mmapkit.device.sim;

import static mmapkit.device.sim.DeviceLayout.*;

import mmapkit.ipc.Atomics;
import mmapkit.ipc.SharedRegion;
import mmapkit.ipc.natives.FutexCalls;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import javax.imageio.ImageIO;

/**
 * The simulated framebuffer device: the "hardware" behind BAR0. It creates BAR0 as a module 05
 * {@link SharedRegion}, publishes its read-only registers, and then runs a loop that does what the
 * logic of a real device does: it watches CONTROL for a reset request, polls the DOORBELL, takes
 * descriptors from the command ring in order, executes them on the framebuffer, writes each result,
 * advances RING_HEAD and COMPLETED, sets STATUS bits and raises an "interrupt" by incrementing
 * IRQ_COUNT and waking its futex sleepers.
 *
 * <p>This is given code: it runs the same against the exercises and the reference driver. It runs
 * in a process of its own ({@code mmapkit.device.process.FramebufferDeviceMain}), so the driver
 * and the device share nothing but the mapping, as a driver and a device share nothing but the bus.
 *
 * <p>Its loop is bounded: it ends when its lifetime is over or the process that started it is
 * gone. While idle it spins for {@link #SPIN_NANOS}, then parks for {@link #IDLE_PARK_NANOS} at a
 * time, so an idle device costs little CPU and a busy one answers within a microsecond or so.
 */
public final class FramebufferDevice implements AutoCloseable {

    /** How long the device spins on the doorbell after its last piece of work before it parks. */
    public static final long SPIN_NANOS = 200_000;
    /** How long one idle park lasts (the kernel's timer slack adds about 50 microseconds). */
    public static final long IDLE_PARK_NANOS = 20_000;

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT_HANDLE = ValueLayout.JAVA_INT.varHandle();

    /**
     * What the device looks like and how it misbehaves.
     *
     * @param width        framebuffer width in pixels
     * @param height       framebuffer height in pixels
     * @param ringEntries  descriptors in the command ring (a power of two is usual, any count works)
     * @param freezeAfter  stop answering (but stay alive) when a command comes after this many; -1 never
     * @param lifetime     the longest the device runs
     * @param frames       where PRESENT writes frame-NNNN.png
     */
    public record Options(int width, int height, int ringEntries, long freezeAfter, Duration lifetime, Path frames) {
        public Options {
            Objects.requireNonNull(lifetime, "lifetime");
            Objects.requireNonNull(frames, "frames");
            if (width <= 0 || height <= 0 || width > 4096 || height > 4096) {  // not a page size: the largest width and height
                throw new IllegalArgumentException("geometry " + width + "x" + height + " must be 1..4096 in each direction");
            }
            if (ringEntries <= 0 || ringEntries > 1024) {
                throw new IllegalArgumentException("ringEntries " + ringEntries + " must be 1..1024");
            }
            long fbOffset = fbOffset(ringEntries);
            if (fbOffset + (long) height * width * 4 > BAR_SIZE) {
                throw new IllegalArgumentException("geometry " + width + "x" + height + " with " + ringEntries
                        + " ring entries does not fit in BAR0 of " + BAR_SIZE + " bytes");
            }
        }

        /** The defaults: 320 x 200, 64 descriptors, never freezing, a minute of life. */
        public static Options defaults(Path frames) {
            return new Options(DEFAULT_WIDTH, DEFAULT_HEIGHT, DEFAULT_RING_ENTRIES, -1, Duration.ofSeconds(60), frames);
        }

        static long fbOffset(int ringEntries) {
            long ringEnd = DEFAULT_RING_OFFSET + (long) ringEntries * DESCRIPTOR_SIZE;
            return (ringEnd + 4095) & -4096L; // not a page size: the device layout aligns the framebuffer to 4 KiB
        }
    }

    private final SharedRegion region;
    private final MemorySegment bar;
    private final Options options;
    private final int stride;
    private final long fbOffset;
    private final long ringOffset;
    private long commandsExecuted;
    private boolean frozen;

    private FramebufferDevice(SharedRegion region, Options options) {
        this.region = region;
        this.bar = region.data();
        this.options = options;
        this.stride = options.width() * 4;
        this.fbOffset = Options.fbOffset(options.ringEntries());
        this.ringOffset = DEFAULT_RING_OFFSET;
    }

    /** The size of the shared region (header and BAR0) that backs a device. */
    public static long regionSize() {
        return SharedRegion.HEADER_SIZE + BAR_SIZE;
    }

    /**
     * Creates BAR0 in {@code file} (which must not exist), with the read-only registers filled in and
     * STATUS.READY set, and publishes it.
     */
    public static FramebufferDevice create(Path file, Options options) throws IOException {
        Objects.requireNonNull(options, "options");
        Files.createDirectories(options.frames());
        long fbOffset = Options.fbOffset(options.ringEntries());
        SharedRegion region = SharedRegion.create(file, regionSize(), REGION_VERSION, bar -> {
            bar.set(INT, REG_ID, DEVICE_ID);
            bar.set(INT, REG_VERSION, DEVICE_VERSION);
            bar.set(INT, REG_WIDTH, options.width());
            bar.set(INT, REG_HEIGHT, options.height());
            bar.set(INT, REG_STRIDE, options.width() * 4);
            bar.set(INT, REG_RING_ENTRIES, options.ringEntries());
            bar.set(INT, REG_FB_OFFSET, (int) fbOffset);
            bar.set(INT, REG_RING_OFFSET, DEFAULT_RING_OFFSET);
            bar.set(INT, REG_STATUS, STATUS_READY);
        });
        return new FramebufferDevice(region, options);
    }

    /** The device memory, for tests of the device itself. */
    public MemorySegment bar() {
        return bar;
    }

    /**
     * Runs the device until its lifetime is over or the process that started this one is gone.
     *
     * @return why it stopped, for its log
     */
    public String run() {
        Optional<ProcessHandle> parent = ProcessHandle.current().parent();
        long start = System.nanoTime();
        long end = start + options.lifetime().toNanos();
        long nextParentCheck = start;
        long lastActivity = start;
        long badDoorbell = -1;
        while (true) { // bounded: by the lifetime and the parent's life
            long now = System.nanoTime();
            if (now - end > 0) {
                return "lifetime of " + options.lifetime() + " over";
            }
            if (now - nextParentCheck > 0) {
                if (parent.isPresent() && !parent.get().isAlive()) {
                    return "parent process " + parent.get().pid() + " is gone";
                }
                nextParentCheck = now + 100_000_000L;
            }
            if (!frozen) {
                int control = Atomics.getIntAcquire(bar, REG_CONTROL);
                if ((control & CONTROL_RESET) != 0) {
                    reset();
                    badDoorbell = -1;
                    lastActivity = System.nanoTime();
                    continue;
                }
                if ((control & CONTROL_ENABLE) != 0) {
                    // tag::device-doorbell[]
                    long tail = Atomics.getAcquire(bar, REG_DOORBELL); // acquire: the descriptors before it
                    long head = Atomics.getOpaque(bar, REG_RING_HEAD);
                    if (tail != badDoorbell && (tail < head || tail - head > options.ringEntries())) {
                        badDoorbell = tail;
                        fail(head, ERR_BAD_DOORBELL);
                        raiseInterrupt(control);
                    } else if (tail > head && !freezesNow()) {
                        execute(head, control);
                        lastActivity = System.nanoTime();
                        continue;
                    }
                    // end::device-doorbell[]
                }
            }
            if (System.nanoTime() - lastActivity < SPIN_NANOS) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(IDLE_PARK_NANOS);
            }
        }
    }

    /** Freezes the device when a command comes after {@code freezeAfter} of them. */
    private boolean freezesNow() {
        if (options.freezeAfter() >= 0 && commandsExecuted >= options.freezeAfter()) {
            frozen = true; // from now on it answers nothing, as a hung device
            System.out.println("frozen after " + commandsExecuted + " commands");
        }
        return frozen;
    }

    /** Whether the device stopped answering on purpose ({@code freezeAfter}). */
    public boolean frozen() {
        return frozen;
    }

    private void execute(long sequence, int control) {
        long slot = ringOffset + (sequence % options.ringEntries()) * DESCRIPTOR_SIZE;
        int opcode = bar.get(INT, slot + DESC_OPCODE);
        int error;
        if (bar.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), slot + DESC_SEQUENCE) != sequence) {
            error = ERR_BAD_SEQUENCE;
        } else {
            error = switch (opcode) {
                case OP_NOP -> ERR_NONE;
                case OP_FILL -> fill(slot);
                case OP_COPY -> copy(slot);
                case OP_PRESENT -> present();
                default -> ERR_UNKNOWN_OPCODE;
            };
        }
        // tag::device-complete[]
        bar.set(INT, slot + DESC_ERROR, error);
        Atomics.setIntRelease(bar, slot + DESC_RESULT, error == ERR_NONE ? RESULT_DONE : RESULT_ERROR);
        if (error != ERR_NONE) {
            fail(sequence, error);
        }
        if (opcode == OP_PRESENT && error == ERR_NONE) {
            setStatus(STATUS_FRAME_PRESENTED);
        }
        setStatus(STATUS_COMMAND_DONE);
        // the slot is free for the driver only once its result is written
        Atomics.setRelease(bar, REG_RING_HEAD, sequence + 1);
        Atomics.setRelease(bar, REG_COMPLETED, sequence + 1);
        raiseInterrupt(control);
        // end::device-complete[]
        commandsExecuted++;
    }

    // tag::device-interrupt[]
    private void raiseInterrupt(int control) {
        if ((control & CONTROL_INTERRUPTS) != 0) {
            Atomics.getAndAddInt(bar, REG_IRQ_COUNT, 1);
            FutexCalls.futexWake(bar.address() + REG_IRQ_COUNT, Integer.MAX_VALUE);
        }
    }

    private void setStatus(int bits) {
        INT_HANDLE.getAndBitwiseOr(bar, (long) REG_STATUS, bits); // the device sets, the driver clears
    }
    // end::device-interrupt[]

    private void fail(long sequence, int error) {
        bar.set(INT, REG_ERROR_CODE, error);
        Atomics.setRelease(bar, REG_ERROR_SEQUENCE, sequence);
        setStatus(STATUS_ERROR);
    }


    private boolean inside(int x, int y, int w, int h) {
        return x >= 0 && y >= 0 && w > 0 && h > 0
                && (long) x + w <= options.width() && (long) y + h <= options.height();
    }

    private int fill(long slot) {
        int x = bar.get(INT, slot + DESC_X);
        int y = bar.get(INT, slot + DESC_Y);
        int w = bar.get(INT, slot + DESC_WIDTH);
        int h = bar.get(INT, slot + DESC_HEIGHT);
        int colour = bar.get(INT, slot + DESC_COLOUR) & 0xFFFFFF;
        if (!inside(x, y, w, h)) {
            return ERR_OUT_OF_BOUNDS;
        }
        for (int row = y; row < y + h; row++) {
            for (int col = x; col < x + w; col++) {
                bar.set(INT, fbOffset + (long) row * stride + col * 4L, colour);
            }
        }
        return ERR_NONE;
    }

    private int copy(long slot) {
        int x = bar.get(INT, slot + DESC_X);
        int y = bar.get(INT, slot + DESC_Y);
        int w = bar.get(INT, slot + DESC_WIDTH);
        int h = bar.get(INT, slot + DESC_HEIGHT);
        int sx = bar.get(INT, slot + DESC_SRC_X);
        int sy = bar.get(INT, slot + DESC_SRC_Y);
        if (!inside(x, y, w, h) || !inside(sx, sy, w, h)) {
            return ERR_OUT_OF_BOUNDS;
        }
        int[] block = new int[w * h]; // through a buffer: overlapping rectangles copy as memmove does
        for (int row = 0; row < h; row++) {
            MemorySegment.copy(bar, INT, fbOffset + (long) (sy + row) * stride + sx * 4L, block, row * w, w);
        }
        for (int row = 0; row < h; row++) {
            MemorySegment.copy(block, row * w, bar, INT, fbOffset + (long) (y + row) * stride + x * 4L, w);
        }
        return ERR_NONE;
    }

    private int present() {
        int frame = bar.get(INT, REG_FRAMES) + 1;
        BufferedImage image = new BufferedImage(options.width(), options.height(), BufferedImage.TYPE_INT_RGB);
        int[] row = new int[options.width()];
        for (int y = 0; y < options.height(); y++) {
            MemorySegment.copy(bar, INT, fbOffset + (long) y * stride, row, 0, row.length);
            for (int x = 0; x < row.length; x++) {
                row[x] &= 0xFFFFFF;
            }
            image.setRGB(0, y, row.length, 1, row, 0, row.length);
        }
        Path target = options.frames().resolve(frameFileName(frame));
        try {
            Path partial = options.frames().resolve(frameFileName(frame) + ".part");
            if (!ImageIO.write(image, "png", partial.toFile())) {
                return ERR_PRESENT_FAILED;
            }
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | UncheckedIOException e) {
            System.out.println("present failed: " + e);
            return ERR_PRESENT_FAILED;
        }
        Atomics.setIntRelease(bar, REG_FRAMES, frame);
        return ERR_NONE;
    }

    /** The name of the PNG file of frame {@code frame} (1, 2, ...): frame-0001.png. */
    public static String frameFileName(int frame) {
        return String.format("frame-%04d.png", frame);
    }

    private void reset() {
        Atomics.setIntRelease(bar, REG_STATUS, 0); // not READY while resetting
        bar.asSlice(ringOffset, (long) options.ringEntries() * DESCRIPTOR_SIZE).fill((byte) 0);
        bar.asSlice(fbOffset, (long) options.height() * stride).fill((byte) 0);
        bar.set(INT, REG_ERROR_CODE, 0);
        Atomics.setRelease(bar, REG_ERROR_SEQUENCE, 0);
        Atomics.setRelease(bar, REG_DOORBELL, 0);
        Atomics.setRelease(bar, REG_RING_HEAD, 0);
        Atomics.setRelease(bar, REG_COMPLETED, 0);
        Atomics.setIntRelease(bar, REG_FRAMES, 0);
        Atomics.setIntRelease(bar, REG_IRQ_COUNT, 0);
        FutexCalls.futexWake(bar.address() + REG_IRQ_COUNT, Integer.MAX_VALUE);
        Atomics.setIntRelease(bar, REG_STATUS, STATUS_READY);
        Atomics.setIntRelease(bar, REG_CONTROL, 0); // last: RESET clear means the reset is complete
    }

    /** Unmaps BAR0 and deletes its file: the device is gone. */
    @Override
    public void close() throws IOException {
        Path file = region.file();
        region.close();
        Files.deleteIfExists(file);
    }
}
