package mmapkit.device.fb;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * The framebuffer as the driver sees it: pixel memory in BAR0 that it can draw into with ordinary
 * stores, as a program draws into {@code /dev/fb0} after mapping it. A pixel is a 32-bit
 * little-endian word 0x00RRGGBB (XRGB: the top byte is unused and kept 0); pixel (x, y) is at byte
 * {@code y * stride + 4 * x}. Rows may be longer than {@code 4 * width} bytes (the stride): real
 * hardware pads rows to its own alignment, so a driver never computes the row length itself.
 *
 * <p>The stores are plain: they need no order of their own, because the release store of the
 * DOORBELL that submits the next PRESENT publishes them all to the device.
 */
public final class PixelMemory {

    private static final ValueLayout.OfInt PIXEL = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final MemorySegment pixels;
    private final int width;
    private final int height;
    private final int stride;

    /**
     * Pixel memory of {@code width x height} pixels, rows {@code stride} bytes apart.
     *
     * @throws IllegalArgumentException when the geometry is not positive, the stride is shorter than a
     *                                  row of pixels or not a multiple of 4, or the memory is too small
     */
    public PixelMemory(MemorySegment pixels, int width, int height, int stride) {
        this.pixels = Objects.requireNonNull(pixels, "pixels");
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("geometry " + width + "x" + height + " must be positive");
        }
        if (stride < 4L * width || stride % 4 != 0) {
            throw new IllegalArgumentException("stride " + stride + " must be a multiple of 4 of at least 4 * width = "
                    + 4L * width);
        }
        if ((long) height * stride > pixels.byteSize()) {
            throw new IllegalArgumentException("pixel memory of " + pixels.byteSize() + " bytes is smaller than height "
                    + height + " * stride " + stride);
        }
        this.width = width;
        this.height = height;
        this.stride = stride;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public int stride() {
        return stride;
    }

    /**
     * Sets pixel (x, y) to {@code rgb}.
     *
     * @throws IllegalArgumentException for a pixel outside the framebuffer ("x 320 must be in 0..319")
     *                                  or a colour outside 0x000000..0xFFFFFF
     */
    public void set(int x, int y, int rgb) {
        // TODO 06.8 (see hint 06.8)
        throw new UnsupportedOperationException("TODO 06.8: check, then store at y * stride + 4 * x (see hint 06.8)");
    }

    /**
     * The colour of pixel (x, y), 0x00RRGGBB.
     *
     * @throws IllegalArgumentException for a pixel outside the framebuffer
     */
    public int get(int x, int y) {
        // TODO 06.8 (see hint 06.8)
        throw new UnsupportedOperationException("TODO 06.8: load from y * stride + 4 * x (see hint 06.8)");
    }

    /**
     * Fills a rectangle in software, with plain stores (what the device's FILL does in "hardware").
     *
     * @throws IllegalArgumentException for an empty rectangle, one not wholly inside the framebuffer,
     *                                  or a colour outside 0x000000..0xFFFFFF; nothing is drawn then
     */
    public void fillRect(int x, int y, int rectWidth, int rectHeight, int rgb) {
        // TODO 06.8 (see hint 06.8)
        throw new UnsupportedOperationException("TODO 06.8: check the whole rectangle, then fill row by row (see hint 06.8)");
    }

}
