package mmapkit.invariants;

import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The system Java compiler, as the checks use it: quiet, no annotation processing, errors thrown. */
final class Javac {

    private Javac() {
    }

    /**
     * Compiles {@code sources} into {@code output} against {@code classPath}.
     *
     * @throws IllegalStateException naming {@code what} with the compiler's messages, when they do not compile
     */
    static void compile(String what, List<Path> sources, List<String> classPath, Path output) {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        List<String> options = List.of("-d", output.toString(), "-cp", String.join(File.pathSeparator, classPath),
                "-proc:none", "-implicit:none", "-nowarn", "-XDsuppressNotes",
                "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED");
        try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, null, null)) {
            Files.createDirectories(output);
            boolean compiled = compiler.getTask(null, files, diagnostics, options, null,
                    files.getJavaFileObjectsFromPaths(sources)).call();
            if (!compiled) {
                throw new IllegalStateException(what + " does not compile: " + diagnostics.getDiagnostics());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot compile " + what, e);
        }
    }
}
