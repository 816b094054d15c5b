package mmapkit.mapping;

import mmapkit.mapping.natives.Architecture;

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
        return new Probe<>("page size", size, size == 4096,  // not a page size: 4 KiB is the usual case, not an assumption
                "sysconf(_SC_PAGESIZE) says " + size + " bytes" + (size == 4096 ? ""  // not a page size: 4 KiB is the usual case, not an assumption
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

    /** Every probe of this module, in a stable order. */
    public static List<Probe<?>> all() {
        return List.of(kernelRelease(), architecture(), pageSize());
    }
}
