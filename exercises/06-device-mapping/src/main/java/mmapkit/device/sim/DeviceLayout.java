package mmapkit.device.sim;

import java.nio.charset.StandardCharsets;

/**
 * The data sheet of the simulated framebuffer device: where everything is in its device memory
 * ("BAR0"), what each register bit means, and the layout of a command descriptor. The device
 * ({@link FramebufferDevice}) and the driver ({@code mmapkit.device.fb}) both build on these
 * numbers, as a real driver is written against the data sheet of its hardware.
 *
 * <p>BAR0 is the data of a module 05 {@code SharedRegion} (layout version {@link #REGION_VERSION})
 * of {@link #BAR_SIZE} bytes. All fields are little-endian and naturally aligned.
 *
 * <pre>
 * BAR0 offset   size        what
 * 0x00000       4 KiB       register block (see the REG_ constants)
 * RING_OFFSET   64 x 64 B   command ring: RING_ENTRIES descriptors (default at 0x01000)
 * FB_OFFSET     H x STRIDE  framebuffer, 32-bit XRGB pixels (default at 0x02000, 320 x 200)
 * </pre>
 *
 * The ring and framebuffer offsets and the geometry are published in read-only registers; a driver
 * reads them from there and never assumes the defaults.
 */
public final class DeviceLayout {

    private DeviceLayout() {
    }

    /** The layout version of the shared region that backs BAR0. */
    public static final int REGION_VERSION = 6;
    /** Bytes of BAR0, fixed as the size of a PCI BAR is: registers, ring and framebuffer fit in it. */
    public static final long BAR_SIZE = 512 * 1024;
    /** Bytes of the register block at the start of BAR0. */
    public static final int REGISTER_BLOCK_SIZE = 4096;  // not a page size: the device's register block, fixed by its layout

    /** The value of the ID register: "MKFB" read as a big-endian number, 0x4D4B4642. */
    public static final int DEVICE_ID = 0x4D4B4642;
    /** The version of the device: major 1, minor 0, as {@code major << 16 | minor}. */
    public static final int DEVICE_VERSION = 1 << 16;

    // Register offsets in BAR0 (32-bit unless noted).
    /** RO: {@link #DEVICE_ID}. */
    public static final int REG_ID = 0x000;
    /** RO: {@code major << 16 | minor}. */
    public static final int REG_VERSION = 0x004;
    /** RO: the framebuffer's width in pixels. */
    public static final int REG_WIDTH = 0x008;
    /** RO: the framebuffer's height in pixels. */
    public static final int REG_HEIGHT = 0x00C;
    /** RO: bytes from the start of one pixel row to the start of the next. */
    public static final int REG_STRIDE = 0x010;
    /** RO: how many descriptors the command ring has. */
    public static final int REG_RING_ENTRIES = 0x014;
    /** RO: where the framebuffer starts in BAR0. */
    public static final int REG_FB_OFFSET = 0x018;
    /** RO: where the command ring starts in BAR0. */
    public static final int REG_RING_OFFSET = 0x01C;
    /** RW: {@link #CONTROL_ENABLE}, {@link #CONTROL_INTERRUPTS}, {@link #CONTROL_RESET}. */
    public static final int REG_CONTROL = 0x020;
    /** W1C: {@link #STATUS_READY} (read-only bit), COMMAND_DONE, ERROR, FRAME_PRESENTED. */
    public static final int REG_STATUS = 0x024;
    /** RO: the error code of the last failed command or doorbell ({@code ERR_}), 0 for none. */
    public static final int REG_ERROR_CODE = 0x028;
    /** RO: the "interrupt" counter, +1 per completed command while interrupts are on; a futex word. */
    public static final int REG_IRQ_COUNT = 0x02C;
    /** WO, 64-bit: the driver's new ring tail (the sequence number after its last descriptor). */
    public static final int REG_DOORBELL = 0x030;
    /** RO, 64-bit: descriptors the device has taken from the ring (a count that never wraps). */
    public static final int REG_RING_HEAD = 0x038;
    /** RO, 64-bit: descriptors the device has completed (in order). */
    public static final int REG_COMPLETED = 0x040;
    /** RO: frames presented since the last reset. */
    public static final int REG_FRAMES = 0x048;
    /** RO, 64-bit: the sequence number of the last command that failed. */
    public static final int REG_ERROR_SEQUENCE = 0x050;

    // CONTROL bits.
    /** CONTROL bit 0: the device takes commands from the ring. */
    public static final int CONTROL_ENABLE = 1;
    /** CONTROL bit 1: the device counts (and futex-wakes) IRQ_COUNT on every completion. */
    public static final int CONTROL_INTERRUPTS = 1 << 1;
    /** CONTROL bit 2: set by the driver to ask for a reset; the device clears it when done. */
    public static final int CONTROL_RESET = 1 << 2;

    // STATUS bits.
    /** STATUS bit 0, read-only: the device is out of reset and accepts registers and commands. */
    public static final int STATUS_READY = 1;
    /** STATUS bit 1, W1C: at least one command completed since the driver last cleared it. */
    public static final int STATUS_COMMAND_DONE = 1 << 1;
    /** STATUS bit 2, W1C: a command or a doorbell failed; ERROR_CODE says why. */
    public static final int STATUS_ERROR = 1 << 2;
    /** STATUS bit 3, W1C: a frame was presented (written as a PNG). */
    public static final int STATUS_FRAME_PRESENTED = 1 << 3;

    // Error codes (ERROR_CODE and a descriptor's error field).
    /** No error. */
    public static final int ERR_NONE = 0;
    /** The descriptor's opcode is none of the OP_ constants. */
    public static final int ERR_UNKNOWN_OPCODE = 1;
    /** The descriptor's rectangle (or copy source) is empty or not inside the framebuffer. */
    public static final int ERR_OUT_OF_BOUNDS = 2;
    /** The descriptor's sequence field is not the ring position it was taken from. */
    public static final int ERR_BAD_SEQUENCE = 3;
    /** The doorbell went backwards, or further ahead than the ring has descriptors. */
    public static final int ERR_BAD_DOORBELL = 4;
    /** The device could not write the frame's PNG file. */
    public static final int ERR_PRESENT_FAILED = 5;

    /** A short name of an error code, such as "OUT_OF_BOUNDS". */
    public static String errorName(int code) {
        return switch (code) {
            case ERR_NONE -> "NONE";
            case ERR_UNKNOWN_OPCODE -> "UNKNOWN_OPCODE";
            case ERR_OUT_OF_BOUNDS -> "OUT_OF_BOUNDS";
            case ERR_BAD_SEQUENCE -> "BAD_SEQUENCE";
            case ERR_BAD_DOORBELL -> "BAD_DOORBELL";
            case ERR_PRESENT_FAILED -> "PRESENT_FAILED";
            default -> "UNKNOWN_ERROR_" + code;
        };
    }

    // Opcodes.
    /** Do nothing; complete at once (for measuring the ring itself). */
    public static final int OP_NOP = 0;
    /** Fill the rectangle (x, y, width, height) with colour. */
    public static final int OP_FILL = 1;
    /** Copy the rectangle at (srcX, srcY) of width x height to (x, y); overlapping is fine. */
    public static final int OP_COPY = 2;
    /** Write the framebuffer as the PNG file frame-NNNN.png, NNNN the new FRAMES value. */
    public static final int OP_PRESENT = 3;

    // The command descriptor: 64 bytes, one cache line.
    /** Bytes of one descriptor. */
    public static final int DESCRIPTOR_SIZE = 64;
    /** u32 opcode (OP_). */
    public static final int DESC_OPCODE = 0x00;
    /** u32 flags, 0 (reserved). */
    public static final int DESC_FLAGS = 0x04;
    /** u64 sequence: the driver's running number of the command; slot = sequence % RING_ENTRIES. */
    public static final int DESC_SEQUENCE = 0x08;
    /** u32 destination x. */
    public static final int DESC_X = 0x10;
    /** u32 destination y. */
    public static final int DESC_Y = 0x14;
    /** u32 width of the rectangle. */
    public static final int DESC_WIDTH = 0x18;
    /** u32 height of the rectangle. */
    public static final int DESC_HEIGHT = 0x1C;
    /** u32 source x (COPY). */
    public static final int DESC_SRC_X = 0x20;
    /** u32 source y (COPY). */
    public static final int DESC_SRC_Y = 0x24;
    /** u32 colour, 0x00RRGGBB (FILL). */
    public static final int DESC_COLOUR = 0x28;
    /** u32 result, written by the device with a release store: RESULT_. */
    public static final int DESC_RESULT = 0x2C;
    /** u32 error code (ERR_) when the result is {@link #RESULT_ERROR}. */
    public static final int DESC_ERROR = 0x30;

    /** Descriptor result: not completed yet (the driver writes it when it fills the descriptor). */
    public static final int RESULT_PENDING = 0;
    /** Descriptor result: done. */
    public static final int RESULT_DONE = 1;
    /** Descriptor result: failed; the error field says why. */
    public static final int RESULT_ERROR = 2;

    // Defaults of a device started without geometry options.
    /** Default width in pixels. */
    public static final int DEFAULT_WIDTH = 320;
    /** Default height in pixels. */
    public static final int DEFAULT_HEIGHT = 200;
    /** Default descriptors in the ring. */
    public static final int DEFAULT_RING_ENTRIES = 64;
    /** Where the ring starts (right after the register block). */
    public static final int DEFAULT_RING_OFFSET = 0x1000;

    /** The ID value as text ("MKFB"). */
    public static String idText(int id) {
        byte[] bytes = {(byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id};
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
