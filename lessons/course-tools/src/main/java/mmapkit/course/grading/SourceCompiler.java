package mmapkit.course.grading;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import mmapkit.course.files.FileTrees;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Compiles one source folder with the JDK's own compiler, in this JVM, and keeps the classes
 * in a cache keyed by the sources and the class path, so that grading code nobody changed
 * costs nothing the second time.
 *
 * <p>The class path of every compilation is this JVM's own (the course tools, JUnit, AssertJ)
 * plus the folders the caller gives, so graded tests and toolkit code see the same libraries
 * at compile time as when they run.
 */
public final class SourceCompiler {

    /** What a compilation produced: the class folder, or the compiler's messages. */
    public record Compiled(Path classes, String errors) {
        boolean succeeded() {
            return errors == null;
        }
    }

    private static final int MAX_ERRORS_SHOWN = 20;

    private final Path cache;
    private final Path kitRoot;

    SourceCompiler(Path cache, Path kitRoot) {
        this.cache = cache;
        this.kitRoot = kitRoot;
    }

    /**
     * The classes of every Java file under {@code sources}; resources under a sibling
     * {@code resources} folder are copied next to them.
     *
     * @param label     a name for the cache folder, such as {@code solutions-01-mapping}
     * @param classPath class folders the sources may use besides this JVM's class path
     */
    Compiled compile(String label, Path sources, List<Path> classPath) {
        List<Path> files = javaFiles(sources);
        if (files.isEmpty()) {
            return new Compiled(null, relative(sources) + " holds no Java source");
        }
        Path output = cache.resolve(label + "-" + key(files, classPath));
        Path done = output.resolve(".compiled");
        if (Files.exists(done)) {
            return new Compiled(output, null);
        }
        try {
            Files.createDirectories(cache);
            Path scratch = Files.createTempDirectory(cache, label + "-");
            String errors = javac(files, classPath, scratch);
            if (errors != null) {
                deleteTree(scratch);
                return new Compiled(null, errors);
            }
            copyResources(sources.resolveSibling("resources"), scratch);
            Files.writeString(scratch.resolve(".compiled"), "compiled from " + relative(sources) + "\n");
            try {
                Files.move(scratch, output, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException raced) {
                // another grader compiled the same sources at the same time: keep its classes
                deleteTree(scratch);
                if (!Files.exists(done)) {
                    throw raced;
                }
            }
            return new Compiled(output, null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot compile " + sources + " into " + cache, e);
        }
    }

    private String javac(List<Path> files, List<Path> classPath, Path output) throws IOException {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        if (compiler == null) {
            throw new IllegalStateException("this Java runtime has no compiler: run the course tools on a JDK 25, not a JRE");
        }
        List<String> path = new ArrayList<>(classPath.stream().map(Path::toString).toList());
        path.addAll(HostClassPath.libraries());
        List<String> options = List.of("-d", output.toString(), "-cp", String.join(File.pathSeparator, path),
                "-encoding", "UTF-8", "-g", "-parameters", "-proc:none", "-implicit:none", "-nowarn", "-XDsuppressNotes");
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager fileManager = compiler.getStandardFileManager(diagnostics, Locale.ENGLISH, StandardCharsets.UTF_8)) {
            boolean ok = compiler.getTask(null, fileManager, diagnostics, options, null,
                    fileManager.getJavaFileObjectsFromPaths(files)).call();
            return ok ? null : format(diagnostics.getDiagnostics());
        }
    }

    /** Errors as javac prints them, with paths relative to the kit: file:line: error: message, the line, a caret. */
    private String format(List<Diagnostic<? extends JavaFileObject>> diagnostics) {
        List<Diagnostic<? extends JavaFileObject>> errors = diagnostics.stream()
                .filter(diagnostic -> diagnostic.getKind() == Diagnostic.Kind.ERROR)
                .toList();
        StringBuilder text = new StringBuilder();
        for (Diagnostic<? extends JavaFileObject> error : errors.subList(0, Math.min(errors.size(), MAX_ERRORS_SHOWN))) {
            String where = error.getSource() == null ? "" : relative(Path.of(error.getSource().toUri())) + ":"
                    + error.getLineNumber() + ": ";
            text.append(where).append("error: ").append(error.getMessage(Locale.ENGLISH)).append('\n');
            String line = sourceLine(error);
            if (line != null) {
                text.append("    ").append(line.stripTrailing()).append('\n');
                if (error.getColumnNumber() > 0) {
                    text.append("    ").append(" ".repeat((int) error.getColumnNumber() - 1)).append("^\n");
                }
            }
        }
        if (errors.size() > MAX_ERRORS_SHOWN) {
            text.append("... and ").append(errors.size() - MAX_ERRORS_SHOWN).append(" more errors\n");
        }
        text.append(errors.size()).append(errors.size() == 1 ? " error" : " errors");
        return text.toString();
    }

    private static String sourceLine(Diagnostic<? extends JavaFileObject> error) {
        if (error.getSource() == null || error.getLineNumber() <= 0) {
            return null;
        }
        try {
            List<String> lines = Files.readAllLines(Path.of(error.getSource().toUri()));
            return error.getLineNumber() <= lines.size() ? lines.get((int) error.getLineNumber() - 1).replace('\t', ' ') : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private String relative(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        return absolute.startsWith(kitRoot) ? kitRoot.relativize(absolute).toString() : absolute.toString();
    }

    /** The cache key: every source's path and content, and every class path entry's path and cache key. */
    private static String key(List<Path> files, List<Path> classPath) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(Runtime.version().toString().getBytes(StandardCharsets.UTF_8));
            digest.update(String.join(File.pathSeparator, HostClassPath.libraries()).getBytes(StandardCharsets.UTF_8));
            for (Path entry : classPath) {
                digest.update(entry.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8));
            }
            for (Path file : files) {
                digest.update(file.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8));
                digest.update(Files.readAllBytes(file));
            }
            return HexFormat.of().formatHex(digest.digest(), 0, 10);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The regular {@code .java} files under {@code folder}, sorted ({@link FileTrees#javaFiles}). */
    public static List<Path> javaFiles(Path folder) {
        return FileTrees.javaFiles(folder);
    }

    private static void copyResources(Path resources, Path output) throws IOException {
        FileTrees.copy(resources, output);
    }

    public static void deleteTree(Path folder) throws IOException {
        FileTrees.delete(folder);
    }
}
