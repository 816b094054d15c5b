package mmapkit.device.fb;

import static mmapkit.device.fb.FramebufferRegisters.*;
import static mmapkit.device.sim.DeviceLayout.*;

import mmapkit.device.registers.RegisterBlock;
import mmapkit.device.registers.RegisterTimeoutException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The driver's side of the command ring: descriptors in device memory that the driver fills and the
 * device completes, in order.
 *
 * <p>The driver numbers its commands 0, 1, 2, ... (the <em>sequence</em>); command {@code n} goes
 * into slot {@code n % entries}. The ring is described by three counters that only grow:
 * the driver's tail ({@link #nextSequence()}, published through DOORBELL), RING_HEAD (descriptors the
 * device took) and COMPLETED (descriptors done). {@code tail - RING_HEAD} descriptors are in flight;
 * the ring is full when that is {@code entries}. Counters that never wrap (64 bits would need 584
 * years at a billion commands a second) make "full" and "empty" impossible to confuse.
 *
 * <p>The order of a submission: fill the descriptor with plain stores, then one release store of
 * the DOORBELL. The device's acquire load of the DOORBELL then sees the whole descriptor.
 */
public final class CommandRing {

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** The longest single futex sleep: between two sleeps the driver checks that the device lives. */
    static final long MAX_SLEEP_NANOS = 50_000_000;

    private final RegisterBlock registers;
    private final MemorySegment ring;
    private final int entries;
    private final Optional<ProcessHandle> device;
    private final Command[] inFlight;
    private long nextSequence;

    /**
     * A ring of {@code entries} descriptors in {@code ring}, driven through {@code registers}.
     *
     * @param device the device's process, if known: a wait that sees it gone ends at once
     * @throws IllegalArgumentException when {@code ring} is smaller than {@code entries} descriptors
     */
    public CommandRing(RegisterBlock registers, MemorySegment ring, int entries, Optional<ProcessHandle> device) {
        this.registers = Objects.requireNonNull(registers, "registers");
        this.ring = Objects.requireNonNull(ring, "ring");
        this.device = Objects.requireNonNull(device, "device");
        if (entries <= 0 || ring.byteSize() < (long) entries * DESCRIPTOR_SIZE) {
            throw new IllegalArgumentException("entries " + entries + " must be positive and fit in the ring of "
                    + ring.byteSize() + " bytes (" + DESCRIPTOR_SIZE + " per descriptor)");
        }
        this.entries = entries;
        this.inFlight = new Command[entries];
    }

    /** Descriptors in the ring. */
    public int entries() {
        return entries;
    }

    /** The sequence number the next submitted command gets (= commands submitted so far). */
    public long nextSequence() {
        return nextSequence;
    }

    /** The descriptor of slot {@code slot}, for tests and for the curious. */
    public MemorySegment descriptor(int slot) {
        Objects.checkIndex(slot, entries);
        return ring.asSlice((long) slot * DESCRIPTOR_SIZE, DESCRIPTOR_SIZE);
    }

    /**
     * Puts {@code command} into the next slot and rings the doorbell. When the ring is full it waits
     * (bounded) until the device takes a descriptor.
     *
     * @return the command's sequence number
     * @throws RegisterTimeoutException when the ring stays full for {@code timeout}: "device did not
     *                                  free a ring slot (RING_HEAD > 0) within 100 ms (RING_HEAD was
     *                                  0x0000000000000000)"; nothing was submitted then
     */
    public long submit(Command command, Duration timeout) {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(timeout, "timeout");
        // TODO 06.6 (see hint 06.6)
        throw new UnsupportedOperationException("TODO 06.6: wait for room, fill the slot, then the doorbell (see hint 06.6)");
    }

    /**
     * Waits (polling COMPLETED) until command {@code sequence} is completed, then checks its result.
     *
     * @throws IllegalArgumentException  for a sequence never submitted
     * @throws CommandFailedException    when the device completed it with an error (STATUS.ERROR is
     *                                   cleared then, by writing one to it)
     * @throws RegisterTimeoutException  when COMPLETED does not pass {@code sequence} in time
     * @throws IllegalStateException     when the slot already holds a later command: wait before
     *                                   submitting {@code entries} more
     */
    public void awaitCompletion(long sequence, Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        // TODO 06.6 (see hint 06.6)
        throw new UnsupportedOperationException("TODO 06.6: await COMPLETED > sequence, then read the result (see hint 06.6)");
    }

    /** Submits {@code command} and waits for its completion (polling), within {@code timeout} each. */
    public long submitAndWait(Command command, Duration timeout) {
        long sequence = submit(command, timeout);
        awaitCompletion(sequence, timeout);
        return sequence;
    }

    /**
     * Sleeps until the device raises an interrupt: until IRQ_COUNT is no longer {@code seen},
     * with {@code futex(FUTEX_WAIT)} on the register, never by spinning. Every 50 ms at most it wakes
     * to check that the device's process still exists.
     *
     * @return the new IRQ_COUNT
     * @throws IllegalStateException          when CONTROL.INTERRUPTS is off (nothing would ever wake it)
     * @throws DeviceNotRespondingException   when the count stays {@code seen} for {@code timeout}
     *                                        (message names IRQ_COUNT, its value and the timeout, and
     *                                        says the device is alive), or as soon as the device's
     *                                        process is gone (message says "gone")
     */
    public long awaitInterrupt(long seen, Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        // TODO 06.7 (see hint 06.7)
        throw new UnsupportedOperationException("TODO 06.7: futex-wait on IRQ_COUNT, bounded, checking the device (see hint 06.7)");
    }

    /**
     * As {@link #awaitCompletion}, but sleeping on interrupts instead of polling: read IRQ_COUNT, check
     * COMPLETED, and only if the command is not complete yet sleep until IRQ_COUNT changes. (In that
     * order no interrupt can be missed: the device updates COMPLETED before it counts the interrupt.)
     *
     * @throws DeviceNotRespondingException "device did not complete command 3 within 500 ms (COMPLETED
     *                                      stayed 3, IRQ_COUNT stayed 3); the device process 4242 is
     *                                      alive but does not answer", or at once when it is gone
     * @throws CommandFailedException       as {@link #awaitCompletion}
     * @throws IllegalStateException        when CONTROL.INTERRUPTS is off
     */
    public void awaitCompletionByInterrupt(long sequence, Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        // TODO 06.7 (see hint 06.7)
        throw new UnsupportedOperationException("TODO 06.7: irq, then COMPLETED, then sleep on irq (see hint 06.7)");
    }


}
