package mmapkit.faults.sim;

/**
 * Argument checks whose messages name the argument, its value and the rule, as in
 * {@code "frameCount 0 must be positive"}. Given code: use it in your solutions.
 */
final class Checks {

    private Checks() {
    }

    /** Refuses zero and negative values: {@code "frameCount 0 must be positive"}. */
    static int positive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " " + value + " must be positive");
        }
        return value;
    }

    /** Refuses a negative value: {@code "page -1 must not be negative"}. */
    static int notNegative(String name, int value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " " + value + " must not be negative");
        }
        return value;
    }

    /** Refuses a value outside {@code [0, count)}: {@code "frame 3 must be in 0..2"}. */
    static int index(String name, int value, int count) {
        if (value < 0 || value >= count) {
            throw new IllegalArgumentException(name + " " + value + " must be in 0.." + (count - 1));
        }
        return value;
    }

    /** Refuses a probability outside {@code [0, 1]} (and NaN). */
    static double probability(String name, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(name + " " + value + " must be a probability in [0, 1]");
        }
        return value;
    }
}
