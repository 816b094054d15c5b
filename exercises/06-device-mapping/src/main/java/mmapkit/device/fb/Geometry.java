package mmapkit.device.fb;

/**
 * What the device's read-only registers say about its memory: the framebuffer's size and layout
 * and where the framebuffer and the command ring are in BAR0.
 *
 * @param width       pixels per row (WIDTH)
 * @param height      rows (HEIGHT)
 * @param stride      bytes from one row to the next (STRIDE), at least {@code 4 * width}
 * @param fbOffset    where the framebuffer starts in BAR0 (FB_OFFSET)
 * @param ringOffset  where the command ring starts in BAR0 (RING_OFFSET)
 * @param ringEntries descriptors in the ring (RING_ENTRIES)
 */
public record Geometry(int width, int height, int stride, long fbOffset, long ringOffset, int ringEntries) {

    /** Bytes of the framebuffer: {@code height * stride}. */
    public long fbBytes() {
        return (long) height * stride;
    }
}
