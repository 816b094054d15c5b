package mmapkit.faults;

import mmapkit.mapping.Pages;
import mmapkit.mapping.proc.MountInfo;
import mmapkit.mapping.proc.ProcCgroup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The memory cgroup a process is in: where its files are, which version of cgroups holds the memory
 * controller, and what they say (limit, usage, {@code memory.stat}, OOM kills); and a child group
 * with a limit of its own, made for an experiment and removed after it.
 *
 * <p>Every page a process's group is charged for counts against the group's limit: its anonymous
 * memory, and also the page cache it brings in and the {@code tmpfs}/{@code memfd} pages it first
 * touches. When the group needs more than its limit, the kernel reclaims the group's pages; when that
 * fails, the OOM killer kills a process of the group, while the rest of the machine has plenty.
 *
 * <p>Two versions exist. The unified hierarchy, cgroup v2 (one mount of type {@code cgroup2}, usually
 * at {@code /sys/fs/cgroup}), names its files {@code memory.max}, {@code memory.current},
 * {@code memory.stat}, {@code memory.events}. The older cgroup v1 mounts each controller apart (type
 * {@code cgroup}, usually at {@code /sys/fs/cgroup/memory}) and names them
 * {@code memory.limit_in_bytes}, {@code memory.usage_in_bytes}, {@code memory.stat} (with other
 * field names), {@code memory.oom_control}. This class reads both; {@link MemoryStat} gives the
 * fields one set of names.
 *
 * @param version   which version holds the memory controller
 * @param directory the group's folder, such as {@code /sys/fs/cgroup/user.slice/user-1000.slice}
 */
public record MemoryCgroup(Version version, Path directory) {

    /** A limit that is no limit: v2 writes {@code max}, v1 a number near 2^63 rounded to pages. */
    public static final long UNLIMITED = Long.MAX_VALUE;

    /** v1 shows "no limit" as the largest page-aligned positive number; anything this large is none. */
    private static final long V1_UNLIMITED_FROM = 1L << 62;

    /** The cgroup version that holds the memory controller. */
    public enum Version {
        /** cgroup v1: the memory controller in a hierarchy of its own. */
        V1,
        /** cgroup v2: the unified hierarchy. */
        V2
    }

    public MemoryCgroup {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(directory, "directory");
    }

    /**
     * Where the memory cgroup of a process is, found from its {@code /proc/PID/cgroup} and
     * {@code /proc/PID/mountinfo}, or why there is none.
     *
     * @param group  the group, when one was found
     * @param reason how it was found, or why none was
     */
    public record Discovery(Optional<MemoryCgroup> group, String reason) {
        public Discovery {
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * Finds the memory cgroup described by a {@code /proc/PID/cgroup} text and the mounts of a
     * {@code /proc/PID/mountinfo} text: a v1 hierarchy whose line names {@code memory} and a mount
     * of type {@code cgroup} with the {@code memory} option; else the v2 line {@code 0::/path} and a
     * mount of type {@code cgroup2} whose root lists {@code memory} in {@code cgroup.controllers}.
     * The group's folder is the mount point plus the path (less the mount's own root, for a mount of
     * a subtree, as inside a container).
     */
    public static Discovery discover(String procCgroup, String mountinfo) {
        List<ProcCgroup> groups = ProcCgroup.parseAll(procCgroup);
        List<MountInfo> mounts = MountInfo.parseAll(mountinfo);
        Optional<ProcCgroup> v1 = ProcCgroup.v1(groups, "memory");
        if (v1.isPresent()) {
            Optional<MountInfo> mount = mounts.stream()
                    .filter(m -> m.type().equals("cgroup") && m.superOptions().contains("memory")).findFirst();
            if (mount.isPresent()) {
                Path folder = below(mount.get(), v1.get().path());
                return new Discovery(Optional.of(new MemoryCgroup(Version.V1, folder)), "cgroup v1: the memory"
                        + " controller is mounted at " + mount.get().mountPoint() + ", and this process's group "
                        + depth(v1.get().path()));
            }
            return new Discovery(Optional.empty(), "the process is in the v1 memory group " + v1.get().path()
                    + ", but no cgroup file system with the memory controller is mounted where it can see it");
        }
        Optional<ProcCgroup> v2 = ProcCgroup.v2(groups);
        Optional<MountInfo> unified = mounts.stream().filter(m -> m.type().equals("cgroup2")).findFirst();
        if (v2.isEmpty() || unified.isEmpty()) {
            return new Discovery(Optional.empty(), groups.isEmpty() ? "this kernel shows no cgroups"
                    + " (/proc/self/cgroup is empty or missing)" : "no memory controller: neither a v1 memory"
                    + " hierarchy nor a mounted cgroup2 file system");
        }
        Path folder = below(unified.get(), v2.get().path());
        return new Discovery(Optional.of(new MemoryCgroup(Version.V2, folder)), "cgroup v2: the unified hierarchy"
                + " is mounted at " + unified.get().mountPoint() + ", and this process's group "
                + depth(v2.get().path()));
    }

    /**
     * The memory cgroup of the running process, or why there is none. A v2 hierarchy counts only
     * when its root lists {@code memory} in {@code cgroup.controllers} (a hybrid layout mounts
     * cgroup2 without it, and keeps the memory controller in v1).
     */
    public static Discovery current() {
        String cgroups;
        String mounts;
        try {
            cgroups = Files.exists(ProcCgroup.SELF) ? Files.readString(ProcCgroup.SELF) : "";
            mounts = Files.readString(MountInfo.SELF);
        } catch (IOException e) {
            return new Discovery(Optional.empty(), "cannot read " + ProcCgroup.SELF + " or " + MountInfo.SELF
                    + ": " + e);
        }
        Discovery found = discover(cgroups, mounts);
        if (found.group().isPresent() && found.group().get().version() == Version.V2) {
            Path root = MountInfo.parseAll(mounts).stream().filter(m -> m.type().equals("cgroup2")).findFirst()
                    .orElseThrow().mountPoint();
            List<String> controllers = words(root.resolve("cgroup.controllers"));
            if (!controllers.contains("memory")) {
                return new Discovery(Optional.empty(), "cgroup2 is mounted at " + root + ", but without the memory"
                        + " controller (its cgroup.controllers lists " + controllers + "), and no v1 memory"
                        + " hierarchy is mounted");
            }
        }
        return found;
    }

    /** How deep a group is, in words, without its name: the name may say more about a machine than it should. */
    private static String depth(String path) {
        long levels = java.util.Arrays.stream(path.split("/")).filter(part -> !part.isEmpty()).count();
        return levels == 0 ? "is the hierarchy's root" : levels == 1 ? "is one level below the root"
                : "is " + levels + " levels below the root";
    }

    private static Path below(MountInfo mount, String path) {
        String root = mount.root();
        String relative = path;
        if (!root.equals("/") && (path.equals(root) || path.startsWith(root + "/"))) {
            relative = path.substring(root.length()); // a mount of a subtree: the path starts at its root
        }
        relative = relative.replaceFirst("^/+", "");
        return relative.isEmpty() ? mount.mountPoint() : mount.mountPoint().resolve(relative);
    }

    /**
     * The group's limit in bytes ({@code memory.max}, v1 {@code memory.limit_in_bytes});
     * {@link #UNLIMITED} for none.
     */
    public long limit() {
        String text = read(version == Version.V2 ? "memory.max" : "memory.limit_in_bytes").strip();
        if (text.equals("max")) {
            return UNLIMITED;
        }
        long bytes = Long.parseLong(text);
        return bytes >= V1_UNLIMITED_FROM ? UNLIMITED : bytes;
    }

    /** The memory charged to the group now, in bytes ({@code memory.current}, v1 {@code memory.usage_in_bytes}). */
    public long usage() {
        return Long.parseLong(read(version == Version.V2 ? "memory.current" : "memory.usage_in_bytes").strip());
    }

    /** What {@code memory.stat} says now, with the fields named in one way for both versions. */
    public MemoryStat stat() {
        return MemoryStat.parse(version, read("memory.stat"));
    }

    /**
     * How many processes of this group (and, on v2, of the groups below it) the OOM killer has killed:
     * {@code oom_kill} of {@code memory.events} (v2) or of {@code memory.oom_control} (v1, Linux 4.13+).
     *
     * @throws IllegalStateException when the file has no {@code oom_kill} line (a v1 kernel before 4.13)
     */
    public long oomKills() {
        String file = version == Version.V2 ? "memory.events" : "memory.oom_control";
        Long kills = MemoryStat.keyValues(read(file)).get("oom_kill");
        if (kills == null) {
            throw new IllegalStateException(directory.resolve(file) + " has no oom_kill line (before Linux 4.13)");
        }
        return kills;
    }

    /** The IDs of the processes in this group ({@code cgroup.procs}). */
    public List<Long> processes() {
        return read("cgroup.procs").lines().filter(line -> !line.isBlank()).map(line -> Long.parseLong(line.strip()))
                .toList();
    }

    /**
     * Makes a group below this one whose processes may use at most {@code limitBytes} of memory and
     * no swap, for an experiment: {@code memory.max} and {@code memory.swap.max} = 0 on v2,
     * {@code memory.limit_in_bytes} and {@code memory.memsw.limit_in_bytes} = the same on v1 (the
     * swap files exist only where the kernel accounts swap). Nothing is moved into it; put a process
     * there with {@link LimitedGroup#add}, and close the group to kill what is in it and remove it.
     *
     * <p>On v2 a group below one that has processes cannot use the memory controller ("no internal
     * processes"), so when this group does not hand {@code memory} to its children
     * ({@code cgroup.subtree_control}), the group is made below the hierarchy's root instead, if that
     * one does.
     *
     * @param name       the new group's folder name: letters, digits, {@code -} and {@code _}
     * @param limitBytes the limit, at least one page
     * @throws IllegalArgumentException for a name or limit that breaks those rules
     * @throws UncheckedIOException     when the group cannot be made or limited (the message says why,
     *                                  such as no permission); nothing is left behind then
     */
    // tag::child-group[]
    public LimitedGroup createChild(String name, long limitBytes) {
        if (name == null || !name.matches("[A-Za-z0-9_-]+")) {
            throw new IllegalArgumentException("name '" + name + "' is not a group name: expected letters, digits,"
                    + " '-' and '_'");
        }
        if (limitBytes < Pages.size()) {
            throw new IllegalArgumentException("limitBytes " + limitBytes + " is below one page ("
                    + Pages.size() + " bytes)");
        }
        Path parent = version == Version.V2 ? v2Parent() : directory;
        Path folder = parent.resolve(name);
        try {
            Files.createDirectory(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the group " + folder + ": " + why(e), e);
        }
        LimitedGroup group = new LimitedGroup(new MemoryCgroup(version, folder));
        try {
            if (version == Version.V2) {
                write(folder.resolve("memory.max"), Long.toString(limitBytes));
                if (Files.exists(folder.resolve("memory.swap.max"))) {
                    write(folder.resolve("memory.swap.max"), "0");
                }
            } else {
                write(folder.resolve("memory.limit_in_bytes"), Long.toString(limitBytes));
                if (Files.exists(folder.resolve("memory.memsw.limit_in_bytes"))) {
                    // memory + swap = memory: no swap
                    write(folder.resolve("memory.memsw.limit_in_bytes"), Long.toString(limitBytes));
                }
            }
            return group;
        } catch (RuntimeException e) {
            group.close();
            throw e;
        }
    }
    // end::child-group[]

    private Path v2Parent() {
        if (words(directory.resolve("cgroup.subtree_control")).contains("memory")) {
            return directory;
        }
        Path root = directory;
        while (root.getParent() != null && Files.exists(root.getParent().resolve("cgroup.controllers"))) {
            root = root.getParent();
        }
        if (words(root.resolve("cgroup.subtree_control")).contains("memory")) {
            return root;
        }
        throw new UncheckedIOException(new IOException("neither " + directory + " nor the root " + root
                + " hands the memory controller to its children (cgroup.subtree_control): a group made there"
                + " could not be limited"));
    }

    /**
     * A group made by {@link #createChild} for one experiment. {@link #close()} kills every process
     * still in it (only those the experiment put there), waits for them to end and removes the group.
     */
    public static final class LimitedGroup implements AutoCloseable {

        private final MemoryCgroup group;

        private LimitedGroup(MemoryCgroup group) {
            this.group = group;
        }

        /** The group itself, to read its limit, stat and OOM kills. */
        public MemoryCgroup group() {
            return group;
        }

        /**
         * Moves process {@code pid} into the group (writes it to {@code cgroup.procs}). Its memory so
         * far stays charged where it was; what it allocates from now on is charged here.
         */
        public void add(long pid) {
            write(group.directory().resolve("cgroup.procs"), Long.toString(pid));
        }

        /**
         * Kills what is left in the group with SIGKILL, waits up to 10 seconds for it to end, and
         * removes the group's folder (an empty group may take a moment to be removable).
         *
         * @throws UncheckedIOException when the folder could not be removed in that time
         */
        @Override
        public void close() {
            long deadline = System.nanoTime() + 10_000_000_000L;
            IOException last = null;
            while (true) {
                try {
                    if (Files.exists(group.directory().resolve("cgroup.procs"))) {
                        for (long pid : group.processes()) {
                            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                        }
                    }
                    Files.deleteIfExists(group.directory());
                    return;
                } catch (IOException e) {
                    last = e;
                } catch (UncheckedIOException e) {
                    last = e.getCause();
                }
                if (System.nanoTime() > deadline) {
                    throw new UncheckedIOException("cannot remove the group " + group.directory() + ": " + why(last),
                            last);
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new UncheckedIOException("interrupted while removing the group " + group.directory(), last);
                }
            }
        }
    }

    /** Why a file operation on a cgroup failed, in words. */
    static String why(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied (groups are made by root, or by a user in a subtree delegated to it, such as"
                    + " systemd-run --user --scope gives)";
        }
        if (e instanceof FileSystemException failure && failure.getReason() != null) {
            return failure.getReason();
        }
        return String.valueOf(e.getMessage());
    }

    private String read(String file) {
        Path path = directory.resolve(file);
        try {
            return Files.readString(path);
        } catch (NoSuchFileException e) {
            throw new UncheckedIOException("the group has no " + file + " (" + path + ")", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + ": " + why(e), e);
        }
    }

    private static void write(Path file, String value) {
        try {
            Files.writeString(file, value, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + value + " to " + file + ": " + why(e), e);
        }
    }

    private static List<String> words(Path file) {
        try {
            return List.of(Files.readString(file).strip().split("\\s+"));
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * What {@code memory.stat} of a group says, in bytes, with one name for each field the kit
     * uses, whichever version wrote it.
     *
     * <table>
     * <caption>The fields, and their names in each version</caption>
     * <tr><th>here</th><th>v2</th><th>v1</th><th>what</th></tr>
     * <tr><td>{@link #file()}</td><td>{@code file}</td><td>{@code total_cache}</td>
     *     <td>page cache charged to the group, tmpfs and shmem included</td></tr>
     * <tr><td>{@link #dirty()}</td><td>{@code file_dirty}</td><td>{@code total_dirty}</td>
     *     <td>page cache modified and not yet written back</td></tr>
     * <tr><td>{@link #writeback()}</td><td>{@code file_writeback}</td><td>{@code total_writeback}</td>
     *     <td>page cache being written back now</td></tr>
     * <tr><td>{@link #mapped()}</td><td>{@code file_mapped}</td><td>{@code total_mapped_file}</td>
     *     <td>page cache mapped into some process</td></tr>
     * <tr><td>{@link #shmem()}</td><td>{@code shmem}</td><td>{@code total_shmem}</td>
     *     <td>tmpfs, {@code /dev/shm}, memfd and shared anonymous pages</td></tr>
     * <tr><td>{@link #anon()}</td><td>{@code anon}</td><td>{@code total_rss}</td>
     *     <td>anonymous memory (heap, stacks, private copies)</td></tr>
     * </table>
     *
     * <p>v1 keeps each field twice: {@code dirty} for the group's own pages and {@code total_dirty}
     * for the group and those below it; v2 counts the whole subtree, so the kit reads the
     * {@code total_} fields of v1, and falls back to the plain ones where they are missing.
     *
     * @param version which version wrote it
     * @param fields  every {@code name value} line of the file, in its order
     */
    public record MemoryStat(Version version, Map<String, Long> fields) {

        private static final List<String> KIT_FIELDS = List.of("file", "dirty", "writeback", "mapped", "shmem", "anon");
        private static final List<String> V2_NAMES = List.of("file", "file_dirty", "file_writeback", "file_mapped",
                "shmem", "anon");
        private static final List<String> V1_NAMES = List.of("cache", "dirty", "writeback", "mapped_file", "shmem",
                "rss");

        public MemoryStat {
            Objects.requireNonNull(version, "version");
            fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        }

        /**
         * Parses the text of a {@code memory.stat} file: one {@code name value} line per field.
         *
         * @throws IllegalArgumentException when a line is not a name and a number, or one of the six
         *                                  fields this class names is missing
         */
        // tag::parse-stat[]
        public static MemoryStat parse(Version version, String text) {
            MemoryStat stat = new MemoryStat(version, keyValues(text));
            for (String field : KIT_FIELDS) {
                if (!stat.fields().containsKey(stat.fieldName(field))) {
                    throw new IllegalArgumentException("memory.stat (" + version + ") has no " + stat.fieldName(field)
                            + " line: expected the fields " + (version == Version.V2 ? V2_NAMES : V1_NAMES));
                }
            }
            return stat;
        }
        // end::parse-stat[]

        /**
         * The field of this version that the kit calls {@code kitName} ({@code file}, {@code dirty},
         * {@code writeback}, {@code mapped}, {@code shmem} or {@code anon}), as the file names it:
         * {@code dirty} is {@code file_dirty} in v2 and {@code total_dirty} (or {@code dirty}) in v1.
         *
         * @throws IllegalArgumentException for another name
         */
        public String fieldName(String kitName) {
            int index = KIT_FIELDS.indexOf(kitName);
            if (index < 0) {
                throw new IllegalArgumentException("kitName '" + kitName + "' is not one of " + KIT_FIELDS);
            }
            if (version == Version.V2) {
                return V2_NAMES.get(index);
            }
            String total = "total_" + V1_NAMES.get(index);
            return fields.containsKey(total) ? total : V1_NAMES.get(index);
        }

        /** Page cache charged to the group, in bytes (tmpfs and shmem pages included). */
        public long file() {
            return get("file");
        }

        /** Dirty page cache, in bytes. */
        public long dirty() {
            return get("dirty");
        }

        /** Page cache under writeback now, in bytes. */
        public long writeback() {
            return get("writeback");
        }

        /** Page cache mapped into processes, in bytes. */
        public long mapped() {
            return get("mapped");
        }

        /** tmpfs, {@code /dev/shm}, memfd and shared anonymous memory, in bytes. */
        public long shmem() {
            return get("shmem");
        }

        /** Anonymous memory, in bytes. */
        public long anon() {
            return get("anon");
        }

        private long get(String kitName) {
            return fields.get(fieldName(kitName));
        }

        /** The names of the fields the kit reads, for a report: {@code file=file, dirty=file_dirty, ...}. */
        public List<String> fieldNames() {
            List<String> names = new ArrayList<>();
            for (String field : KIT_FIELDS) {
                names.add(field + "=" + fieldName(field));
            }
            return names;
        }

        /** Every {@code name value} line of a text such as {@code memory.stat} or {@code memory.events}. */
        static Map<String, Long> keyValues(String text) {
            Map<String, Long> values = new LinkedHashMap<>();
            for (String line : text.split("\n")) {
                if (line.isBlank()) {
                    continue;
                }
                String[] parts = line.strip().split("\\s+");
                try {
                    if (parts.length != 2) {
                        throw new NumberFormatException();
                    }
                    values.put(parts[0], Long.parseLong(parts[1]));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("line '" + line + "': expected a name and a number, such as"
                            + " 'file_dirty 4096'");
                }
            }
            return values;
        }
    }
}
