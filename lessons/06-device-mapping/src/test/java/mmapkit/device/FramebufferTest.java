package mmapkit.device;

import static mmapkit.device.DeviceFixture.INT;
import static mmapkit.device.DeviceFixture.TIMEOUT;
import static mmapkit.device.DeviceFixture.raw32;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import mmapkit.course.Task;
import mmapkit.device.fb.FramebufferDriver;
import mmapkit.device.fb.Geometry;
import mmapkit.device.fb.PixelMemory;
import mmapkit.device.sim.DeviceLayout;
import mmapkit.device.sim.FramebufferDevice;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

@Task(id = "06.8", points = 15, title = "The framebuffer: draw, fill, copy, present; the PNG matches")
class FramebufferTest {

    private final DeviceFixture fixture = new DeviceFixture();

    @AfterEach
    void cleanUp() throws Exception {
        fixture.close();
    }

    @Test
    void aPixelIsAWordAtYTimesStridePlusFourX() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment memory = arena.allocate(5 * 48, 8);
            PixelMemory pixels = new PixelMemory(memory, 10, 5, 48); // rows padded to 48 bytes
            pixels.set(3, 2, 0x123456);
            assertThat(memory.get(INT, 2 * 48 + 3 * 4)).as("pixel (3, 2) of a 10-pixel row with stride 48 is at byte"
                    + " 2 * 48 + 3 * 4 = 108, little-endian XRGB").isEqualTo(0x123456);
            assertThat(pixels.get(3, 2)).isEqualTo(0x123456);
            assertThat(memory.get(INT, 2 * 48 + 2 * 4)).as("its neighbour is untouched").isZero();
            assertThatThrownBy(() -> pixels.set(10, 0, 1), "x 10 is outside a 10-pixel row (the padding is no pixel)")
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x 10");
            assertThatThrownBy(() -> pixels.get(0, 5), "y 5 is outside 5 rows")
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("y 5");
            assertThatThrownBy(() -> pixels.set(0, 0, 0x01000000), "the X byte of XRGB must stay 0")
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("colour");
        }
    }

    @Test
    void fillRectFillsExactlyTheRectangleOrNothing() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment memory = arena.allocate(8 * 40, 8);
            PixelMemory pixels = new PixelMemory(memory, 10, 8, 40);
            pixels.fillRect(2, 3, 4, 2, 0xABCDEF);
            for (int y = 0; y < 8; y++) {
                for (int x = 0; x < 10; x++) {
                    boolean inside = x >= 2 && x < 6 && y >= 3 && y < 5;
                    assertThat(pixels.get(x, y)).as("pixel (%d, %d) %s the 4 x 2 rectangle at (2, 3)", x, y,
                            inside ? "inside" : "outside").isEqualTo(inside ? 0xABCDEF : 0);
                }
            }
            assertThatThrownBy(() -> pixels.fillRect(8, 0, 3, 1, 0xFF), "x 8 + width 3 passes the edge at 10")
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x 8");
            assertThatThrownBy(() -> pixels.fillRect(0, 0, 0, 1, 0xFF), "an empty rectangle")
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(pixels.get(8, 0)).as("a refused fill draws nothing").isZero();
        }
    }

    @Test
    void theFrameTheDeviceWritesMatchesTheExpectedPixels() throws Exception {
        FramebufferDriver driver = fixture.start("width=96", "height=64");
        Geometry geometry = driver.bringUp(true, TIMEOUT);
        int width = geometry.width();
        int height = geometry.height();
        int[] expected = new int[width * height];

        PixelMemory pixels = driver.pixels(); // 1. software: a gradient straight into pixel memory
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int rgb = (x * 2) << 16 | (y * 3) << 8 | 0x40;
                pixels.set(x, y, rgb);
                expected[y * width + x] = rgb;
            }
        }
        driver.fill(10, 8, 30, 20, 0xFF0000, TIMEOUT); // 2. the device fills
        fill(expected, width, 10, 8, 30, 20, 0xFF0000);
        driver.fill(50, 30, 40, 30, 0x00FF00, TIMEOUT);
        fill(expected, width, 50, 30, 40, 30, 0x00FF00);
        driver.copy(0, 0, 20, 16, 40, 30, TIMEOUT); // 3. the device copies, overlapping its source
        copy(expected, width, 0, 0, 20, 16, 40, 30);
        int frame = driver.present(TIMEOUT); // 4. the device writes the PNG

        assertThat(frame).as("the first frame since bring-up").isEqualTo(1);
        Path png = fixture.frames().resolve(FramebufferDevice.frameFileName(frame));
        assertThat(png).as("the device writes frame-0001.png in its folder").exists();
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(width);
        assertThat(image.getHeight()).isEqualTo(height);
        String difference = firstDifference(image, expected, width, height);
        assertThat(difference).as("the PNG of the frame shows gradient, FILL, FILL, COPY (overlapping: copied as"
                + " if through a buffer) exactly").isNull();
        assertThat(raw32(driver, DeviceLayout.REG_FRAMES)).isEqualTo(1);
        assertThat(raw32(driver, DeviceLayout.REG_STATUS) & DeviceLayout.STATUS_FRAME_PRESENTED)
                .as("the driver acknowledged STATUS.FRAME_PRESENTED by writing one to it").isZero();
        long status = raw32(driver, DeviceLayout.REG_STATUS);
        assertThat(status & DeviceLayout.STATUS_COMMAND_DONE).as("STATUS is %s after present(): the device set"
                + " COMMAND_DONE (0x%08x) for the FILLs, the COPY and the PRESENT, and present() acknowledges only"
                + " FRAME_PRESENTED (0x%08x); writing one to that bit alone must leave COMMAND_DONE pending (writing back"
                + " what STATUS read clears every pending bit)", String.format("0x%08x", status),
                DeviceLayout.STATUS_COMMAND_DONE, DeviceLayout.STATUS_FRAME_PRESENTED)
                .isEqualTo(DeviceLayout.STATUS_COMMAND_DONE);

        pixels.fillRect(0, 0, width, height, 0x000080); // a second frame: all blue
        assertThat(driver.present(TIMEOUT)).as("the second frame").isEqualTo(2);
        BufferedImage second = ImageIO.read(fixture.frames().resolve(FramebufferDevice.frameFileName(2)).toFile());
        assertThat(second.getRGB(width - 1, height - 1) & 0xFFFFFF).as("the software fill before PRESENT is in the"
                + " frame: the doorbell's release store published it").isEqualTo(0x000080);
        assertThat(Files.exists(fixture.frames().resolve(FramebufferDevice.frameFileName(1)))).isTrue();
    }

    private static void fill(int[] pixels, int width, int x, int y, int w, int h, int rgb) {
        for (int row = y; row < y + h; row++) {
            for (int col = x; col < x + w; col++) {
                pixels[row * width + col] = rgb;
            }
        }
    }

    private static void copy(int[] pixels, int width, int srcX, int srcY, int x, int y, int w, int h) {
        int[] block = new int[w * h];
        for (int row = 0; row < h; row++) {
            System.arraycopy(pixels, (srcY + row) * width + srcX, block, row * w, w);
        }
        for (int row = 0; row < h; row++) {
            System.arraycopy(block, row * w, pixels, (y + row) * width + x, w);
        }
    }

    private static String firstDifference(BufferedImage image, int[] expected, int width, int height) {
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int found = image.getRGB(x, y) & 0xFFFFFF;
                if (found != expected[y * width + x]) {
                    return String.format("first differing pixel (%d, %d): PNG has #%06x, expected #%06x", x, y, found,
                            expected[y * width + x]);
                }
            }
        }
        return null;
    }
}
