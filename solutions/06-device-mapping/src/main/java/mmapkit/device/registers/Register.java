package mmapkit.device.registers;

import java.util.Objects;

/**
 * One device register as the data sheet describes it: its name, its offset in the register block,
 * its width in bits and its access mode. A register is accessed only at its full width, at an offset
 * aligned to that width: a device decodes the address and the size of every access, and a 32-bit
 * register read as two 16-bit halves, or at an odd address, is on most buses a different access (or
 * a bus error), not the same one done slowly.
 *
 * @param name          the data sheet's name, such as "STATUS"
 * @param offset        bytes from the start of the register block, a multiple of {@code width / 8}
 * @param width         32 or 64
 * @param access        what a driver may do with it
 * @param readOnlyBits  bits of a {@link Access#W1C} or {@link Access#RW} register that only the
 *                      device may change (such as STATUS.READY): writing 1 to them is refused
 */
public record Register(String name, long offset, int width, Access access, long readOnlyBits) {

    /**
     * Checks the description.
     *
     * @throws IllegalArgumentException for a blank name, a width other than 32 or 64, a negative
     *                                  offset or one that is not a multiple of the width in bytes, or
     *                                  read-only bits outside the width; the message names the value
     */
    public Register {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(access, "access");
        // SOLUTION-BEGIN 06.4
        if (name.isBlank()) {
            throw new IllegalArgumentException("name \"" + name + "\" must not be blank");
        }
        if (width != 32 && width != 64) {
            throw new IllegalArgumentException("width " + width + " of register " + name + " must be 32 or 64 bits");
        }
        if (offset < 0 || offset % (width / 8) != 0) {
            throw new IllegalArgumentException("offset " + offset + " (0x" + Long.toHexString(offset)
                    + ") of register " + name + " must be a non-negative multiple of its width, " + width / 8 + " bytes");
        }
        if (width == 32 && (readOnlyBits >>> 32) != 0) {
            throw new IllegalArgumentException("readOnlyBits 0x" + Long.toHexString(readOnlyBits) + " of register "
                    + name + " do not fit in its 32 bits");
        }
        // SOLUTION-STUB
        // // TODO 06.4: refuse a blank name, a width other than 32 or 64, an unaligned offset (see hint 06.4)
        // SOLUTION-END
    }

    /** A register whose bits are all the driver's to write (as its access mode allows). */
    public Register(String name, long offset, int width, Access access) {
        this(name, offset, width, access, 0);
    }

    /** The width in bytes: 4 or 8. */
    public int bytes() {
        return width / 8;
    }

    /** "STATUS (0x024)", as messages name a register. */
    public String label() {
        return String.format("%s (0x%03x)", name, offset);
    }
}
