package mmapkit.device.fb;

import static mmapkit.device.sim.DeviceLayout.*;

import mmapkit.device.registers.Access;
import mmapkit.device.registers.Register;

/**
 * The register map of the framebuffer device, as {@link Register}s the driver passes to its
 * {@code RegisterBlock}: the data sheet ({@link mmapkit.device.sim.DeviceLayout}) turned into code.
 */
public final class FramebufferRegisters {

    private FramebufferRegisters() {
    }

    public static final Register ID = new Register("ID", REG_ID, 32, Access.RO);
    public static final Register VERSION = new Register("VERSION", REG_VERSION, 32, Access.RO);
    public static final Register WIDTH = new Register("WIDTH", REG_WIDTH, 32, Access.RO);
    public static final Register HEIGHT = new Register("HEIGHT", REG_HEIGHT, 32, Access.RO);
    public static final Register STRIDE = new Register("STRIDE", REG_STRIDE, 32, Access.RO);
    public static final Register RING_ENTRIES = new Register("RING_ENTRIES", REG_RING_ENTRIES, 32, Access.RO);
    public static final Register FB_OFFSET = new Register("FB_OFFSET", REG_FB_OFFSET, 32, Access.RO);
    public static final Register RING_OFFSET = new Register("RING_OFFSET", REG_RING_OFFSET, 32, Access.RO);
    public static final Register CONTROL = new Register("CONTROL", REG_CONTROL, 32, Access.RW);
    public static final Register STATUS = new Register("STATUS", REG_STATUS, 32, Access.W1C, STATUS_READY);
    public static final Register ERROR_CODE = new Register("ERROR_CODE", REG_ERROR_CODE, 32, Access.RO);
    public static final Register IRQ_COUNT = new Register("IRQ_COUNT", REG_IRQ_COUNT, 32, Access.RO);
    public static final Register DOORBELL = new Register("DOORBELL", REG_DOORBELL, 64, Access.WO);
    public static final Register RING_HEAD = new Register("RING_HEAD", REG_RING_HEAD, 64, Access.RO);
    public static final Register COMPLETED = new Register("COMPLETED", REG_COMPLETED, 64, Access.RO);
    public static final Register FRAMES = new Register("FRAMES", REG_FRAMES, 32, Access.RO);
    public static final Register ERROR_SEQUENCE = new Register("ERROR_SEQUENCE", REG_ERROR_SEQUENCE, 64, Access.RO);
}
