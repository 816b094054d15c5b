package mmapkit.course.submission;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A SHA-256 of every file of the kit that grading relies on or that could change a later result:
 * graded tests, hints, reference and starter code, build files, the launcher, the compiled course
 * tools and grading harness ({@code target/classes} of both), and git's configuration and hooks
 * (other {@code target/} folders, the rest of {@code .git/} and the {@code .course/} cache left out).
 * Taken before and after grading a submission, it shows whether the submission's code changed the kit.
 *
 * @param hashes file (relative to the kit's root, with {@code /}) to its hash, in path order
 */
public record KitFingerprint(Map<String, String> hashes) {

    private static final Set<String> SKIPPED_FOLDERS = Set.of("target", ".git", ".course", ".idea", "node_modules");
    /** Inside skipped folders, what a grading process could change to alter a later result. */
    private static final List<String> ALWAYS_HASHED = List.of("lessons/course-tools/target/classes",
            "lessons/grading-harness/target/classes", ".git/config", ".git/hooks", ".git/info");

    public KitFingerprint {
        hashes = java.util.Collections.unmodifiableMap(new TreeMap<>(hashes));
    }

    /** The fingerprint of the kit at {@code root} now. */
    public static KitFingerprint of(Path root) {
        Path kit = root.toAbsolutePath().normalize();
        Map<String, String> hashes = new TreeMap<>();
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            Files.walkFileTree(kit, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                    String relative = kit.relativize(dir).toString().replace(dir.getFileSystem().getSeparator(), "/");
                    if (ALWAYS_HASHED.stream().anyMatch(kept -> relative.equals(kept) || kept.startsWith(relative + "/")
                            || relative.startsWith(kept + "/"))) {
                        return FileVisitResult.CONTINUE;
                    }
                    if (relative.startsWith(".git/")) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    return !dir.equals(kit) && SKIPPED_FOLDERS.contains(dir.getFileName().toString())
                            ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    String relative = kit.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
                    if (relative.startsWith(".git/") && ALWAYS_HASHED.stream().noneMatch(kept -> relative.equals(kept)
                            || relative.startsWith(kept + "/"))) {
                        return FileVisitResult.CONTINUE;
                    }
                    if (Files.isSymbolicLink(file)) {
                        hashes.put(relative, "link:" + Files.readSymbolicLink(file));
                    } else if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                        hashes.put(relative, HexFormat.of().formatHex(digest.digest(Files.readAllBytes(file))));
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    hashes.put(kit.relativize(file).toString(), "unreadable: " + e.getClass().getSimpleName());
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the kit at " + kit, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return new KitFingerprint(hashes);
    }

    /** This fingerprint and {@code other}'s files under {@code prefix} (such as the hidden tests, {@code hidden:}). */
    public KitFingerprint with(String prefix, KitFingerprint other) {
        Map<String, String> all = new TreeMap<>(hashes);
        other.hashes.forEach((path, hash) -> all.put(prefix + path, hash));
        return new KitFingerprint(all);
    }

    /** What differs in {@code now}: one line per file, {@code changed: PATH}, {@code added: PATH} or {@code deleted: PATH}. */
    public List<String> changesIn(KitFingerprint now) {
        Set<String> paths = new TreeSet<>(hashes.keySet());
        paths.addAll(now.hashes.keySet());
        List<String> changes = new ArrayList<>();
        for (String path : paths) {
            String before = hashes.get(path);
            String after = now.hashes.get(path);
            if (before == null) {
                changes.add("added: " + path);
            } else if (after == null) {
                changes.add("deleted: " + path);
            } else if (!before.equals(after)) {
                changes.add("changed: " + path);
            }
        }
        return changes;
    }
}
