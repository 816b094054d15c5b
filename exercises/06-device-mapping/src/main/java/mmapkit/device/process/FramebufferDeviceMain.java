package mmapkit.device.process;

import mmapkit.device.sim.DeviceLayout;
import mmapkit.device.sim.FramebufferDevice;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A child program: the simulated framebuffer device in a process of its own. It creates BAR0 in
 * {@code FILE}, prints {@code ready PID} and serves the driver until its lifetime is over or its
 * parent is gone; then it deletes {@code FILE} and prints why it stopped.
 *
 * <pre>
 * java mmapkit.device.process.FramebufferDeviceMain FILE FRAMES_FOLDER [width=320] [height=200]
 *      [ring=64] [freeze-after=N] [lifetime=SECONDS]
 * </pre>
 *
 * {@code freeze-after=N} makes the device stop answering after N commands while it stays alive: a
 * device that hangs, for the tests of a driver's timeouts.
 */
public final class FramebufferDeviceMain {

    private FramebufferDeviceMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            throw new IllegalArgumentException("usage: FramebufferDeviceMain FILE FRAMES_FOLDER [width=W] [height=H]"
                    + " [ring=N] [freeze-after=N] [lifetime=SECONDS]");
        }
        System.setProperty("java.awt.headless", "true");
        int width = DeviceLayout.DEFAULT_WIDTH;
        int height = DeviceLayout.DEFAULT_HEIGHT;
        int ring = DeviceLayout.DEFAULT_RING_ENTRIES;
        long freezeAfter = -1;
        long lifetime = 60;
        for (int i = 2; i < args.length; i++) {
            String[] option = args[i].split("=", 2);
            if (option.length != 2) {
                throw new IllegalArgumentException("option " + args[i] + " must be NAME=VALUE");
            }
            switch (option[0]) {
                case "width" -> width = Integer.parseInt(option[1]);
                case "height" -> height = Integer.parseInt(option[1]);
                case "ring" -> ring = Integer.parseInt(option[1]);
                case "freeze-after" -> freezeAfter = Long.parseLong(option[1]);
                case "lifetime" -> lifetime = Long.parseLong(option[1]);
                default -> throw new IllegalArgumentException("unknown option " + option[0]);
            }
        }
        FramebufferDevice.Options options = new FramebufferDevice.Options(width, height, ring, freezeAfter,
                Duration.ofSeconds(lifetime), Path.of(args[1]));
        try (FramebufferDevice device = FramebufferDevice.create(Path.of(args[0]), options)) {
            System.out.println("ready " + ProcessHandle.current().pid());
            String why = device.run();
            System.out.println("stopped: " + why);
        }
    }
}
