package mmapkit.course.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Copying, listing and deleting folders, the one way the course tools do it: regular files and
 * folders only, never following a symbolic link (a link is left out, so a copy can never reach
 * outside the folder it copies).
 */
public final class FileTrees {

    private FileTrees() {
    }

    /** Copies the regular files under {@code from} (if it is a folder) to {@code to}. */
    public static void copy(Path from, Path to) throws IOException {
        copy(from, to, relative -> true);
    }

    /**
     * Copies the regular files under {@code from} whose path relative to it {@code include} accepts
     * (a folder it refuses is left out with everything in it).
     */
    public static void copy(Path from, Path to, Predicate<Path> include) throws IOException {
        if (!Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : paths.sorted().toList()) {
                Path relative = from.relativize(path);
                if (!relative.toString().isEmpty() && !includedWithParents(relative, include)) {
                    continue;
                }
                Path copy = to.resolve(relative.toString());
                if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(copy);
                } else if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(copy.getParent());
                    Files.copy(path, copy, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static boolean includedWithParents(Path relative, Predicate<Path> include) {
        for (Path prefix = relative; prefix != null; prefix = prefix.getParent()) {
            if (!include.test(prefix)) {
                return false;
            }
        }
        return true;
    }

    /** The regular {@code .java} files under {@code folder}, sorted; none when it is no folder. */
    public static List<Path> javaFiles(Path folder) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(folder)) {
            return walk.filter(file -> file.toString().endsWith(".java") && Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder, e);
        }
    }

    /** Deletes {@code root} and everything under it (links themselves, never what they point to). */
    public static void delete(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /** As {@link #delete}, leaving what cannot be deleted (a file a killed process still held) to the system's cleaning. */
    public static void deleteQuietly(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException ignored) {
                    // see above
                }
            });
        } catch (IOException | UncheckedIOException ignored) {
            // see above
        }
    }
}
