package mmapkit.mapping.natives;

import java.util.Locale;
import java.util.Map;

/**
 * The processor architectures the kit runs on, and what differs between them for the kit's native
 * calls: the numbers of the system calls that the C library has no wrapper for.
 *
 * <p>Only x86-64 and arm64 (aarch64) are supported. Everything else the bindings use is the same
 * on both: errno values ({@code asm-generic/errno.h}, which x86-64 shares), the {@code mmap},
 * {@code mprotect}, {@code mremap}, {@code madvise}, {@code msync} and seal constants, and
 * little-endian byte order. Other
 * architectures (MIPS, SPARC, POWER, ...) number some errno values and flags differently, so the
 * kit refuses them by name instead of calling the wrong system call.
 */
public enum Architecture {

    /** x86-64 ({@code os.arch} is {@code amd64} or {@code x86_64}): numbers from {@code arch/x86/entry/syscalls/syscall_64.tbl}. */
    X86_64(Map.of("futex", 202L, "cachestat", 451L, "userfaultfd", 323L)),
    /** arm64 ({@code os.arch} is {@code aarch64}): numbers from {@code include/uapi/asm-generic/unistd.h}. */
    AARCH64(Map.of("futex", 98L, "cachestat", 451L, "userfaultfd", 282L));

    private final Map<String, Long> systemCalls;

    Architecture(Map<String, Long> systemCalls) {
        this.systemCalls = systemCalls;
    }

    /**
     * The architecture named by {@code os.arch}, such as {@code amd64} or {@code aarch64}.
     *
     * @throws UnsupportedOperationException for any other, naming it
     */
    public static Architecture of(String osArch) {
        return switch (osArch.toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64" -> X86_64;
            case "aarch64", "arm64" -> AARCH64;
            default -> throw new UnsupportedOperationException("os.arch " + osArch + " is not supported: the kit knows"
                    + " the system-call numbers of x86-64 (amd64) and arm64 (aarch64) only");
        };
    }

    /**
     * The architecture this JVM runs on.
     *
     * @throws UnsupportedOperationException when it is neither x86-64 nor arm64, naming {@code os.arch}
     */
    public static Architecture current() {
        return of(System.getProperty("os.arch"));
    }

    /**
     * The number of the system call {@code name} on this architecture, for {@code syscall(2)}.
     *
     * @throws IllegalArgumentException for a name the table lacks
     */
    public long systemCall(String name) {
        Long number = systemCalls.get(name);
        if (number == null) {
            throw new IllegalArgumentException("system call '" + name + "' is not in the kit's table for " + this
                    + ": it knows " + systemCalls.keySet().stream().sorted().toList());
        }
        return number;
    }
}
