package mmapkit.mapping.proc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One line of {@code /proc/PID/cgroup}: which control group of one hierarchy a process is in.
 *
 * <p>Each line is {@code hierarchy-ID:controllers:path}. Under cgroup v1 every mounted hierarchy has
 * a line of its own, named by its controllers ({@code 4:memory:/user.slice}); the unified cgroup v2
 * hierarchy has the line {@code 0::/user.slice/user-1000.slice/session-2.scope}, with no
 * controllers in it. The path is relative to the root of the hierarchy as this process sees it (its
 * cgroup namespace), so it is found below the hierarchy's mount point.
 *
 * @param hierarchyId the number of the hierarchy, 0 for the unified (v2) one
 * @param controllers the controllers of a v1 hierarchy, such as {@code [memory]} or
 *                    {@code [cpu, cpuacct]}; for v1 named hierarchies an entry {@code name=systemd};
 *                    empty for the v2 line
 * @param path        the group, such as {@code /user.slice}; always starts with {@code /}
 */
public record ProcCgroup(int hierarchyId, List<String> controllers, String path) {

    /** Where the running process's groups are. */
    public static final Path SELF = Path.of("/proc/self/cgroup");

    public ProcCgroup {
        controllers = List.copyOf(controllers);
    }

    /** Whether this is the line of the unified hierarchy (cgroup v2): ID 0 and no controllers. */
    public boolean unified() {
        return hierarchyId == 0 && controllers.isEmpty();
    }

    /**
     * Parses one line such as {@code 4:memory:/user.slice} or {@code 0::/}.
     *
     * @throws IllegalArgumentException when the line has no two colons, the ID is no number, or the
     *                                  path does not start with {@code /}
     */
    public static ProcCgroup parse(String line) {
        int first = line.indexOf(':');
        int second = first < 0 ? -1 : line.indexOf(':', first + 1);
        if (second < 0) {
            throw new IllegalArgumentException("cgroup line '" + line + "': expected ID:controllers:path");
        }
        int id;
        try {
            id = Integer.parseInt(line.substring(0, first));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("cgroup line '" + line + "': the hierarchy ID '"
                    + line.substring(0, first) + "' is not a number");
        }
        String names = line.substring(first + 1, second);
        String path = line.substring(second + 1); // a path may hold colons: everything after the second
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("cgroup line '" + line + "': the path '" + path
                    + "' does not start with /");
        }
        List<String> controllers = names.isEmpty() ? List.of() : List.of(names.split(","));
        return new ProcCgroup(id, controllers, path);
    }

    /** Parses every non-blank line of a {@code /proc/PID/cgroup} text. */
    public static List<ProcCgroup> parseAll(String text) {
        List<ProcCgroup> groups = new ArrayList<>();
        text.lines().filter(line -> !line.isBlank()).map(ProcCgroup::parse).forEach(groups::add);
        return List.copyOf(groups);
    }

    /**
     * The line of the v1 hierarchy that has {@code controller} ({@code memory}, say), if this
     * process is in one; empty when that controller is not mounted as v1 (it may be in v2).
     */
    public static Optional<ProcCgroup> v1(List<ProcCgroup> groups, String controller) {
        return groups.stream().filter(group -> group.controllers().contains(controller)).findFirst();
    }

    /** The line of the unified (v2) hierarchy, if there is one. */
    public static Optional<ProcCgroup> v2(List<ProcCgroup> groups) {
        return groups.stream().filter(ProcCgroup::unified).findFirst();
    }

    /** The running process's groups ({@code /proc/self/cgroup}); empty on a kernel without cgroups. */
    public static List<ProcCgroup> current() {
        if (!Files.exists(SELF)) {
            return List.of();
        }
        try {
            return parseAll(Files.readString(SELF));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + SELF, e);
        }
    }
}
