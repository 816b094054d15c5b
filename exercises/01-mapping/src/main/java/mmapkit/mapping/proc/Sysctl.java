package mmapkit.mapping.proc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads the kernel's tunables under {@code /proc/sys} (what {@code sysctl vm.overcommit_ratio} shows).
 *
 * <p>A sysctl file must be read with one {@code read()} from offset 0. It reports a size of 0, so
 * {@code Files.readString} and {@code Files.readAllBytes} may read its first byte alone and go on from
 * offset 1, where a sysctl of numbers answers end of file: {@code 50} reads as {@code 5}. These
 * methods read once into a buffer of a page, which holds every sysctl of numbers.
 */
public final class Sysctl {

    /** Where the tunables are: {@code /proc/sys}, with one folder per subsystem ({@code vm}, {@code kernel}). */
    public static final Path ROOT = Path.of("/proc/sys");

    private static final int BUFFER_BYTES = 4096; // not a page size: room for the longest text a sysctl here holds

    private Sysctl() {
    }

    /**
     * The text of a sysctl file, stripped of the final newline and spaces.
     *
     * @param name the file below {@link #ROOT}, such as {@code vm/overcommit_ratio}
     * @throws IllegalArgumentException for a name that is blank, absolute or leaves {@code /proc/sys}
     * @throws UncheckedIOException     when the file cannot be read (the message names it)
     */
    public static String read(String name) {
        return readIfPresent(name).orElseThrow(() -> new UncheckedIOException(new NoSuchFileException(
                ROOT.resolve(name).toString(), null, "no such sysctl on this kernel")));
    }

    /**
     * As {@link #read}, but empty when this kernel has no such file (a tunable newer than the kernel, or
     * one of a feature it was built without).
     */
    public static Optional<String> readIfPresent(String name) {
        Path file = resolve(name);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[BUFFER_BYTES];
            int length = in.read(buffer); // one read from offset 0, as a sysctl wants it
            return Optional.of(length <= 0 ? "" : new String(buffer, 0, length, StandardCharsets.US_ASCII).strip());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /**
     * A sysctl that holds one number, such as {@code vm/overcommit_memory}.
     *
     * @throws IllegalStateException when the file does not hold one number (the message names it and its text)
     * @throws UncheckedIOException  when the file cannot be read or this kernel has none
     */
    public static long readLong(String name) {
        String text = read(name);
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalStateException(resolve(name) + " holds '" + text + "', not one number", e);
        }
    }

    private static Path resolve(String name) {
        if (name == null || name.isBlank() || name.startsWith("/")) {
            throw new IllegalArgumentException("sysctl name '" + name + "': expected a path below " + ROOT
                    + ", such as vm/overcommit_ratio");
        }
        Path file = ROOT.resolve(name).normalize();
        if (!file.startsWith(ROOT) || file.equals(ROOT)) {
            throw new IllegalArgumentException("sysctl name '" + name + "' leaves " + ROOT);
        }
        return file;
    }
}
