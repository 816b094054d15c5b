package mmapkit.mapping;

/**
 * Argument checks whose messages name the argument, its value and the rule, as in
 * {@code "offset -1 must not be negative"}. Given code: use it in your solutions.
 */
final class Arguments {

    private Arguments() {
    }

    /** Refuses a negative value: {@code "offset -1 must not be negative"}. */
    static long notNegative(String name, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " " + value + " must not be negative");
        }
        return value;
    }

    /** Refuses zero and negative values: {@code "length 0 must be positive"}. */
    static long positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " " + value + " must be positive");
        }
        return value;
    }

    /** Refuses a range whose end does not fit in a long. */
    static long end(long offset, long length) {
        if (offset > Long.MAX_VALUE - length) {
            throw new IllegalArgumentException("offset " + offset + " + length " + length
                    + " must not exceed " + Long.MAX_VALUE);
        }
        return offset + length;
    }
}
