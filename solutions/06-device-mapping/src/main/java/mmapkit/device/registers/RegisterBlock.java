package mmapkit.device.registers;

import mmapkit.ipc.Deadline;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongPredicate;

/**
 * The only way the driver touches device registers: every access at the register's width, in the
 * access mode the data sheet gives it, with a defined memory order, and every wait bounded.
 *
 * <ul>
 * <li>{@link #read} is an <em>acquire</em> load: what the device wrote before it updated the
 *     register (a descriptor's result before COMPLETED, pixels before FRAMES) is visible after it.</li>
 * <li>{@link #write} is a <em>release</em> store: what the driver wrote before it (descriptors
 *     before the DOORBELL) is visible to the device once it sees the new value. A W1C register is
 *     written as an atomic {@code getAndBitwiseAnd(~value)}: it clears exactly the bits that are 1
 *     in {@code value}, never a bit the device set in between.</li>
 * <li>{@link #awaitBits} and {@link #awaitValue} poll: a short spin (a device usually answers in
 *     microseconds), then parks of growing length, until the deadline; then a
 *     {@link RegisterTimeoutException} that says what was expected and what was seen.</li>
 * </ul>
 *
 * <p>On real hardware the mapping would be uncached ({@code pgprot_noncached}) and the JIT would
 * have to emit exactly one load or store per access. Java's var handles in these modes give exactly
 * one access of the right width, never torn, never merged or cached in a register, which is what a
 * C driver gets from {@code readl}/{@code writel}.
 */
public final class RegisterBlock {

    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    /** Polls spin this many times before they start to park. */
    static final int SPINS = 2_000;
    /** The longest park between two polls. */
    static final long MAX_PARK_NANOS = 1_000_000;

    private final MemorySegment block;

    /**
     * A register block over {@code block}, the mapped registers (normally the first 4 KiB of BAR0).
     *
     * @throws IllegalArgumentException for a heap segment or one that is not 8-byte aligned
     */
    public RegisterBlock(MemorySegment block) {
        Objects.requireNonNull(block, "block");
        if (!block.isNative() || block.address() % 8 != 0) {
            throw new IllegalArgumentException("block at 0x" + Long.toHexString(block.address())
                    + " must be native memory aligned to 8 bytes");
        }
        this.block = block;
    }

    /** The mapped registers. */
    public MemorySegment segment() {
        return block;
    }

    /**
     * The address of a register in this process, for a futex wait on a 32-bit counter register.
     *
     * @throws IllegalArgumentException when the register lies outside the block
     */
    public long address(Register register) {
        requireInside(register);
        return block.address() + register.offset();
    }

    /**
     * Reads a register with an acquire load, at its width; a 32-bit value is returned as an unsigned
     * number (0 to 0xFFFFFFFF).
     *
     * @throws IllegalArgumentException when the register is write-only ("register DOORBELL (0x030) is
     *                                  write-only") or lies outside the block
     */
    public long read(Register register) {
        // SOLUTION-BEGIN 06.4
        requireInside(register);
        if (register.access() == Access.WO) {
            throw new IllegalArgumentException("register " + register.label() + " is write-only: reading it"
                    + " returns nothing a driver can use");
        }
        if (register.width() == 32) {
            return Integer.toUnsignedLong((int) INT.getAcquire(block, register.offset()));
        }
        return (long) LONG.getAcquire(block, register.offset());
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 06.4: refuse WO, then an acquire load at the width (see hint 06.4)");
        // SOLUTION-END
    }

    /**
     * Writes a register with a release store at its width; for a {@link Access#W1C} register, clears
     * exactly the bits that are 1 in {@code value} with one atomic read-modify-write.
     *
     * @throws IllegalArgumentException when the register is read-only ("register ID (0x000) is
     *                                  read-only"), the value does not fit in its width ("value
     *                                  0x100000000 does not fit in the 32 bits of CONTROL (0x020)"), it
     *                                  sets one of the register's read-only bits, or the register lies
     *                                  outside the block
     */
    public void write(Register register, long value) {
        // SOLUTION-BEGIN 06.4
        requireInside(register);
        if (register.access() == Access.RO) {
            throw new IllegalArgumentException("register " + register.label() + " is read-only: only the device"
                    + " changes it");
        }
        if (register.width() == 32 && (value >>> 32) != 0) {
            throw new IllegalArgumentException("value 0x" + Long.toHexString(value) + " does not fit in the 32 bits of "
                    + register.label());
        }
        if ((value & register.readOnlyBits()) != 0) {
            throw new IllegalArgumentException("value 0x" + Long.toHexString(value) + " writes read-only bit(s) 0x"
                    + Long.toHexString(value & register.readOnlyBits()) + " of " + register.label());
        }
        if (register.access() == Access.W1C) {
            if (register.width() == 32) {
                INT.getAndBitwiseAndRelease(block, register.offset(), ~(int) value);
            } else {
                LONG.getAndBitwiseAndRelease(block, register.offset(), ~value);
            }
            return;
        }
        if (register.width() == 32) {
            INT.setRelease(block, register.offset(), (int) value);
        } else {
            LONG.setRelease(block, register.offset(), value);
        }
        // SOLUTION-STUB
        // throw new UnsupportedOperationException(
        //         "TODO 06.4: refuse RO and too wide values, W1C clears, else release store (see hint 06.4)");
        // SOLUTION-END
    }

    /**
     * Polls until every bit of {@code mask} is set in the register.
     *
     * @return the value that had them
     * @throws IllegalArgumentException  for a mask of 0 or one wider than the register
     * @throws RegisterTimeoutException  when the bits are not all set within {@code timeout}; the
     *                                   message names the register, the bits, the last value and the
     *                                   timeout: "device did not set bits 0x00000001 of STATUS within
     *                                   500 ms (STATUS was 0x00000000)"
     */
    public long awaitBits(Register register, long mask, Duration timeout) {
        // SOLUTION-BEGIN 06.4
        if (mask == 0 || (register.width() == 32 && (mask >>> 32) != 0)) {
            throw new IllegalArgumentException("mask 0x" + Long.toHexString(mask) + " must have bits, and only bits of the "
                    + register.width() + "-bit register " + register.label());
        }
        return awaitValue(register, value -> (value & mask) == mask,
                "set bits " + RegisterTimeoutException.hex(register, mask) + " of " + register.name(), timeout);
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 06.4: poll until the bits are set, bounded (see hint 06.4)");
        // SOLUTION-END
    }

    /**
     * Polls until {@code wanted} accepts the register's value: a short spin, then parks of growing
     * length (at most a millisecond), until {@code timeout}.
     *
     * @param expectation what the device should do, for the message: "clear CONTROL.RESET"
     * @return the accepted value
     * @throws RegisterTimeoutException "device did not {expectation} within {timeout} ({name} was {last})"
     */
    public long awaitValue(Register register, LongPredicate wanted, String expectation, Duration timeout) {
        Objects.requireNonNull(wanted, "wanted");
        Objects.requireNonNull(expectation, "expectation");
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout " + timeout + " must not be negative");
        }
        // SOLUTION-BEGIN 06.4
        Deadline deadline = Deadline.after(timeout);
        long park = 1_000;
        for (int i = 0; ; i++) { // bounded: by the deadline
            long value = read(register);
            if (wanted.test(value)) {
                return value;
            }
            long left = deadline.remainingNanos();
            if (left <= 0) {
                throw new RegisterTimeoutException(register, expectation, value, timeout);
            }
            if (i < SPINS) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(Math.min(park, left));
                park = Math.min(park * 2, MAX_PARK_NANOS);
            }
        }
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 06.4: spin, then park, until accepted or the deadline (see hint 06.4)");
        // SOLUTION-END
    }

    private void requireInside(Register register) {
        Objects.requireNonNull(register, "register");
        if (register.offset() + register.bytes() > block.byteSize()) {
            throw new IllegalArgumentException("register " + register.label() + " lies outside the register block of "
                    + block.byteSize() + " bytes");
        }
    }
}
