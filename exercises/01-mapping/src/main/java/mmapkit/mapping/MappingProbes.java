package mmapkit.mapping;

import mmapkit.mapping.natives.Architecture;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The probes module 01 owns: what every later module's arithmetic and system calls depend on.
 * Tests use {@link Pages#size()} for the page size, never a literal.
 */
public final class MappingProbes {

    private MappingProbes() {
    }

    /** The page size of this system ({@code sysconf(_SC_PAGESIZE)}); 4 KiB is the usual case. */
    public static Probe<Long> pageSize() {
        long size = Pages.size();
        boolean usual = size == 4096;  // not a page size: 4 KiB is the usual case, not an assumption
        return new Probe<>("page size", size, usual,
                "sysconf(_SC_PAGESIZE) says " + size + " bytes" + (usual ? ""
                        : ": counts of pages in the book (written on 4 KiB pages) differ here; tests count in pages"));
    }

    /** The architecture, and whether the kit knows its system-call numbers. */
    public static Probe<String> architecture() {
        String arch = System.getProperty("os.arch");
        try {
            Architecture known = Architecture.of(arch);
            return new Probe<>("architecture", arch, known == Architecture.X86_64,
                    "os.arch is " + arch + " (" + known + "): futex is system call " + known.systemCall("futex"));
        } catch (UnsupportedOperationException e) {
            return new Probe<>("architecture", arch, false, e.getMessage());
        }
    }

    /** The kernel release ({@code os.version}), as {@code uname -r} prints it. */
    public static Probe<String> kernelRelease() {
        String release = System.getProperty("os.version");
        return new Probe<>("kernel release", release, true, "uname -r says " + release);
    }

    /** Whether this kernel is at least {@code major.minor}, from {@link #kernelRelease()}. */
    public static boolean kernelAtLeast(int major, int minor) {
        String[] parts = System.getProperty("os.version").split("[.-]");
        int have = parts.length > 0 ? number(parts[0]) : 0;
        int haveMinor = parts.length > 1 ? number(parts[1]) : 0;
        return have > major || (have == major && haveMinor >= minor);
    }

    private static int number(String part) {
        return !part.isEmpty() && part.chars().allMatch(Character::isDigit) ? Integer.parseInt(part) : 0;
    }

    /** {@code CAP_SYS_ADMIN}: pagemap frame numbers, {@code /proc/PID/map_files}. */
    public static final int CAP_SYS_ADMIN = 21;
    /** {@code CAP_CHECKPOINT_RESTORE} (Linux 5.9+): {@code /proc/PID/map_files}. */
    public static final int CAP_CHECKPOINT_RESTORE = 40;

    /**
     * Whether this process holds the capability {@code bit} (of {@code CapEff} in
     * {@code /proc/self/status}) in the initial user namespace, where the kernel checks the ones the
     * kit's tests depend on. The root of a user namespace of its own (a rootless container,
     * {@code unshare -r}) has the bits set, but not there: only in the initial namespace does
     * {@code /proc/self/uid_map} map every uid to itself.
     */
    public static boolean hasCapability(int bit) {
        try {
            boolean initialNamespace = Files.readString(Path.of("/proc/self/uid_map")).strip()
                    .matches("0\\s+0\\s+4294967295");
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    return initialNamespace
                            && (Long.parseUnsignedLong(line.substring("CapEff:".length()).strip(), 16) & (1L << bit)) != 0;
                }
            }
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/self/uid_map or /proc/self/status", e);
        }
    }

    /** Every probe of this module, in a stable order. */
    public static List<Probe<?>> all() {
        return List.of(kernelRelease(), architecture(), pageSize());
    }
}
