package mmapkit.device.special;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * When the kernel backs anonymous memory with transparent huge pages, as
 * {@code /sys/kernel/mm/transparent_hugepage/enabled} says: the word in brackets of
 * {@code always [madvise] never}.
 */
public enum ThpMode {

    /** Every large enough anonymous region may get huge pages, asked for or not. */
    ALWAYS,
    /** Only regions marked with {@code madvise(MADV_HUGEPAGE)} get huge pages. */
    MADVISE,
    /** Transparent huge pages are switched off. */
    NEVER,
    /** The kernel has no transparent huge pages at all (the file does not exist). */
    UNAVAILABLE;

    /** The setting the mode is read from. */
    public static final Path ENABLED = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");

    /**
     * The mode a text of the {@link #ENABLED} file selects: the word in brackets, as in
     * {@code always [madvise] never}. The kernel lists every mode and brackets the one in force.
     *
     * @throws IllegalArgumentException when no known word is in brackets, quoting the text
     */
    public static ThpMode parse(String enabledText) {
        Objects.requireNonNull(enabledText, "enabledText");
        // TODO 06.3 (see hint 06.3)
        throw new UnsupportedOperationException("TODO 06.3: find the word in brackets (see hint 06.3)");
    }

    /** The mode in force now, {@link #UNAVAILABLE} when {@link #ENABLED} does not exist. */
    public static ThpMode current() {
        try {
            return parse(Files.readString(ENABLED));
        } catch (NoSuchFileException e) {
            return UNAVAILABLE;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + ENABLED, e);
        }
    }
}
