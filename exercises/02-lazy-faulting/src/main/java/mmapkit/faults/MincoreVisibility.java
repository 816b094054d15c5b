package mmapkit.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Whether {@code mincore} tells this process the truth about a file's pages.
 *
 * <p>Since Linux 5.2 ({@code mm/mincore.c}, {@code can_do_mincore}), mincore shows the page-cache
 * state of a file mapping only when the caller owns the file, has {@code CAP_FOWNER} (root
 * usually has), or could open it for writing; for any other file it reports <em>every</em> page
 * resident. Without that rule, watching which pages of a shared library are cached would let
 * one process spy on another. A tool that does not check reports a wrong answer silently.
 *
 * @param reliable whether mincore's answer is the page cache's state
 * @param reason   why, in a sentence a person can act on
 */
public record MincoreVisibility(boolean reliable, String reason) {

    /** Bit 3 of {@code CapEff}: {@code CAP_FOWNER} (linux/capability.h). */
    static final int CAP_FOWNER = 3;

    private static final Pattern RELEASE = Pattern.compile("(\\d+)\\.(\\d+).*");

    /**
     * The rule on its own, from the facts.
     *
     * @param kernelRelease the kernel's release, as {@code uname -r} prints it ({@code 6.8.0-45-generic})
     * @param fileOwnerUid  the file's owner
     * @param callerFsUid   the user id the kernel checks ownership with (the file-system uid, as a rule the
     *                      effective one)
     * @param capFowner     whether the caller has {@code CAP_FOWNER}
     * @param writable      whether the caller could open the file for writing
     * @throws IllegalArgumentException when {@code kernelRelease} does not start with a version such as
     *                                  {@code 6.8}, naming the release: guessing could give a wrong answer
     */
    public static MincoreVisibility decide(String kernelRelease, long fileOwnerUid, long callerFsUid,
                                           boolean capFowner, boolean writable) {
        // TODO 02.2 (see hint 02.2)
        throw new UnsupportedOperationException("TODO 02.2: apply the Linux 5.2 rule of can_do_mincore (see hint 02.2)");
    }

    /** The rule applied to {@code file} and this process. */
    public static MincoreVisibility of(Path file) {
        String status;
        long owner;
        try {
            status = Files.readString(Path.of("/proc/self/status"));
            owner = ((Number) Files.getAttribute(file, "unix:uid")).longValue();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot tell who owns " + file + " or who this process is", e);
        }
        return decide(System.getProperty("os.version"), owner, fsUid(status), hasCapability(status, CAP_FOWNER),
                Files.isWritable(file));
    }

    /** The 4th number of the {@code Uid:} line of a status text (real, effective, saved, file-system). */
    static long fsUid(String status) {
        return status.lines().filter(line -> line.startsWith("Uid:")).findFirst()
                .map(line -> Long.parseLong(line.substring(4).strip().split("\\s+")[3]))
                .orElseThrow(() -> new IllegalArgumentException("no Uid: line in the status text"));
    }

    /** Whether bit {@code capability} of the {@code CapEff:} line (hexadecimal) is set. */
    static boolean hasCapability(String status, int capability) {
        return status.lines().filter(line -> line.startsWith("CapEff:")).findFirst()
                .map(line -> (Long.parseUnsignedLong(line.substring(7).strip(), 16) >>> capability & 1) != 0)
                .orElse(false);
    }
}
