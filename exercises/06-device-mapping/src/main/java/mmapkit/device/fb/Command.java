package mmapkit.device.fb;

import static mmapkit.device.sim.DeviceLayout.*;

/**
 * One command for the device's ring, before it becomes a descriptor. The factories make the four
 * commands the device knows; they check nothing on purpose, so that the device's own checks (and
 * its errors) can be seen.
 *
 * @param opcode one of {@code DeviceLayout.OP_}
 * @param colour 0x00RRGGBB for FILL
 */
public record Command(int opcode, int x, int y, int width, int height, int srcX, int srcY, int colour) {

    /** Does nothing; completes at once. */
    public static Command nop() {
        return new Command(OP_NOP, 0, 0, 0, 0, 0, 0, 0);
    }

    /** Fills the rectangle with {@code rgb}. */
    public static Command fill(int x, int y, int width, int height, int rgb) {
        return new Command(OP_FILL, x, y, width, height, 0, 0, rgb);
    }

    /** Copies the {@code width x height} rectangle at ({@code srcX}, {@code srcY}) to ({@code x}, {@code y}). */
    public static Command copy(int srcX, int srcY, int x, int y, int width, int height) {
        return new Command(OP_COPY, x, y, width, height, srcX, srcY, 0);
    }

    /** Writes the framebuffer as the next frame's PNG. */
    public static Command present() {
        return new Command(OP_PRESENT, 0, 0, 0, 0, 0, 0, 0);
    }

    /** "FILL 10,20 30x40 #ff0000", "COPY 0,0 -> 8,8 16x16", "PRESENT", "NOP". */
    @Override
    public String toString() {
        return switch (opcode) {
            case OP_NOP -> "NOP";
            case OP_FILL -> String.format("FILL %d,%d %dx%d #%06x", x, y, width, height, colour);
            case OP_COPY -> String.format("COPY %d,%d -> %d,%d %dx%d", srcX, srcY, x, y, width, height);
            case OP_PRESENT -> "PRESENT";
            default -> "opcode " + opcode;
        };
    }
}
