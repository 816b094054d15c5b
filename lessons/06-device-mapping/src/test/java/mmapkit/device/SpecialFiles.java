package mmapkit.device;

import mmapkit.course.TimeBudget;

import mmapkit.faults.bench.ScratchFolder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the tests of tasks 06.1 to 06.3 need besides the toolkit: a fresh folder under
 * {@code /dev/shm} (a tmpfs, like the objects of POSIX shared memory), deleted with everything in it
 * after each test; and their own reading of {@code /proc}, so that they check what the kernel says,
 * not what the code under test says it says.
 */
final class SpecialFiles implements AutoCloseable {

    private static final Pattern ENTRY = Pattern.compile("([0-9a-f]+)-([0-9a-f]+) .*");

    private final Path dir;

    private SpecialFiles(Path dir) {
        this.dir = dir;
    }

    /**
     * Runs {@code touches} in a platform thread of its own and waits for it to end, then waits (at
     * most 2 s) until {@code counter} has grown by {@code expected} from {@code before}; returns the
     * growth last seen. Kernel behaviour this absorbs: before Linux 6.2 each thread caches its RSS
     * counts and folds them into those of {@code /proc/self/status} only every 64 faults or when it
     * exits, so a reading right after the touches may lag; from 6.2 on the counts are exact at once.
     */
    static long growthAfterTouchesInAThread(Runnable touches, java.util.function.LongSupplier counter, long before,
            long expected) {
        Thread toucher = Thread.ofPlatform().start(touches);
        try {
            toucher.join(TimeBudget.scaled(java.time.Duration.ofSeconds(20)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long deadline = System.nanoTime() + TimeBudget.scaled(java.time.Duration.ofSeconds(2)).toNanos();
        long growth = counter.getAsLong() - before;
        while (growth < expected && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            growth = counter.getAsLong() - before;
        }
        return growth;
    }

    static SpecialFiles create() {
        return new SpecialFiles(ScratchFolder.fresh(ScratchFolder.inSharedMemory(), "mmapkit-special-"));
    }

    /** The folder: the tests' own place for POSIX shared memory objects. */
    Path dir() {
        return dir;
    }

    /**
     * The value of one line of the smaps entry of the area holding {@code address}, as the kernel
     * wrote it ({@code "4096 kB"}, {@code "rd wr mr mw me ac hg"}); empty when the entry has no such line.
     */
    static Optional<String> smapsValue(long address, String name) {
        boolean inside = false;
        for (String line : read(Path.of("/proc/self/smaps")).split("\n")) {
            Matcher entry = ENTRY.matcher(line);
            if (entry.matches()) {
                if (inside) {
                    return Optional.empty();
                }
                inside = Long.parseUnsignedLong(entry.group(1), 16) <= address
                        && address < Long.parseUnsignedLong(entry.group(2), 16);
            } else if (inside && line.startsWith(name + ":")) {
                return Optional.of(line.substring(name.length() + 1).strip());
            }
        }
        return Optional.empty();
    }

    /** A {@code N kB} line of the smaps entry of the area holding {@code address}, in bytes (0 when missing). */
    static long smapsBytes(long address, String name) {
        return smapsValue(address, name).map(value -> Long.parseLong(value.replace("kB", "").strip()) * 1024).orElse(0L);
    }

    /** A line of {@code /proc/meminfo}: a count, or bytes for the {@code kB} ones; empty when missing. */
    static Optional<Long> meminfo(String name) {
        for (String line : read(Path.of("/proc/meminfo")).split("\n")) {
            if (line.startsWith(name + ":")) {
                String value = line.substring(name.length() + 1).strip();
                return Optional.of(value.endsWith("kB") ? Long.parseLong(value.replace("kB", "").strip()) * 1024
                        : Long.parseLong(value));
            }
        }
        return Optional.empty();
    }

    /** How many descriptors of this process are open on something whose link reads {@code target}. */
    static long descriptorsOpenOn(String target) {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.map(SpecialFiles::linkOrEmpty).filter(target::equals).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where a {@code /proc} link points, or "" when it cannot be read (gone, or not permitted). */
    static String linkOrEmpty(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return "";
        }
    }

    /** Whether this process may open {@code file} for reading (the kernel's permission check, not a guess). */
    static boolean canOpen(Path file) {
        try {
            Files.newByteChannel(file, StandardOpenOption.READ).close();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    @Override
    public void close() {
        ScratchFolder.deleteTree(dir);
    }
}
