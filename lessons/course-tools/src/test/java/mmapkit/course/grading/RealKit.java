package mmapkit.course.grading;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The kit these tests run in, and copies of its module 01 to grade prepared submissions against:
 * a fixture kit holds module 01's graded tests, hints, reference and starter code and nothing
 * else, so the tests grade module 01 only and never touch the real kit.
 */
public final class RealKit {

    public static final String MODULE = "01-mapping";
    public static final String EXERCISE = "exercises/" + MODULE + "/src/main/java";
    public static final String PACKAGE = "mmapkit/mapping";

    private RealKit() {
    }

    /** The kit's root: the folder above the course tools that holds {@code lessons/01-mapping}. */
    public static Path root() {
        for (Path folder = Path.of("").toAbsolutePath(); folder != null; folder = folder.getParent()) {
            if (Files.isDirectory(folder.resolve("lessons/" + MODULE)) && Files.isDirectory(folder.resolve("solutions/" + MODULE))) {
                return folder;
            }
        }
        throw new IllegalStateException("these tests run inside the kit: no folder above " + Path.of("").toAbsolutePath()
                + " holds lessons/" + MODULE);
    }

    /** A kit with module 01 only, copied from the real one. */
    public static Path fixtureKit(Path into) {
        Path real = root();
        copy(real.resolve("lessons/" + MODULE + "/src/test"), into.resolve("lessons/" + MODULE + "/src/test"));
        copy(real.resolve("lessons/" + MODULE + "/hints"), into.resolve("lessons/" + MODULE + "/hints"));
        copy(real.resolve("solutions/" + MODULE + "/src/main"), into.resolve("solutions/" + MODULE + "/src/main"));
        // the stubs as the generator makes them: the real exercises/ may hold a learner's work
        mmapkit.course.stubs.StubGenerator.write(real.resolve("solutions/" + MODULE), into.resolve("exercises/" + MODULE));
        copy(real.resolve("pom.xml"), into.resolve("pom.xml"));
        return into;
    }

    /** A submission whose exercise sources are the kit's reference code (full points) or its stubs (none). */
    public static Path submission(Path kit, Path into, boolean solutions) {
        copy(kit.resolve((solutions ? "solutions/" : "exercises/") + MODULE + "/src/main/java"), into.resolve(EXERCISE));
        return into;
    }

    /** Replaces {@code old} by {@code replacement} (once) in a source file of a submission's exercise. */
    public static void edit(Path submission, String file, String old, String replacement) {
        Path source = submission.resolve(EXERCISE).resolve(PACKAGE).resolve(file);
        try {
            String text = Files.readString(source);
            if (!text.contains(old)) {
                throw new IllegalStateException(source + " does not contain: " + old);
            }
            Files.writeString(source, text.replace(old, replacement));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies a file, or the regular files of a folder. */
    public static void copy(Path from, Path to) {
        try {
            if (Files.isRegularFile(from)) {
                Files.createDirectories(to.getParent());
                Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
                return;
            }
            try (Stream<Path> paths = Files.walk(from)) {
                for (Path path : paths.toList()) {
                    Path copy = to.resolve(from.relativize(path).toString());
                    if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                        Files.createDirectories(copy);
                    } else if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
                        Files.createDirectories(copy.getParent());
                        Files.copy(path, copy, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Zips the files of a folder, under a top folder as a download of a repository has them. */
    public static void zip(Path folder, String top, Path zip) {
        try (OutputStream out = Files.newOutputStream(zip); ZipOutputStream zipped = new ZipOutputStream(out);
             Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.filter(Files::isRegularFile).sorted().toList()) {
                zipped.putNextEntry(new ZipEntry(top + "/" + folder.relativize(path).toString().replace('\\', '/')));
                zipped.write(Files.readAllBytes(path));
                zipped.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes a zip of these entries, in name order. */
    public static void zip(Path zip, Map<String, String> entries) {
        try (OutputStream out = Files.newOutputStream(zip); ZipOutputStream zipped = new ZipOutputStream(out)) {
            for (Map.Entry<String, String> entry : new TreeMap<>(entries).entrySet()) {
                zipped.putNextEntry(new ZipEntry(entry.getKey()));
                zipped.write(entry.getValue().getBytes(StandardCharsets.UTF_8));
                zipped.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
