package mmapkit.device.registers;

import java.time.Duration;

/**
 * A bounded poll of a register ended without the device doing what was expected: the message says
 * which register, what was expected, the last value seen and the timeout, as in "device did not set
 * STATUS.READY within 500 ms (STATUS was 0x00000000)". A driver never waits for a device without a
 * timeout: hardware that hangs, or was unplugged, must not hang the program with it.
 */
public class RegisterTimeoutException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Register register;
    private final long lastValue;
    private final Duration timeout;

    /**
     * @param register    the register polled
     * @param expectation what was waited for, as in "set bits 0x00000001 of STATUS" or "clear CONTROL.RESET"
     * @param lastValue   the last value read
     * @param timeout     the timeout that passed
     */
    public RegisterTimeoutException(Register register, String expectation, long lastValue, Duration timeout) {
        super("device did not " + expectation + " within " + format(timeout) + " (" + register.name() + " was "
                + hex(register, lastValue) + ")");
        this.register = register;
        this.lastValue = lastValue;
        this.timeout = timeout;
    }

    /**
     * For subclasses that explain more than a register value, such as a device that is gone.
     */
    protected RegisterTimeoutException(String message, Register register, long lastValue, Duration timeout) {
        super(message);
        this.register = register;
        this.lastValue = lastValue;
        this.timeout = timeout;
    }

    /** The register polled. */
    public Register register() {
        return register;
    }

    /** The last value read from it. */
    public long lastValue() {
        return lastValue;
    }

    /** The timeout that passed. */
    public Duration timeout() {
        return timeout;
    }

    /** A value as hexadecimal digits of the register's width: 0x00000001. */
    public static String hex(Register register, long value) {
        return register.width() == 32 ? String.format("0x%08x", value & 0xFFFFFFFFL) : String.format("0x%016x", value);
    }

    /** A duration as people write it: "500 ms", "2 s", "150 us". */
    public static String format(Duration duration) {
        long nanos = duration.toNanos();
        if (nanos % 1_000_000_000L == 0) {
            return nanos / 1_000_000_000L + " s";
        }
        if (nanos % 1_000_000L == 0) {
            return nanos / 1_000_000L + " ms";
        }
        return nanos / 1_000L + " us";
    }
}
