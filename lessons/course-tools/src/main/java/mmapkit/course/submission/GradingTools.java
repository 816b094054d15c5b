package mmapkit.course.submission;

import mmapkit.course.files.FileTrees;
import mmapkit.course.grading.HostClassPath;
import mmapkit.course.harness.GradingChild;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A private copy of the grader's own class path (the course tools, the harness, JUnit, AssertJ and
 * the libraries the kit's modules use), made once before any submission is graded: the processes
 * that compile and test submissions run from this copy, read-only, so nothing they do can change
 * the tools that grade the next submission, and the kit's own folder never has to be shown to them.
 *
 * <p>A learner checking their own code uses the class path where it is ({@link #inPlace()}): there is
 * nothing to guard from the code under test, and copying would only cost time.
 *
 * @param copy          the folder of the private copy, or empty when the class path is used in place
 * @param compilerPath  class path of the compiling process: all of it
 * @param modulePath    the named modules of a grading JVM: the harness and JUnit
 * @param libraries     class path entries a grading JVM gives the tests besides the kit's code (AssertJ, Agrona ...)
 */
public record GradingTools(Optional<Path> copy, List<Path> compilerPath, List<Path> modulePath, List<Path> libraries) {

    /** Jars that run as named modules in a grading JVM; the learner's code, on the class path, cannot open them. */
    private static final Pattern MODULE_JARS = Pattern.compile("(grading-harness|junit-platform-[a-z]+|junit-jupiter-(api|engine|params)"
            + "|opentest4j|apiguardian-api)([-.].*)?");
    /** Jars the tests and the modules' code never need: the grader's own. */
    private static final Pattern GRADER_ONLY = Pattern.compile("(course-tools|picocli|jackson-[a-z]+|archunit[a-z0-9-]*|slf4j-[a-z]+"
            + "|junit-jupiter|snakeyaml)([-.]\\d.*)?(\\.jar)?|classes|test-classes");

    /** Copies this JVM's class path (without the kit's own modules) into {@code into}. */
    public static GradingTools snapshot(Path into) {
        return of(Optional.of(into));
    }

    /**
     * This JVM's class path where it is, not copied: for a learner's check of their own code, where
     * nothing needs guarding from the code under test.
     */
    public static GradingTools inPlace() {
        return of(Optional.empty());
    }

    /** The class path classified for grading JVMs; copied into {@code into} when it is present. */
    private static GradingTools of(Optional<Path> into) {
        try {
            if (into.isPresent()) {
                Files.createDirectories(into.get());
            }
            List<Path> compiler = new ArrayList<>();
            List<Path> modules = new ArrayList<>();
            List<Path> libraries = new ArrayList<>();
            int index = 0;
            for (String entry : HostClassPath.libraries()) {
                Path source = Path.of(entry).toAbsolutePath().normalize();
                if (!Files.exists(source)) {
                    continue;
                }
                String name = name(source);
                Path copy = source;
                if (into.isPresent()) {
                    copy = into.get().resolve(String.format("%02d-%s", index++, name));
                    if (Files.isDirectory(source)) {
                        FileTrees.copy(source, copy);
                    } else {
                        Files.copy(source, copy);
                    }
                }
                compiler.add(copy);
                String bare = name.replaceFirst("\\.jar$", "");
                if (MODULE_JARS.matcher(bare).matches()) {
                    modules.add(copy);
                } else if (!GRADER_ONLY.matcher(name).matches() && !isHarnessFolder(source)) {
                    libraries.add(copy);
                }
            }
            if (modules.stream().noneMatch(path -> name(path).contains("grading-harness"))) {
                throw new IllegalStateException("the grading harness (lessons/grading-harness) is not on the grader's class path");
            }
            return new GradingTools(into, compiler, modules, libraries);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the grader's class path into " + into.orElseThrow(), e);
        }
    }

    /** A class path entry's name: the jar's file name, or for a build's class folder the module it belongs to. */
    private static String name(Path source) {
        String file = source.getFileName().toString();
        if (file.equals("classes") && source.getParent() != null && source.getParent().getParent() != null) {
            return source.getParent().getParent().getFileName().toString(); // lessons/grading-harness/target/classes
        }
        return file.replaceFirst("^\\d\\d-", "");
    }

    private static boolean isHarnessFolder(Path source) {
        return Files.isDirectory(source) && Files.exists(source.resolve(GradingChild.class.getName().replace('.', '/') + ".class"));
    }

    /** What a grading process may read of the tools: the copy, or every entry of the class path used in place. */
    public List<Path> readOnlyPaths() {
        return copy.map(List::of).orElse(compilerPath);
    }

    /** The {@code java} launcher of the JDK the grader runs on. */
    public Path java() {
        return Sandbox.javaHome().resolve("bin").resolve("java");
    }

    public String classPath() {
        return join(compilerPath);
    }

    public String modulePathText() {
        return join(modulePath);
    }

    public String testLibraries() {
        return join(libraries);
    }

    /** {@code module/main class} of a grading JVM. */
    public String harnessMain() {
        return "mmapkit.course.harness/" + GradingChild.class.getName();
    }

    private static String join(List<Path> paths) {
        return String.join(File.pathSeparator, paths.stream().map(Path::toString).toList());
    }
}
