package mmapkit.mapping;

import java.util.Objects;

/**
 * What a probe of the running kernel found: one behaviour the kit relies on, asked at run time
 * instead of assumed.
 *
 * <p>Tests that depend on a probe adapt their expectation to {@link #value()}, or skip with
 * {@link #reason()} when they cannot run ({@code assumeTrue(probe.holds(), probe.reason())}).
 * {@code ./course doctor} prints every probe's answer.
 *
 * @param name       a short name, such as {@code "zero page on read faults"}
 * @param value      what the probe found: a number, a word, a list, {@code true}/{@code false}
 * @param usual      whether this is what the kit's tests and book take as the common case
 * @param reason     the answer in plain words, with how it was found, such as
 *                   {@code "reading 16 untouched pages of a private anonymous mapping added 0 pages
 *                   to its Anonymous count: they map the shared zero page"}
 * @param <T>        the type of the value
 */
public record Probe<T>(String name, T value, boolean usual, String reason) {

    public Probe {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(reason, "reason");
    }

    /** For a yes/no probe: whether the behaviour is there; {@code false} for any other value. */
    public boolean holds() {
        return Boolean.TRUE.equals(value);
    }

    /** One line: name, value and the reason. */
    @Override
    public String toString() {
        return name + ": " + value + (usual ? "" : " (differs from the usual case)") + " - " + reason;
    }
}
