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
        // TODO 01.2 (see hint 01.2)
        throw new UnsupportedOperationException("TODO 01.2: split a 'Name: value' line (see hint 01.2)");
    }

    /**
     * The value as a number of bytes: {@code 10240 kB} is 10485760 (the kernel's "kB" is 1024
     * bytes), and a plain number is taken as it is.
     *
     * @throws IllegalArgumentException when the value is neither, naming the field
     */
    public long bytes() {
        // TODO 01.2 (see hint 01.2)
        throw new UnsupportedOperationException("TODO 01.2: turn '" + value + "' into bytes (see hint 01.2)");
    }
}
