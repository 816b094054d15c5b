package mmapkit.mapping.proc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How the kernel's OOM killer ranks a process: {@code /proc/PID/oom_score} and
 * {@code /proc/PID/oom_score_adj}.
 *
 * <p>When memory runs out and reclaim cannot free enough, the OOM killer kills the process with the
 * highest score among those it may choose (all of the machine's, or those of one memory cgroup
 * whose limit was hit). The score is about the process's memory (resident pages, swap entries and
 * page tables) in thousandths of the memory it may use, plus the adjustment.
 *
 * @param score      {@code oom_score}: 0 to 2000, higher is killed first
 * @param adjustment {@code oom_score_adj}: -1000 (never kill) to 1000, added to the score; a
 *                   process may raise its own, lowering it needs {@code CAP_SYS_RESOURCE}
 */
public record OomScore(int score, int adjustment) {

    /**
     * The scores of process {@code pid} now.
     *
     * @throws IllegalArgumentException for a pid that is not positive
     * @throws UncheckedIOException     when the files cannot be read (the process has ended, say)
     */
    public static OomScore of(long pid) {
        if (pid <= 0) {
            throw new IllegalArgumentException("pid " + pid + " is not a process ID: expected a positive number");
        }
        Path folder = Path.of("/proc", Long.toString(pid));
        return new OomScore(number(folder.resolve("oom_score")), number(folder.resolve("oom_score_adj")));
    }

    /** The running process's scores. */
    public static OomScore current() {
        return of(ProcessHandle.current().pid());
    }

    private static int number(Path file) {
        try {
            return Integer.parseInt(Files.readString(file).strip());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
