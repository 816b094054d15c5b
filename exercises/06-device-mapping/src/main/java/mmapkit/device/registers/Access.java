package mmapkit.device.registers;

/**
 * What a driver may do with a device register. The device's data sheet fixes it for every register,
 * and on real hardware breaking it is not an error the hardware reports: a write to a read-only
 * register is silently dropped, a read of a write-only one returns garbage (or has a side effect).
 * The register API refuses both instead.
 */
public enum Access {
    /** Read-only: identification, geometry, counters the device keeps. Writing is refused. */
    RO,
    /** Read-write: a plain register such as CONTROL; a write replaces the value. */
    RW,
    /**
     * Write-one-to-clear: status bits the device sets. Writing a value clears exactly the bits that
     * are 1 in it and leaves the others; writing 0 changes nothing. A driver can therefore
     * acknowledge one event without losing another that the device raised meanwhile.
     */
    W1C,
    /** Write-only: a doorbell; reading it is refused (on hardware it reads as garbage or 0). */
    WO
}
