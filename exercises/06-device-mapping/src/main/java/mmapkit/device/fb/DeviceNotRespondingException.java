package mmapkit.device.fb;

import mmapkit.device.registers.Register;
import mmapkit.device.registers.RegisterTimeoutException;

import java.time.Duration;

/**
 * The device did not do what the driver waited for: it is frozen (alive, but it stopped answering),
 * or its process is gone. The message names what was awaited, the registers' last values, the
 * timeout and which of the two it is, as in "device did not complete command 3 within 500 ms
 * (COMPLETED stayed 3, IRQ_COUNT stayed 3); the device process 4242 is alive but does not answer".
 * A real driver has the same two cases: hardware that hangs, and hardware that was unplugged (on
 * PCI its registers then read as all ones).
 */
public final class DeviceNotRespondingException extends RegisterTimeoutException {

    private static final long serialVersionUID = 1L;

    private final boolean deviceGone;

    public DeviceNotRespondingException(String message, Register register, long lastValue, Duration timeout,
            boolean deviceGone) {
        super(message, register, lastValue, timeout);
        this.deviceGone = deviceGone;
    }

    /** Whether the device's process no longer exists (rather than being alive and silent). */
    public boolean deviceGone() {
        return deviceGone;
    }
}
