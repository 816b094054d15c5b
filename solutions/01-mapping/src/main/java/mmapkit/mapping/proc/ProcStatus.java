package mmapkit.mapping.proc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The memory sizes of a process from {@code /proc/PID/status}, in bytes.
 *
 * <p>{@code VmSize} is the address space the process has mapped; {@code VmRSS} the part that is
 * in RAM now (resident). Mapping a 1 GiB file adds 1 GiB to VmSize at once, and to VmRSS only
 * as its pages are touched. VmRSS is the sum of the other three.
 *
 * @param vmSize   {@code VmSize}: the total virtual size
 * @param vmRss    {@code VmRSS}: resident pages
 * @param rssAnon  {@code RssAnon}: resident anonymous pages (heap, stacks, private copies)
 * @param rssFile  {@code RssFile}: resident pages of mapped files
 * @param rssShmem {@code RssShmem}: resident shared memory (shmem, tmpfs, shared anonymous)
 */
public record ProcStatus(long vmSize, long vmRss, long rssAnon, long rssFile, long rssShmem) {

    /** Where the running process's status is. */
    public static final Path SELF = Path.of("/proc/self/status");

    /**
     * Parses the text of a status file.
     *
     * @throws IllegalArgumentException when one of the five fields is missing or is not a size
     */
    public static ProcStatus parse(String text) {
        // SOLUTION-BEGIN 01.2
        Map<String, ProcField> fields = new HashMap<>();
        text.lines().map(ProcField::parse).flatMap(java.util.Optional::stream)
                .forEach(field -> fields.putIfAbsent(field.name(), field));
        return new ProcStatus(bytes(fields, "VmSize"), bytes(fields, "VmRSS"), bytes(fields, "RssAnon"),
                bytes(fields, "RssFile"), bytes(fields, "RssShmem"));
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 01.2: read VmSize, VmRSS, RssAnon, RssFile and RssShmem (see hint 01.2)");
        // SOLUTION-END
    }

    // SOLUTION-BEGIN 01.2
    private static long bytes(Map<String, ProcField> fields, String name) {
        ProcField field = fields.get(name);
        if (field == null) {
            throw new IllegalArgumentException("no " + name + " line in the status text");
        }
        return field.bytes();
    }
    // SOLUTION-END

    /**
     * The bytes this process has locked in RAM now ({@code VmLck} of {@code /proc/self/status}):
     * the pages of its areas locked by {@code mlock}, {@code mlock2}, {@code mlockall} or
     * {@code MAP_LOCKED}.
     *
     * @throws IllegalStateException when the status has no {@code VmLck} line
     */
    public static long lockedBytes() {
        return selfField("VmLck").bytes();
    }

    /**
     * Whether this process has capability {@code number} in its effective set ({@code CapEff}, a
     * hexadecimal bit mask, of {@code /proc/self/status}), such as 14 for {@code CAP_IPC_LOCK}.
     *
     * @throws IllegalArgumentException for a number outside 0..63
     * @throws IllegalStateException    when the status has no {@code CapEff} line
     */
    public static boolean hasEffectiveCapability(int number) {
        if (number < 0 || number > 63) {
            throw new IllegalArgumentException("capability " + number + " is outside 0..63: CapEff is a 64-bit mask");
        }
        long mask = Long.parseUnsignedLong(selfField("CapEff").value().strip(), 16);
        return (mask & (1L << number)) != 0;
    }

    private static ProcField selfField(String name) {
        String text;
        try {
            text = Files.readString(SELF);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + SELF, e);
        }
        return text.lines().map(ProcField::parse).flatMap(java.util.Optional::stream)
                .filter(field -> field.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException(SELF + " has no " + name + " line"));
    }

    /** The running process's sizes now ({@code /proc/self/status}). */
    public static ProcStatus current() {
        try {
            return parse(Files.readString(SELF));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + SELF, e);
        }
    }
}
