package mmapkit.device.fb;

/**
 * The device is not what the driver expects (another ID, an unsupported version, geometry that
 * does not fit in BAR0), or it reported an error. A driver that goes on after such a mismatch
 * writes registers of a device it does not know: it stops instead, and says what it found.
 */
public class DeviceException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public DeviceException(String message) {
        super(message);
    }
}
