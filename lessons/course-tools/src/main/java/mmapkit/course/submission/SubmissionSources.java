package mmapkit.course.submission;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Takes a learner's Java sources out of a submission into a private folder, and nothing else:
 * only {@code exercises/NN-name/src/main/java/**}{@code .java}, regular files only, within limits.
 *
 * <ul>
 *   <li>A folder: every path is resolved without following links, and a symbolic link anywhere under
 *       {@code exercises/} refuses the whole submission (a link could lead to the kit's solutions).</li>
 *   <li>A git working copy (a folder with {@code .git}): its last commit, taken with {@code git archive}
 *       in the sandbox (a repository's own configuration could run commands), else its files.</li>
 *   <li>A {@code .zip}: entries that are absolute or climb out with {@code ../} refuse it; so do more than
 *       {@link #MAX_ENTRIES} entries, an entry that expands more than {@link #MAX_RATIO} times, or more
 *       than {@link #MAX_TOTAL_BYTES} of sources. Only {@code .java} entries under {@code exercises/}
 *       are unpacked.</li>
 * </ul>
 * Every refusal is an {@link IllegalArgumentException} that names the submission and the rule.
 */
final class SubmissionSources {

    static final int MAX_ENTRIES = 5_000;
    static final int MAX_FILES = 2_000;
    static final long MAX_FILE_BYTES = 1L << 20;
    static final long MAX_TOTAL_BYTES = 20L << 20;
    static final int MAX_RATIO = 100;

    private static final Pattern EXERCISE_SOURCE = Pattern.compile("exercises/\\d{2}-[a-z0-9-]+/src/main/java/(.+/)?[\\w$]+\\.java");

    private SubmissionSources() {
    }

    /**
     * Copies the submission's exercise sources into {@code into} ({@code into/exercises/NN-name/src/main/java/...}).
     *
     * @return {@code into}
     * @throws IllegalArgumentException when the submission breaks a rule above
     */
    static Path take(Path submission, Path into, Sandbox sandbox) throws IOException {
        if (!Files.exists(submission)) {
            throw new IllegalArgumentException("the submission " + submission + " does not exist");
        }
        Path real = submission.toRealPath();
        Files.createDirectories(into);
        if (Files.isDirectory(real)) {
            Path archive = into.getParent().resolve("submission-head.zip");
            if (Files.isDirectory(real.resolve(".git"), LinkOption.NOFOLLOW_LINKS) && sandbox.isolated()
                    && gitArchive(real, archive, sandbox)) {
                fromZip(archive, into, submission + " (its last commit)");
                Files.deleteIfExists(archive);
            } else {
                fromFolder(real, into, submission);
            }
        } else if (real.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".zip")) {
            fromZip(real, into, submission.toString());
        } else {
            throw new IllegalArgumentException("the submission " + submission + " is neither a folder nor a .zip");
        }
        return into;
    }

    private static void fromFolder(Path root, Path into, Path shown) throws IOException {
        Path exercises = root.resolve("exercises");
        if (Files.isSymbolicLink(exercises)) {
            throw refused(shown, "its exercises folder is a symbolic link (to " + Files.readSymbolicLink(exercises)
                    + "); links are refused: submit the files themselves");
        }
        if (!Files.isDirectory(exercises, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Budget budget = new Budget(shown);
        try (Stream<Path> walk = Files.walk(exercises)) {
            for (Path path : walk.toList()) {
                String relative = root.relativize(path).toString().replace(path.getFileSystem().getSeparator(), "/");
                if (Files.isSymbolicLink(path)) {
                    throw refused(shown, "it holds a symbolic link at " + relative + " (to " + Files.readSymbolicLink(path)
                            + "); links are refused: submit the files themselves");
                }
                if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS) || !EXERCISE_SOURCE.matcher(relative).matches()) {
                    continue;
                }
                long size = Files.size(path);
                budget.add(relative, size);
                Path target = into.resolve(relative);
                Files.createDirectories(target.getParent());
                try (InputStream in = Files.newInputStream(path, LinkOption.NOFOLLOW_LINKS)) {
                    copyBounded(in, target, relative, budget);
                }
            }
        }
    }

    private static void fromZip(Path zip, Path into, String shown) throws IOException {
        Path target = into.toAbsolutePath().normalize();
        try (ZipFile file = new ZipFile(zip.toFile())) {
            if (file.size() > MAX_ENTRIES) {
                throw refused(shown, "it holds " + file.size() + " entries, more than the " + MAX_ENTRIES + " allowed");
            }
            List<ZipEntry> entries = new ArrayList<>();
            Enumeration<? extends ZipEntry> all = file.entries();
            while (all.hasMoreElements()) {
                ZipEntry entry = all.nextElement();
                String name = entry.getName().replace('\\', '/');
                boolean climbs = Stream.of(name.split("/")).anyMatch(".."::equals);
                if (name.startsWith("/") || name.matches("^[A-Za-z]:.*") || climbs
                        || !target.resolve(name).normalize().startsWith(target)) {
                    throw refused(shown, "it holds the entry '" + entry.getName() + "', which points outside the folder it unpacks to");
                }
                entries.add(entry);
            }
            String top = commonTop(entries);
            Budget budget = new Budget(Path.of(shown));
            for (ZipEntry entry : entries) {
                String name = entry.getName().replace('\\', '/');
                String relative = top != null && name.startsWith(top) ? name.substring(top.length()) : name;
                if (entry.isDirectory() || !EXERCISE_SOURCE.matcher(relative).matches()) {
                    continue;
                }
                if (entry.getCompressedSize() > 0 && entry.getSize() > (long) MAX_RATIO * entry.getCompressedSize()
                        && entry.getSize() > 65536) {
                    throw refused(shown, "its entry " + name + " expands " + entry.getSize() / entry.getCompressedSize()
                            + " times (more than " + MAX_RATIO + "): a zip bomb?");
                }
                budget.add(relative, Math.max(entry.getSize(), 0));
                Path out = target.resolve(relative).normalize();
                Files.createDirectories(out.getParent());
                try (InputStream in = file.getInputStream(entry)) {
                    copyBounded(in, out, relative, budget);
                }
            }
        }
    }

    /** The one folder every entry lies in ({@code name/}), as in a download of a repository, when {@code exercises/} is below it. */
    private static String commonTop(List<ZipEntry> entries) {
        if (entries.stream().anyMatch(entry -> entry.getName().startsWith("exercises/"))) {
            return null;
        }
        String top = null;
        for (ZipEntry entry : entries) {
            String name = entry.getName();
            int slash = name.indexOf('/');
            String first = slash < 0 ? name + "/" : name.substring(0, slash + 1);
            if (top == null) {
                top = first;
            } else if (!top.equals(first)) {
                return null;
            }
        }
        return top;
    }

    /** Copies at most the file limit, counting what really came out of the stream (a zip may lie about sizes). */
    private static void copyBounded(InputStream in, Path target, String name, Budget budget) throws IOException {
        byte[] buffer = new byte[16 * 1024];
        long written = 0;
        try (OutputStream out = Files.newOutputStream(target)) {
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                written += read;
                if (written > MAX_FILE_BYTES) {
                    throw budget.refused("its file " + name + " is larger than " + (MAX_FILE_BYTES >> 20) + " MiB");
                }
                budget.unpacked(read);
                out.write(buffer, 0, read);
            }
        }
    }

    /** Counts files and bytes against the limits. */
    private static final class Budget {
        private final Path shown;
        private int files;
        private long declared;
        private long unpacked;

        Budget(Path shown) {
            this.shown = shown;
        }

        void add(String name, long size) {
            if (++files > MAX_FILES) {
                throw refused("it holds more than " + MAX_FILES + " Java files under exercises/");
            }
            if (size > MAX_FILE_BYTES) {
                throw refused("its file " + name + " is larger than " + (MAX_FILE_BYTES >> 20) + " MiB");
            }
            declared += size;
            if (declared > MAX_TOTAL_BYTES) {
                throw refused("its Java files under exercises/ hold more than " + (MAX_TOTAL_BYTES >> 20) + " MiB");
            }
        }

        void unpacked(long bytes) {
            unpacked += bytes;
            if (unpacked > MAX_TOTAL_BYTES) {
                throw refused("its Java files under exercises/ unpack to more than " + (MAX_TOTAL_BYTES >> 20) + " MiB");
            }
        }

        IllegalArgumentException refused(String why) {
            return SubmissionSources.refused(shown, why);
        }
    }

    private static IllegalArgumentException refused(Object submission, String why) {
        return new IllegalArgumentException("the submission " + submission + " is refused: " + why);
    }

    /**
     * {@code git archive HEAD} of a working copy, run in the sandbox (the copy's own configuration could name commands).
     *
     * @return false when it is no repository with a commit (then its files are taken as they are)
     */
    private static boolean gitArchive(Path repository, Path archive, Sandbox sandbox) throws IOException {
        Path work = Files.createDirectories(archive.getParent().resolve("git-work"));
        List<String> command = List.of("git", "-c", "safe.directory=*", "-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null",
                "-C", repository.toString(), "archive", "--format=zip", "-o", archive.toString(), "HEAD");
        List<String> line = sandbox.wrap(command, List.of(repository), List.of(archive.getParent()), work, Limits.Group.NONE);
        Process process = new ProcessBuilder(line).redirectErrorStream(true)
                .redirectOutput(archive.getParent().resolve("git.log").toFile()).start();
        try {
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw refused(repository, "git archive did not finish within 120 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted", e);
        }
        return process.exitValue() == 0 && Files.exists(archive);
    }
}
