package mmapkit.device.special;

import mmapkit.device.natives.MemfdCalls;

import java.util.Collection;
import java.util.EnumSet;
import java.util.Set;

/**
 * The seals a {@link Memfd} can carry: promises about the file that the kernel enforces for every
 * process that has it, and that can never be taken back. A receiver that finds
 * {@link #WRITE}, {@link #SHRINK} and {@link #SEAL} on a buffer someone sent it may map and read it
 * without copying it first: nobody can change it, cut it short (which would raise SIGBUS in the
 * reader) or unseal it any more.
 */
public enum Seal {

    /** {@code F_SEAL_SEAL}: no more seals may be added. */
    SEAL(MemfdCalls.F_SEAL_SEAL),
    /** {@code F_SEAL_SHRINK}: the file may not become smaller. */
    SHRINK(MemfdCalls.F_SEAL_SHRINK),
    /** {@code F_SEAL_GROW}: the file may not become larger. */
    GROW(MemfdCalls.F_SEAL_GROW),
    /** {@code F_SEAL_WRITE}: the contents may not change (no write(2), no writable shared mapping). */
    WRITE(MemfdCalls.F_SEAL_WRITE),
    /** {@code F_SEAL_FUTURE_WRITE}: like WRITE, but writable shared mappings that exist keep working. */
    FUTURE_WRITE(MemfdCalls.F_SEAL_FUTURE_WRITE);

    private final int bit;

    Seal(int bit) {
        this.bit = bit;
    }

    /** The {@code F_SEAL_*} bit, such as 8 for {@link #WRITE}. */
    public int bit() {
        return bit;
    }

    /** The C name, such as {@code F_SEAL_WRITE}. */
    public String cName() {
        return MemfdCalls.sealNames(bit);
    }

    /** The bits of several seals together, as {@code fcntl(fd, F_ADD_SEALS, bits)} takes them. */
    public static int bits(Collection<Seal> seals) {
        int bits = 0;
        for (Seal seal : seals) {
            bits |= seal.bit;
        }
        return bits;
    }

    /**
     * The seals whose bits are set in {@code bits}, as {@code fcntl(fd, F_GET_SEALS)} returns them.
     * Bits this enum does not know (a newer kernel's, such as {@code F_SEAL_EXEC}) are left out.
     */
    public static Set<Seal> of(int bits) {
        EnumSet<Seal> seals = EnumSet.noneOf(Seal.class);
        for (Seal seal : values()) {
            if ((bits & seal.bit) != 0) {
                seals.add(seal);
            }
        }
        return seals;
    }
}
