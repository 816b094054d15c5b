package mmapkit.mapping.proc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The system-wide sizes of {@code /proc/meminfo} that decide whether a new mapping may be made
 * (overcommit accounting), in bytes.
 *
 * <p>{@code Committed_AS} is the memory every process together has been promised: the size of each
 * private writable mapping (charged at mmap, touched or not), shared anonymous memory, and the like.
 * {@code CommitLimit} is the ceiling that only overcommit mode 2 enforces. Other processes change
 * {@code Committed_AS} at any moment.
 *
 * @param memTotal    {@code MemTotal}: usable RAM
 * @param swapTotal   {@code SwapTotal}: swap space, 0 without swap
 * @param commitLimit {@code CommitLimit}: what mode 2 lets the system commit
 * @param committedAs {@code Committed_AS}: what is committed now
 */
public record SystemMemory(long memTotal, long swapTotal, long commitLimit, long committedAs) {

    /** Where the kernel shows the system's memory counters. */
    public static final Path MEMINFO = Path.of("/proc/meminfo");

    /**
     * Parses meminfo text ({@code MemTotal:  16318852 kB} and so on); other lines are skipped.
     *
     * @throws IllegalArgumentException when one of the four lines is missing, naming it
     */
    public static SystemMemory parse(String text) {
        Map<String, ProcField> fields = new HashMap<>();
        text.lines().map(ProcField::parse).flatMap(java.util.Optional::stream)
                .forEach(field -> fields.putIfAbsent(field.name(), field));
        return new SystemMemory(bytes(fields, "MemTotal"), bytes(fields, "SwapTotal"), bytes(fields, "CommitLimit"),
                bytes(fields, "Committed_AS"));
    }

    /** The counters now, from {@code /proc/meminfo}. */
    public static SystemMemory current() {
        try {
            return parse(Files.readString(MEMINFO));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + MEMINFO, e);
        }
    }

    /** RAM plus swap: the largest single private writable mapping overcommit mode 0 lets through. */
    public long ramPlusSwap() {
        return memTotal + swapTotal;
    }

    private static long bytes(Map<String, ProcField> fields, String name) {
        ProcField field = fields.get(name);
        if (field == null) {
            throw new IllegalArgumentException("no " + name + " line in the meminfo text: expected '" + name
                    + ": <n> kB'");
        }
        return field.bytes();
    }
}
