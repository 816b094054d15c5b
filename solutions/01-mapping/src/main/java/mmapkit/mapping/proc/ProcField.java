package mmapkit.mapping.proc;

import java.util.Optional;

/**
 * One {@code Name: value} line of a /proc file such as {@code /proc/self/status}
 * ({@code VmRSS:\t  10240 kB}), {@code /proc/self/smaps} ({@code Rss:  4 kB}) or
 * {@code /proc/meminfo}.
 *
 * @param name  the text before the first colon, such as {@code VmRSS}
 * @param value the text after it, stripped, such as {@code 10240 kB}
 */
public record ProcField(String name, String value) {

    /** A line {@code Name: value}; empty when the line has no colon or no name. */
    public static Optional<ProcField> parse(String line) {
        // SOLUTION-BEGIN 01.2
        int colon = line.indexOf(':');
        if (colon <= 0) {
            return Optional.empty();
        }
        String name = line.substring(0, colon).strip();
        return name.isEmpty() ? Optional.empty() : Optional.of(new ProcField(name, line.substring(colon + 1).strip()));
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 01.2: split a 'Name: value' line (see hint 01.2)");
        // SOLUTION-END
    }

    /**
     * The value as a number of bytes: {@code 10240 kB} is 10485760 (the kernel's "kB" is 1024
     * bytes), and a plain number is taken as it is.
     *
     * @throws IllegalArgumentException when the value is neither, naming the field
     */
    public long bytes() {
        // SOLUTION-BEGIN 01.2
        String[] parts = value.split("\\s+");
        try {
            if (parts.length == 2 && parts[1].equals("kB")) {
                return Math.multiplyExact(Long.parseLong(parts[0]), 1024L);
            }
            if (parts.length == 1) {
                return Long.parseLong(parts[0]);
            }
        } catch (NumberFormatException | ArithmeticException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + " '" + value + "' is not a size: expected a number of kB, such as '4 kB'");
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 01.2: turn '" + value + "' into bytes (see hint 01.2)");
        // SOLUTION-END
    }
}
