package mmapkit.device.fb;

import static mmapkit.device.fb.FramebufferRegisters.*;
import static mmapkit.device.sim.DeviceLayout.*;

import mmapkit.device.registers.RegisterBlock;
import mmapkit.device.registers.RegisterTimeoutException;
import mmapkit.ipc.Deadline;
import mmapkit.ipc.natives.FutexCalls;

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
        // SOLUTION-BEGIN 06.6
        long sequence = nextSequence;
        long head = registers.read(RING_HEAD);
        if (sequence - head >= entries) { // full: the slot still holds a command the device has not taken
            long needed = sequence - entries;
            registers.awaitValue(RING_HEAD, value -> value > needed,
                    "free a ring slot (RING_HEAD > " + needed + ")", timeout);
        }
        int slot = (int) (sequence % entries);
        MemorySegment descriptor = descriptor(slot);
        descriptor.fill((byte) 0);
        descriptor.set(INT, DESC_OPCODE, command.opcode());
        descriptor.set(LONG, DESC_SEQUENCE, sequence);
        descriptor.set(INT, DESC_X, command.x());
        descriptor.set(INT, DESC_Y, command.y());
        descriptor.set(INT, DESC_WIDTH, command.width());
        descriptor.set(INT, DESC_HEIGHT, command.height());
        descriptor.set(INT, DESC_SRC_X, command.srcX());
        descriptor.set(INT, DESC_SRC_Y, command.srcY());
        descriptor.set(INT, DESC_COLOUR, command.colour());
        descriptor.set(INT, DESC_RESULT, RESULT_PENDING);
        inFlight[slot] = command;
        nextSequence = sequence + 1;
        registers.write(DOORBELL, nextSequence); // release: the device sees the descriptor with it
        return sequence;
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 06.6: wait for room, fill the slot, then the doorbell (see hint 06.6)");
        // SOLUTION-END
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
        // SOLUTION-BEGIN 06.6
        requireSubmitted(sequence);
        registers.awaitValue(COMPLETED, value -> value > sequence,
                "complete command " + sequence + " (COMPLETED > " + sequence + ")", timeout);
        checkResult(sequence);
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 06.6: await COMPLETED > sequence, then read the result (see hint 06.6)");
        // SOLUTION-END
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
        // SOLUTION-BEGIN 06.7
        requireInterrupts();
        Deadline deadline = Deadline.after(timeout);
        while (true) { // bounded: by the deadline
            long count = registers.read(IRQ_COUNT);
            if (count != seen) {
                return count;
            }
            requireDeviceAlive("raise an interrupt (IRQ_COUNT != " + seen + ")", IRQ_COUNT, count, timeout);
            long left = deadline.remainingNanos();
            if (left <= 0) {
                throw notResponding("raise an interrupt within " + RegisterTimeoutException.format(timeout)
                        + " (IRQ_COUNT stayed " + count + ")", IRQ_COUNT, count, timeout);
            }
            FutexCalls.futexWait(registers.address(IRQ_COUNT), (int) seen, Math.min(left, MAX_SLEEP_NANOS));
        }
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 06.7: futex-wait on IRQ_COUNT, bounded, checking the device (see hint 06.7)");
        // SOLUTION-END
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
        // SOLUTION-BEGIN 06.7
        requireSubmitted(sequence);
        requireInterrupts();
        Deadline deadline = Deadline.after(timeout);
        while (true) { // bounded: by the deadline
            long irq = registers.read(IRQ_COUNT);         // first the interrupt count,
            long completed = registers.read(COMPLETED);   // then the completions it counts
            if (completed > sequence) {
                break;
            }
            long left = deadline.remainingNanos();
            if (left <= 0) {
                throw notResponding("complete command " + sequence + " within "
                        + RegisterTimeoutException.format(timeout) + " (COMPLETED stayed " + completed
                        + ", IRQ_COUNT stayed " + irq + ")", COMPLETED, completed, timeout);
            }
            try {
                awaitInterrupt(irq, Duration.ofNanos(left));
            } catch (DeviceNotRespondingException e) {
                if (e.deviceGone()) { // say which command will never complete
                    throw new DeviceNotRespondingException("device process " + device.map(ProcessHandle::pid).orElse(-1L)
                            + " is gone: command " + sequence + " will never complete (COMPLETED is " + completed
                            + ", IRQ_COUNT is " + irq + ")", COMPLETED, completed, timeout, true);
                } // else: the loop reports the command, not the interrupt
            }
        }
        checkResult(sequence);
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 06.7: irq, then COMPLETED, then sleep on irq (see hint 06.7)");
        // SOLUTION-END
    }

    // SOLUTION-BEGIN 06.6
    private void requireSubmitted(long sequence) {
        if (sequence < 0 || sequence >= nextSequence) {
            throw new IllegalArgumentException("sequence " + sequence + " was never submitted: commands 0.."
                    + (nextSequence - 1) + " were");
        }
    }

    private void checkResult(long sequence) {
        int slot = (int) (sequence % entries);
        MemorySegment descriptor = descriptor(slot);
        long found = descriptor.get(LONG, DESC_SEQUENCE);
        if (found != sequence) {
            throw new IllegalStateException("command " + sequence + " is too old: its slot " + slot + " now holds command "
                    + found + "; wait for a command before submitting " + entries + " more");
        }
        if (descriptor.get(INT, DESC_RESULT) == RESULT_ERROR) {
            int error = descriptor.get(INT, DESC_ERROR);
            registers.write(STATUS, STATUS_ERROR); // W1C: acknowledge this error, nothing else
            throw new CommandFailedException(sequence, inFlight[slot], error);
        }
    }
    // SOLUTION-END

    // SOLUTION-BEGIN 06.7
    private void requireInterrupts() {
        if ((registers.read(CONTROL) & CONTROL_INTERRUPTS) == 0) {
            throw new IllegalStateException("CONTROL.INTERRUPTS is off: the device never counts IRQ_COUNT, a sleep on it"
                    + " would only end by its timeout; bring the device up with interrupts");
        }
    }

    private void requireDeviceAlive(String what, mmapkit.device.registers.Register register, long last,
            Duration timeout) {
        if (device.isPresent() && !device.get().isAlive()) {
            throw new DeviceNotRespondingException("device process " + device.get().pid() + " is gone: it will never "
                    + what + "; " + register.name() + " is " + last, register, last, timeout, true);
        }
    }

    private DeviceNotRespondingException notResponding(String what, mmapkit.device.registers.Register register,
            long last, Duration timeout) {
        String state = device.map(d -> d.isAlive() ? "; the device process " + d.pid() + " is alive but does not answer"
                : "; the device process " + d.pid() + " is gone").orElse("");
        boolean gone = device.isPresent() && !device.get().isAlive();
        return new DeviceNotRespondingException("device did not " + what + state, register, last, timeout, gone);
    }
    // SOLUTION-END
}
