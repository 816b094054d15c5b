package mmapkit.device.experiments;

import mmapkit.device.fb.Command;
import mmapkit.device.fb.CommandRing;
import mmapkit.device.fb.FramebufferDriver;
import mmapkit.device.fb.Geometry;
import mmapkit.device.fb.PixelMemory;
import mmapkit.device.sim.FramebufferDevice;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Experiment: the driver draws a picture on the simulated framebuffer. A gradient drawn in software
 * straight into the mapped pixel memory, a panel and the word MMAP in block letters filled by the
 * device (FILL commands through the ring), a row of colour squares copied by the device (COPY), then
 * PRESENT: the device writes the frame as a PNG, which this program copies to
 * {@code OUT_FOLDER/device-framebuffer.png}.
 *
 * <pre>
 * java mmapkit.device.experiments.DrawAPicture [OUT_FOLDER]
 * </pre>
 *
 * Without an argument it writes to the folder of the system property {@code experiments.output}
 * (what the book's build sets), or the working folder.
 */
public final class DrawAPicture {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    /** The letters of the title, 5 x 5 cells each ('#' is filled). */
    private static final String[][] LETTERS = {
        {"#...#", "##.##", "#.#.#", "#...#", "#...#"}, // M
        {"#...#", "##.##", "#.#.#", "#...#", "#...#"}, // M
        {".###.", "#...#", "#####", "#...#", "#...#"}, // A
        {"####.", "#...#", "####.", "#....", "#...."}, // P
    };

    private DrawAPicture() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : System.getProperty("experiments.output", "."));
        Files.createDirectories(out);
        Path frames = Files.createTempDirectory("mmapkit-frames-");
        Map<String, Integer> commands = new LinkedHashMap<>();
        try (DeviceProcess device = DeviceProcess.start(frames)) {
            FramebufferDriver driver = device.driver();
            Geometry geometry = driver.bringUp(true, TIMEOUT);
            System.out.printf("device up: %dx%d pixels, stride %d bytes, %d ring entries, framebuffer at BAR0+0x%x%n",
                    geometry.width(), geometry.height(), geometry.stride(), geometry.ringEntries(), geometry.fbOffset());

            // 1. software: a gradient, pixel by pixel, straight into the mapped pixel memory
            PixelMemory pixels = driver.pixels();
            long start = System.nanoTime();
            for (int y = 0; y < pixels.height(); y++) {
                for (int x = 0; x < pixels.width(); x++) {
                    int red = 40 + x * 120 / pixels.width();
                    int green = 60 + y * 100 / pixels.height();
                    int blue = 140 + (x + y) * 100 / (pixels.width() + pixels.height());
                    pixels.set(x, y, red << 16 | green << 8 | blue);
                }
            }
            System.out.printf("software: %d pixels of gradient stored into mapped pixel memory in %.1f ms%n",
                    pixels.width() * pixels.height(), (System.nanoTime() - start) / 1e6);

            // 2. the device: a panel and the title, as FILL commands through the ring
            CommandRing ring = driver.ring();
            start = System.nanoTime();
            long last = submit(ring, Command.fill(24, 24, 272, 86, 0x101828), commands);
            int cell = 9;
            int left = 24 + (272 - (LETTERS.length * 6 - 1) * cell) / 2;
            for (int letter = 0; letter < LETTERS.length; letter++) {
                int colour = new int[] {0xFFB000, 0xFF6A00, 0x34D399, 0x60A5FA}[letter];
                for (int row = 0; row < 5; row++) {
                    String line = LETTERS[letter][row];
                    for (int col = 0; col < 5; col++) {
                        if (line.charAt(col) == '#') { // one FILL per run of filled cells
                            int run = col;
                            while (run < 5 && line.charAt(run) == '#') {
                                run++;
                            }
                            last = submit(ring, Command.fill(left + (letter * 6 + col) * cell, 44 + row * cell,
                                    (run - col) * cell, cell, colour), commands);
                            col = run;
                        }
                    }
                }
            }
            // 3. a row of squares, filled once and copied twice by the device
            for (int i = 0; i < 8; i++) {
                int colour = Color.hue(i / 8.0);
                last = submit(ring, Command.fill(24 + i * 34, 124, 28, 28, colour), commands);
            }
            last = submit(ring, Command.copy(24, 124, 24, 158, 272, 14), commands);
            last = submit(ring, Command.copy(24 + 136, 124, 24, 176, 136, 14), commands);
            ring.awaitCompletionByInterrupt(last, TIMEOUT);
            System.out.printf("device: %d commands completed in order in %.1f ms (%s)%n", last + 1,
                    (System.nanoTime() - start) / 1e6, commands);

            // 4. present: the device writes the frame as a PNG
            int frame = driver.present(TIMEOUT);
            Path png = frames.resolve(FramebufferDevice.frameFileName(frame));
            Path target = out.resolve("device-framebuffer.png");
            Files.copy(png, target, StandardCopyOption.REPLACE_EXISTING);
            System.out.printf("PRESENT: the device wrote frame %d as %s (%d bytes), copied to %s%n", frame,
                    png.getFileName(), Files.size(png), target.getFileName());
        } finally {
            try (var files = Files.list(frames)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
            Files.delete(frames);
        }
    }

    private static long submit(CommandRing ring, Command command, Map<String, Integer> counts) {
        counts.merge(command.toString().split(" ")[0], 1, Integer::sum);
        return ring.submit(command, TIMEOUT);
    }

    /** Colours of the squares. */
    private static final class Color {
        static int hue(double h) {
            return java.awt.Color.HSBtoRGB((float) h, 0.7f, 0.95f) & 0xFFFFFF;
        }
    }
}
