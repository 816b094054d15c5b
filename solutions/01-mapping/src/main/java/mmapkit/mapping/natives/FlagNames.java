package mmapkit.mapping.natives;

import java.util.StringJoiner;

/**
 * Names the bits of a flags argument the way C source writes them, {@code MAP_PRIVATE|MAP_ANONYMOUS},
 * for the messages of calls that failed or were refused. Bits without a name stay in the text as a
 * hexadecimal rest, so a message never hides a bit the caller passed.
 *
 * {@snippet :
 * FlagNames.of(0x22)
 *         .value(MAP_TYPE, MAP_PRIVATE, "MAP_PRIVATE")
 *         .flag(MAP_ANONYMOUS, "MAP_ANONYMOUS")
 *         .text();                                  // "MAP_PRIVATE|MAP_ANONYMOUS"
 * }
 *
 * <p>Every binding of the kit (mmap, msync, memfd and its seals) names its flags through this class.
 */
public final class FlagNames {

    private final StringJoiner names = new StringJoiner("|");
    private int rest;

    private FlagNames(int bits) {
        this.rest = bits;
    }

    /** Starts naming {@code bits}; name each flag with {@link #flag} or {@link #value}, in the order to print. */
    public static FlagNames of(int bits) {
        return new FlagNames(bits);
    }

    /** Names {@code flag} (one bit, or several that go together) when all its bits are set. */
    public FlagNames flag(int flag, String name) {
        if (flag != 0 && (rest & flag) == flag) {
            names.add(name);
            rest &= ~flag;
        }
        return this;
    }

    /**
     * Names a value of a field of several bits, such as the mapping type {@code MAP_TYPE}: {@code name}
     * when the bits under {@code mask} are exactly {@code value}.
     */
    public FlagNames value(int mask, int value, String name) {
        if ((rest & mask) == value && (value & ~mask) == 0 && value != 0) {
            names.add(name);
            rest &= ~mask;
        }
        return this;
    }

    /** The names joined by {@code |}, then any unnamed bits in hexadecimal; {@code "0"} when no bit is set. */
    public String text() {
        return text("0");
    }

    /** As {@link #text()}, with {@code none} when no bit is set ({@code "PROT_NONE"}). */
    public String text(String none) {
        StringJoiner all = new StringJoiner("|").setEmptyValue(none);
        if (names.length() > 0) {
            all.add(names.toString());
        }
        if (rest != 0) {
            all.add("0x" + Integer.toHexString(rest));
        }
        return all.toString();
    }

    @Override
    public String toString() {
        return text();
    }
}
