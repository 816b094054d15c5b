package mmapkit.mapping.proc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One line of {@code /proc/PID/mountinfo}: a mounted file system, as this process sees it.
 *
 * <p>A line is {@code 35 31 0:32 / /sys/fs/cgroup/memory rw,relatime shared:9 - cgroup cgroup rw,memory}:
 * mount ID, parent ID, device, the root of the mount within its file system, the mount point, the
 * mount options, optional fields ended by {@code -}, then the file system type, the source and the
 * super block options. The kit reads it to find where a cgroup hierarchy is mounted: type
 * {@code cgroup2} for v2, and type {@code cgroup} with the controller among the super options for v1.
 *
 * @param root         the directory of the file system that is mounted, {@code /} for all of it
 * @param mountPoint   where it is mounted, such as {@code /sys/fs/cgroup/memory}
 * @param type         the file system type, such as {@code cgroup2}, {@code cgroup} or {@code ext4}
 * @param superOptions the super block options, such as {@code [rw, memory]}
 */
public record MountInfo(String root, Path mountPoint, String type, List<String> superOptions) {

    /** Where the running process's mounts are. */
    public static final Path SELF = Path.of("/proc/self/mountinfo");

    public MountInfo {
        superOptions = List.copyOf(superOptions);
    }

    /**
     * Parses one line. Spaces, tabs, newlines and backslashes in paths are written as octal escapes
     * ({@code \040} for a space), which this undoes.
     *
     * @throws IllegalArgumentException when the line lacks the fields before or after the {@code -}
     */
    public static MountInfo parse(String line) {
        String[] fields = line.strip().split(" ");
        int separator = List.of(fields).indexOf("-");
        if (separator < 6 || fields.length < separator + 3) {
            throw new IllegalArgumentException("mountinfo line '" + line + "': expected ID, parent, device, root,"
                    + " mount point, options, optional fields, '-', type, source and super options");
        }
        List<String> superOptions = fields.length > separator + 3 ? List.of(fields[separator + 3].split(","))
                : List.of();
        return new MountInfo(unescape(fields[3]), Path.of(unescape(fields[4])), fields[separator + 1], superOptions);
    }

    /** Parses every non-blank line of a {@code /proc/PID/mountinfo} text. */
    public static List<MountInfo> parseAll(String text) {
        List<MountInfo> mounts = new ArrayList<>();
        text.lines().filter(line -> !line.isBlank()).map(MountInfo::parse).forEach(mounts::add);
        return List.copyOf(mounts);
    }

    /** The running process's mounts ({@code /proc/self/mountinfo}). */
    public static List<MountInfo> current() {
        try {
            return parseAll(Files.readString(SELF));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + SELF, e);
        }
    }

    private static String unescape(String field) {
        StringBuilder text = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && isOctal(field, i + 1)) {
                text.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                text.append(c);
            }
        }
        return text.toString();
    }

    private static boolean isOctal(String field, int from) {
        if (from + 3 > field.length()) {
            return false;
        }
        for (int i = from; i < from + 3; i++) {
            if (field.charAt(i) < '0' || field.charAt(i) > '7') {
                return false;
            }
        }
        return true;
    }
}
