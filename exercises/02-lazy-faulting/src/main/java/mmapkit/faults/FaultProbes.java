package mmapkit.faults;

import static mmapkit.mapping.natives.MemoryMapCalls.MAP_PRIVATE;
import static mmapkit.mapping.natives.MemoryMapCalls.PROT_READ;
import static mmapkit.mapping.natives.MemoryMapCalls.PROT_WRITE;

import mmapkit.faults.natives.AdviceCalls;
import mmapkit.faults.natives.UserfaultCalls;
import mmapkit.mapping.Pages;
import mmapkit.mapping.Probe;
import mmapkit.mapping.RawMapping;
import mmapkit.mapping.natives.NativeCallException;
import mmapkit.mapping.natives.PosixFiles;
import mmapkit.mapping.proc.MapsEntry;
import mmapkit.mapping.proc.ProcField;
import mmapkit.mapping.proc.Sysctl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The probes module 02 owns: how the running kernel answers faults, found by trying, since these
 * differ between kernel versions, builds and settings.
 *
 * <ul>
 * <li>{@link #zeroPageOnReadFault()}: whether a read fault on untouched private anonymous memory
 *     maps the shared zero page (usual) or a page of its own (kernels built or booted without it).
 * <li>{@link #transparentHugePages()}: the THP mode ({@code always}, {@code madvise}, {@code never}).
 * <li>{@link #anonymousFolioSizes()}: the sizes above one page that a first store to unadvised
 *     anonymous memory may get at once (THP {@code always}, anonymous mTHP since 6.8).
 * <li>{@link #populateAdvice()}: whether {@code MADV_POPULATE_READ/WRITE} exist (5.14+).
 * <li>{@link #faultAround()}: how many pages one read fault on a cached file maps.
 * <li>{@link #userfaultfd()}: whether this process may handle its own page faults with
 *     {@code userfaultfd(2)}, and how.
 * <li>{@link #memlockLimit()}: whether {@code RLIMIT_MEMLOCK} limits what this process may lock.
 * <li>{@link #overcommit()}: the overcommit mode, which decides whether large mappings are granted.
 * <li>{@link #memoryCgroup()}: which cgroup version holds the memory controller.
 * <li>{@link #limitedChildCgroup()}: whether this process may make a memory-limited child group.
 * </ul>
 */
public final class FaultProbes {

    /** Where the THP mode is set. */
    public static final Path THP = Path.of("/sys/kernel/mm/transparent_hugepage");
    /** The pages the zero-page probe reads. */
    static final int PROBE_PAGES = 16;

    private static final Pattern BRACKETED = Pattern.compile("\\[(\\w+)]");
    private static final Pattern MTHP_FOLDER = Pattern.compile("hugepages-(\\d+)kB");

    /** Where the kernel says whether unprivileged processes may handle faults taken in kernel mode too. */
    public static final Path UNPRIVILEGED_USERFAULTFD = Path.of("/proc/sys/vm/unprivileged_userfaultfd");

    private static Probe<Boolean> zeroPage;
    private static Probe<Boolean> userfaultfd;
    private static Probe<Long> faultAround;
    private static Probe<Boolean> limitedChild;

    private FaultProbes() {
    }

    // tag::zero-page-probe[]
    /**
     * Whether a read fault on untouched private anonymous memory maps the shared zero page. Found
     * by reading 16 pages of a fresh read-only private anonymous mapping and
     * looking at its {@code Anonymous} count in {@code /proc/self/smaps}: 0 when the reads mapped
     * the zero page (which is nobody's), every page when each read got a page of its own (a kernel
     * without the zero page, such as one booted with {@code pvm_no_zero_page=1}). Asked once.
     */
    public static synchronized Probe<Boolean> zeroPageOnReadFault() {
        if (zeroPage == null) {
            zeroPage = probeZeroPage();
        }
        return zeroPage;
    }

    private static Probe<Boolean> probeZeroPage() {
        long page = Pages.size();
        // read-only, so that the area merges with no writable neighbour: its smaps entry is its own
        try (RawMapping memory = RawMapping.anonymous(PROBE_PAGES * page, PROT_READ, MAP_PRIVATE)) {
            MemorySegment segment = memory.segment();
            long before = smapsBytes(memory.address(), "Anonymous");
            long sum = 0;
            for (long index = 0; index < PROBE_PAGES; index++) {
                sum += segment.get(ValueLayout.JAVA_BYTE, index * page);
            }
            long added = (smapsBytes(memory.address(), "Anonymous") - before) / page;
            if (sum != 0) {
                throw new IllegalStateException("untouched anonymous memory read as " + sum + ", not zeros");
            }
            boolean zero = added == 0;
            return new Probe<>("zero page on read faults", zero, zero, "reading " + PROBE_PAGES + " untouched pages of a"
                    + " private anonymous mapping added " + added + " pages to its Anonymous count in smaps: "
                    + (zero ? "the reads mapped the shared zero page, so reads of untouched anonymous or private"
                            + " /dev/zero memory take no memory"
                            : "each read got a zeroed page of its own (this kernel maps no shared zero page), so"
                            + " reading untouched anonymous or private /dev/zero memory takes memory as writing does"));
        }
    }
    // end::zero-page-probe[]

    /** The THP mode: {@code always}, {@code madvise}, {@code never}, or {@code unavailable} without THP. */
    public static Probe<String> transparentHugePages() {
        String mode = bracketed(THP.resolve("enabled")).orElse("unavailable");
        String reason = switch (mode) {
            case "always" -> "every anonymous region that covers an aligned huge page may get one at its first touch,"
                    + " asked for or not (the default of RHEL and Debian kernels)";
            case "madvise" -> "only regions advised with madvise(MADV_HUGEPAGE) get huge pages (Ubuntu's default)";
            case "never" -> "transparent huge pages are off";
            case "unavailable" -> "this kernel has no transparent huge pages (" + THP.resolve("enabled") + " is missing)";
            default -> "an unknown mode";
        };
        return new Probe<>("transparent huge pages", mode, !mode.equals("always"), THP.resolve("enabled") + " says "
                + mode + ": " + reason);
    }

    /**
     * The sizes in bytes, above one page, that a first store to anonymous memory NOT advised with
     * {@code MADV_HUGEPAGE} may get in one fault: the PMD size when THP is {@code always}, and every
     * anonymous mTHP size ({@code hugepages-NkB/enabled}, Linux 6.8+) set to {@code always} (or to
     * {@code inherit} while THP is {@code always}). Empty is the usual case: one page per fault.
     */
    public static Probe<List<Long>> anonymousFolioSizes() {
        String global = bracketed(THP.resolve("enabled")).orElse("never");
        List<Long> sizes = new ArrayList<>();
        List<String> settings = new ArrayList<>();
        if (Files.isDirectory(THP)) {
            try (Stream<Path> folders = Files.list(THP)) {
                for (Path folder : folders.sorted().toList()) {
                    Matcher name = MTHP_FOLDER.matcher(folder.getFileName().toString());
                    if (name.matches()) {
                        String setting = bracketed(folder.resolve("enabled")).orElse("never");
                        if (setting.equals("always") || (setting.equals("inherit") && global.equals("always"))) {
                            sizes.add(Long.parseLong(name.group(1)) * 1024);
                            settings.add(name.group(1) + " KiB (" + setting + ")");
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + THP, e);
            }
            if (global.equals("always") && settings.isEmpty() && !hasMthpFolders()) {
                long pmd = pmdSize();
                sizes.add(pmd);
                settings.add(pmd / 1024 + " KiB (THP always)");
            }
        }
        sizes.sort(Long::compare);
        return new Probe<>("large folios for unadvised anonymous memory", List.copyOf(sizes), sizes.isEmpty(),
                sizes.isEmpty() ? "THP is " + global + " and no anonymous mTHP size is always: a first store to"
                        + " anonymous memory gets one page, one fault per page"
                        : "a first store to anonymous memory may get " + String.join(", ", settings) + " at once, so"
                        + " first touches cost fewer faults than pages unless the region is advised MADV_NOHUGEPAGE");
    }

    /**
     * Where {@link #anonymousFolioSizes()} finds that a first store may fault in more than one page
     * of anonymous memory, advises {@code [address, address + length)} {@code MADV_NOHUGEPAGE}, so
     * that each first touch there faults in exactly one page, as on a kernel with THP {@code madvise}
     * and no anonymous mTHP. Elsewhere it does nothing.
     *
     * @return whether it advised the region
     */
    public static boolean onePagePerAnonymousFault(long address, long length) {
        if (anonymousFolioSizes().value().isEmpty()) {
            return false;
        }
        AdviceCalls.madvise(address, length, AdviceCalls.MADV_NOHUGEPAGE);
        return true;
    }

    /** Whether {@code MADV_POPULATE_READ} and {@code MADV_POPULATE_WRITE} exist (Linux 5.14+). */
    public static Probe<Boolean> populateAdvice() {
        long page = Pages.size();
        try (RawMapping memory = RawMapping.anonymous(page, PROT_READ | PROT_WRITE, MAP_PRIVATE)) {
            AdviceCalls.madvise(memory.address(), page, AdviceCalls.MADV_POPULATE_WRITE);
            return new Probe<>("MADV_POPULATE_READ/WRITE", true, true, "madvise(MADV_POPULATE_WRITE) on one page"
                    + " succeeded: populating reports failures instead of hiding them as MAP_POPULATE does");
        } catch (NativeCallException e) {
            return new Probe<>("MADV_POPULATE_READ/WRITE", false, false, "madvise(MADV_POPULATE_WRITE) failed with "
                    + e.errnoName() + ": this kernel has no MADV_POPULATE_READ/WRITE (they came in Linux 5.14)");
        }
    }

    /**
     * How many pages one read fault on a fully cached file maps (fault-around: 16 with the default
     * {@code fault_around_bytes} of 64 KiB; a large folio in the page cache may map more). Found by
     * reading the first byte of a fresh 64-page file and counting the mapping's {@code Rss} pages.
     * Asked once.
     */
    public static synchronized Probe<Long> faultAround() {
        if (faultAround == null) {
            faultAround = probeFaultAround();
        }
        return faultAround;
    }

    private static Probe<Long> probeFaultAround() {
        long page = Pages.size();
        long pages = 64;
        Path file = null;
        try {
            file = Files.createTempFile("fault-around", ".bin");
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                ByteBuffer data = ByteBuffer.allocate((int) (pages * page));
                while (data.hasRemaining()) {
                    data.put((byte) 1);
                }
                channel.write(data.flip(), 0);
                channel.force(true); // clean pages: none locked for writeback while the fault maps its neighbours
                long mapped = 0;
                // fault-around skips a page locked at that moment (by writeback, reclaim): the most of 3 tries
                for (int attempt = 0; attempt < 3 && mapped <= 1; attempt++) {
                    try (Arena arena = Arena.ofConfined()) {
                        MemorySegment segment = channel.map(FileChannel.MapMode.READ_ONLY, 0, pages * page, arena);
                        long before = smapsBytes(segment.address(), "Rss");
                        segment.get(ValueLayout.JAVA_BYTE, 0);
                        mapped = Math.max(mapped, (smapsBytes(segment.address(), "Rss") - before) / page);
                    }
                }
                return new Probe<>("fault-around", mapped, mapped > 1, "one read fault on a cached " + pages
                        + "-page file in " + file.getParent() + " mapped " + mapped + " pages"
                        + (mapped > 1 ? ": faults on cached files are fewer than the pages they map"
                                : ": this kernel maps one page per read fault (fault_around_bytes is one page)"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot probe fault-around with a file in java.io.tmpdir", e);
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // a temporary file left behind is harmless
                }
            }
        }
    }

    // tag::userfaultfd-probe[]
    /**
     * Whether this process can handle the missing-page faults of its own memory with
     * {@code userfaultfd(2)}: found by opening one ({@link UserfaultCalls#openForUserFaults}),
     * negotiating the API and registering one page of anonymous memory. The reason says how (for
     * faults in user mode only, {@code UFFD_USER_MODE_ONLY}, or for all), what
     * {@code vm.unprivileged_userfaultfd} says, and the errno when it failed. Asked once.
     */
    public static synchronized Probe<Boolean> userfaultfd() {
        if (userfaultfd == null) {
            userfaultfd = probeUserfaultfd();
        }
        return userfaultfd;
    }

    private static Probe<Boolean> probeUserfaultfd() {
        String sysctl = unprivilegedUserfaultfd();
        long page = Pages.size();
        int flags = UserfaultCalls.O_CLOEXEC | UserfaultCalls.O_NONBLOCK;
        int fd;
        boolean userModeOnly = true;
        try {
            try {
                fd = UserfaultCalls.userfaultfd(flags | UserfaultCalls.UFFD_USER_MODE_ONLY);
            } catch (NativeCallException e) {
                if (!e.errnoName().equals("EINVAL")) {
                    throw e;
                }
                userModeOnly = false; // before Linux 5.11: no such flag
                fd = UserfaultCalls.userfaultfd(flags);
            }
        } catch (NativeCallException e) {
            String why = switch (e.errnoName()) {
                case "ENOSYS" -> "this kernel is built without CONFIG_USERFAULTFD";
                case "EPERM" -> "this process is not privileged (CAP_SYS_PTRACE) and " + UNPRIVILEGED_USERFAULTFD
                        + " is " + sysctl + ", and the kernel knows no UFFD_USER_MODE_ONLY (Linux 5.11)";
                default -> "the system call is refused here (a seccomp filter of a container, say)";
            };
            return new Probe<>("userfaultfd", false, false, e.getMessage() + ": " + why);
        }
        try (RawMapping memory = RawMapping.anonymous(page, PROT_READ | PROT_WRITE, MAP_PRIVATE)) {
            UserfaultCalls.api(fd, 0);
            UserfaultCalls.register(fd, memory.address(), page, UserfaultCalls.UFFDIO_REGISTER_MODE_MISSING);
            UserfaultCalls.unregister(fd, memory.address(), page);
            return new Probe<>("userfaultfd", true, true, "userfaultfd(" + UserfaultCalls.flagNames(flags
                    | (userModeOnly ? UserfaultCalls.UFFD_USER_MODE_ONLY : 0)) + ") and registering a page for missing"
                    + " faults worked, " + UNPRIVILEGED_USERFAULTFD + " is " + sysctl + (userModeOnly
                    ? ": this process handles the faults its code takes in user mode, which is what the kit's pager"
                    + " needs (a system call that touches a page not yet served gets EFAULT instead of waiting)"
                    : ": this kernel knows no UFFD_USER_MODE_ONLY (Linux 5.11), and let this process handle all faults"));
        } catch (NativeCallException e) {
            return new Probe<>("userfaultfd", false, false, e.getMessage() + ": the descriptor was made, but not"
                    + " usable for missing faults of anonymous memory");
        } finally {
            PosixFiles.close(fd);
        }
    }

    /** What {@code /proc/sys/vm/unprivileged_userfaultfd} says: {@code 0}, {@code 1}, or {@code missing}. */
    static String unprivilegedUserfaultfd() {
        return Sysctl.readIfPresent("vm/unprivileged_userfaultfd").orElse("missing");
    }
    // end::userfaultfd-probe[]

    /**
     * Whether {@code RLIMIT_MEMLOCK} limits what this process may lock: true without
     * {@code CAP_IPC_LOCK} and with a finite soft limit (the usual case for a user); false for root and
     * for a process given the capability or an unlimited limit. The reason names the limits.
     */
    public static Probe<Boolean> memlockLimit() {
        MemlockLimit limit = MemlockLimit.current();
        String why = limit.capIpcLock() ? "CAP_IPC_LOCK is in CapEff, so the limit does not apply"
                : limit.applies() ? "no CAP_IPC_LOCK: locking more than the soft limit fails with ENOMEM"
                : "the soft limit is unlimited";
        return new Probe<>("RLIMIT_MEMLOCK applies", limit.applies(), limit.applies(), limit + ": " + why);
    }

    /** The overcommit mode ({@code vm.overcommit_memory}) with its ratio and CommitLimit; mode 0 is usual. */
    public static Probe<Integer> overcommit() {
        OvercommitPolicy policy = OvercommitPolicy.current();
        mmapkit.mapping.proc.SystemMemory memory = mmapkit.mapping.proc.SystemMemory.current();
        return new Probe<>("overcommit mode", policy.mode(), policy.mode() == OvercommitPolicy.HEURISTIC,
                "vm.overcommit_memory is " + policy.modeName() + ", overcommit_ratio " + policy.ratio()
                        + ", overcommit_kbytes " + policy.kbytes() + "; CommitLimit " + (memory.commitLimit() >> 20)
                        + " MiB, Committed_AS " + (memory.committedAs() >> 20) + " MiB, RAM + swap "
                        + (memory.ramPlusSwap() >> 20) + " MiB");
    }

    /**
     * Which cgroup version holds the memory controller this process is charged to: {@code v2}
     * (the unified hierarchy, the usual case), {@code v1}, or {@code none}, with where it was found.
     */
    public static Probe<String> memoryCgroup() {
        MemoryCgroup.Discovery found = MemoryCgroup.current();
        String version = found.group().map(group -> group.version().name().toLowerCase(Locale.ROOT)).orElse("none");
        return new Probe<>("memory cgroup", version, version.equals("v2"), found.reason());
    }

    /**
     * Whether this process can make a child memory cgroup with a limit of its own, as the OOM killer
     * experiment does: found by making one with a limit of 64 MiB and removing it at once. Usually
     * only root, or a user in a delegated subtree ({@code systemd-run --user --scope}), can. Asked once.
     */
    public static synchronized Probe<Boolean> limitedChildCgroup() {
        if (limitedChild == null) {
            limitedChild = probeLimitedChild();
        }
        return limitedChild;
    }

    private static Probe<Boolean> probeLimitedChild() {
        String name = "limited child memory cgroup";
        MemoryCgroup.Discovery found = MemoryCgroup.current();
        if (found.group().isEmpty()) {
            return new Probe<>(name, false, false, found.reason());
        }
        MemoryCgroup group = found.group().get();
        String child = "mmapkit-probe-" + ProcessHandle.current().pid();
        try (MemoryCgroup.LimitedGroup made = group.createChild(child, 64L << 20)) {
            return new Probe<>(name, true, true, "made a group with a limit of " + (made.group().limit() >> 20)
                    + " MiB below this process's own and removed it: experiments can run a child process in a"
                    + " group of its own and watch the OOM killer there");
        } catch (UncheckedIOException e) {
            return new Probe<>(name, false, false, e.getMessage() + ": the OOM experiment skips here");
        }
    }

    /** Every probe of this module, in a stable order. */
    public static List<Probe<?>> all() {
        return List.of(zeroPageOnReadFault(), transparentHugePages(), anonymousFolioSizes(), populateAdvice(), faultAround(),
                userfaultfd(), memlockLimit(), overcommit(), memoryCgroup(), limitedChildCgroup());
    }

    /**
     * A field of the {@code /proc/self/smaps} entry of the area holding {@code address}, in bytes.
     *
     * @throws IllegalStateException when no area holds it, or the entry has no such field
     */
    static long smapsBytes(long address, String field) {
        String text;
        try {
            text = Files.readString(Path.of("/proc/self/smaps"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/self/smaps", e);
        }
        boolean inside = false;
        for (String line : text.split("\n")) {
            if (MapsEntry.isEntryLine(line)) {
                inside = MapsEntry.parse(line).contains(address);
            } else if (inside) {
                var parsed = ProcField.parse(line);
                if (parsed.isPresent() && parsed.get().name().equals(field)) {
                    return parsed.get().bytes();
                }
            }
        }
        throw new IllegalStateException("/proc/self/smaps has no " + field + " for an area holding 0x"
                + Long.toHexString(address));
    }

    private static java.util.Optional<String> bracketed(Path file) {
        try {
            Matcher matcher = BRACKETED.matcher(Files.readString(file));
            return matcher.find() ? java.util.Optional.of(matcher.group(1).toLowerCase(Locale.ROOT)) : java.util.Optional.empty();
        } catch (NoSuchFileException e) {
            return java.util.Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static boolean hasMthpFolders() {
        try (Stream<Path> folders = Files.list(THP)) {
            return folders.anyMatch(folder -> MTHP_FOLDER.matcher(folder.getFileName().toString()).matches());
        } catch (IOException e) {
            return false;
        }
    }

    private static long pmdSize() {
        try {
            return Long.parseLong(Files.readString(THP.resolve("hpage_pmd_size")).strip());
        } catch (IOException | NumberFormatException e) {
            return 512 * Pages.size(); // one page-table page of 8-byte entries
        }
    }
}
