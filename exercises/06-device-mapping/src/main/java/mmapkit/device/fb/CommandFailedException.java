package mmapkit.device.fb;

import mmapkit.device.sim.DeviceLayout;

/**
 * The device completed a command with an error: its descriptor's result says ERROR, and its error
 * field (also in ERROR_CODE) says why, as in "command 4 (FILL 300,190 40x20 #ff0000) failed on the
 * device: OUT_OF_BOUNDS (2)".
 */
public final class CommandFailedException extends DeviceException {

    private static final long serialVersionUID = 1L;

    private final long sequence;
    private final int errorCode;

    public CommandFailedException(long sequence, Command command, int errorCode) {
        super("command " + sequence + " (" + command + ") failed on the device: " + DeviceLayout.errorName(errorCode)
                + " (" + errorCode + ")");
        this.sequence = sequence;
        this.errorCode = errorCode;
    }

    /** The sequence number of the command. */
    public long sequence() {
        return sequence;
    }

    /** The device's error code, one of {@code DeviceLayout.ERR_}. */
    public int errorCode() {
        return errorCode;
    }
}
