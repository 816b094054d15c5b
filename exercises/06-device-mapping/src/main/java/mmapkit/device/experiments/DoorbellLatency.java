package mmapkit.device.experiments;

import mmapkit.device.fb.Command;
import mmapkit.device.fb.CommandRing;
import mmapkit.device.fb.FramebufferDriver;
import mmapkit.device.fb.FramebufferRegisters;
import mmapkit.device.registers.RegisterBlock;
import mmapkit.device.sim.FramebufferDevice;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/**
 * Experiment: how long from the doorbell to the completion the driver sees, for NOP commands
 * (so only the ring itself is measured), one command at a time, in three ways:
 *
 * <ul>
 * <li><b>spin</b>: the driver polls COMPLETED in a tight loop, the device is busy polling the
 *     doorbell (commands follow each other within its spin window);</li>
 * <li><b>futex</b>: the driver sleeps on IRQ_COUNT ({@code futex}) until the device's "interrupt"
 *     wakes it;</li>
 * <li><b>idle device</b>: the driver spins, but waits 2 ms between commands, so the device has gone
 *     from spinning to parking and must wake first.</li>
 * </ul>
 *
 * Each after a warm-up; the figures are the distribution of the samples in microseconds.
 *
 * <pre>
 * java mmapkit.device.experiments.DoorbellLatency [SAMPLES]
 * </pre>
 */
public final class DoorbellLatency {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private DoorbellLatency() {
    }

    public static void main(String[] args) throws Exception {
        int samples = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        Path frames = Files.createTempDirectory("mmapkit-frames-");
        try (DeviceProcess device = DeviceProcess.start(frames)) {
            FramebufferDriver driver = device.driver();
            driver.bringUp(true, TIMEOUT);
            CommandRing ring = driver.ring();
            RegisterBlock registers = driver.registers();
            System.out.printf("doorbell-to-completion latency of NOP commands, one at a time (device: spins %d us"
                    + " after its last command, then parks %d us at a time)%n",
                    FramebufferDevice.SPIN_NANOS / 1000, FramebufferDevice.IDLE_PARK_NANOS / 1000);
            System.out.printf("%-12s %8s %8s %8s %8s %8s %8s%n", "driver waits", "samples", "min", "median", "p99",
                    "p99.9", "max");
            spin(ring, registers, samples, 0); // warm-up of both sides, not printed
            futex(ring, samples / 2);
            print("spin", spin(ring, registers, samples, 0));
            print("futex", futex(ring, samples));
            print("idle device", spin(ring, registers, Math.max(100, samples / 20), 2_000_000));
            System.out.println("(microseconds; 'spin' and 'idle device' poll COMPLETED, 'futex' sleeps on IRQ_COUNT)");
        } finally {
            try (var files = Files.list(frames)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
            Files.delete(frames);
        }
    }

    // tag::spin-sample[]
    private static long[] spin(CommandRing ring, RegisterBlock registers, int samples, long gapNanos)
            throws InterruptedException {
        long[] nanos = new long[samples];
        for (int i = 0; i < samples; i++) {
            if (gapNanos > 0) {
                Thread.sleep(Duration.ofNanos(gapNanos));
            }
            long start = System.nanoTime();
            long sequence = ring.submit(Command.nop(), TIMEOUT);        // descriptor, then DOORBELL
            while (registers.read(FramebufferRegisters.COMPLETED) <= sequence) {
                Thread.onSpinWait();                                     // poll COMPLETED
            }
            nanos[i] = System.nanoTime() - start;
        }
        return nanos;
    }
    // end::spin-sample[]

    private static long[] futex(CommandRing ring, int samples) {
        long[] nanos = new long[samples];
        for (int i = 0; i < samples; i++) {
            long start = System.nanoTime();
            long sequence = ring.submit(Command.nop(), TIMEOUT);
            ring.awaitCompletionByInterrupt(sequence, TIMEOUT);         // sleep on IRQ_COUNT
            nanos[i] = System.nanoTime() - start;
        }
        return nanos;
    }

    private static void print(String name, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        System.out.printf("%-12s %8d %8.1f %8.1f %8.1f %8.1f %8.1f%n", name, sorted.length, sorted[0] / 1e3,
                at(sorted, 0.5), at(sorted, 0.99), at(sorted, 0.999), sorted[sorted.length - 1] / 1e3);
    }

    private static double at(long[] sorted, double quantile) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(quantile * sorted.length) - 1)] / 1e3;
    }
}
