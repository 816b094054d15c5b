package mmapkit.mapping.proc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The memory map of a process, as {@code /proc/PID/maps} lists it: one {@link MapsEntry} per
 * virtual memory area, in address order. A snapshot: it does not change when the process maps
 * or unmaps memory afterwards.
 */
public final class ProcMaps {

    /** Where the running process's map is. */
    public static final Path SELF = Path.of("/proc/self/maps");

    private final List<MapsEntry> entries;

    private ProcMaps(List<MapsEntry> entries) {
        this.entries = List.copyOf(entries);
    }

    /**
     * Parses the text of a maps file: one entry per non-blank line.
     *
     * @throws IllegalArgumentException at the first line that is not a maps line, naming its number
     */
    public static ProcMaps parse(String text) {
        // TODO 01.2 (see hint 01.2)
        throw new UnsupportedOperationException("TODO 01.2: parse every line of a maps file (see hint 01.2)");
    }

    /** The map of the running process now ({@code /proc/self/maps}). */
    public static ProcMaps current() {
        try {
            return parse(Files.readString(SELF));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + SELF, e);
        }
    }

    /** Every area, in address order. */
    public List<MapsEntry> entries() {
        return entries;
    }

    /** The area that holds {@code address}, if any is mapped there. */
    public Optional<MapsEntry> find(long address) {
        // TODO 01.2 (see hint 01.2)
        throw new UnsupportedOperationException("TODO 01.2: find the entry that holds the address (see hint 01.2)");
    }

    /**
     * The areas that map {@code file} (deleted or not), compared by real path as the kernel
     * prints it.
     */
    public List<MapsEntry> entriesOf(Path file) {
        Objects.requireNonNull(file, "file");
        String wanted = realPath(file);
        // TODO 01.2 (see hint 01.2)
        throw new UnsupportedOperationException("TODO 01.2: list the entries whose path is " + wanted + " (see hint 01.2)");
    }

    private static String realPath(Path file) {
        try {
            return file.toRealPath().toString();
        } catch (IOException e) {
            return file.toAbsolutePath().normalize().toString();
        }
    }

    /** The whole map, one line per area. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        entries.forEach(entry -> text.append(entry).append('\n'));
        return text.toString();
    }
}
