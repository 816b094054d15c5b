package mmapkit.invariants;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import mmapkit.course.grading.HostClassPath;
import mmapkit.course.stubs.StubGenerator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where the kit keeps each part of a module, and what the reactor build leaves in {@code target/}.
 *
 * <p>Every check takes a layout rather than reading the kit itself, so the same check runs on
 * the real kit (see {@link #ofBuild()}) and on the small broken kits its own tests build.
 * A folder the reactor should have built but did not is an error that says to build it:
 * a check that finds nothing to check must never pass.
 */
record KitLayout(Path root) {

    static final String BUILD_THE_REACTOR =
            "build the reactor first: ./mvnw verify (or ./mvnw -pl lessons/kit-invariants -am verify)";

    /** The two sides of a module's toolkit code: the reference and the generated starter code. */
    enum Side {
        SOLUTIONS, EXERCISES;

        String folder() {
            return name().toLowerCase();
        }
    }

    /** The kit that Maven is building (surefire passes its root folder as {@code kit.root}). */
    static KitLayout ofBuild() {
        String root = System.getProperty("kit.root");
        if (root == null || root.isBlank()) {
            throw new AssertionError("system property kit.root is not set: run these checks through Maven"
                    + " (./mvnw verify sets it to the kit's root folder) or give -Dkit.root=<kit folder> in your IDE");
        }
        return new KitLayout(Path.of(root).toAbsolutePath().normalize());
    }

    /** Every module, in course order: the folders {@code lessons/NN-name}. */
    List<CourseModule> modules() {
        Path lessons = root.resolve("lessons");
        try (Stream<Path> folders = Files.list(lessons)) {
            List<CourseModule> modules = folders
                    .filter(Files::isDirectory)
                    .map(folder -> folder.getFileName().toString())
                    .filter(name -> CourseModule.FOLDER.matcher(name).matches())
                    .sorted()
                    .map(CourseModule::new)
                    .toList();
            if (modules.isEmpty()) {
                throw new AssertionError("no module under " + lessons + ": each module has a folder lessons/NN-name");
            }
            return modules;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the modules in " + lessons, e);
        }
    }

    /** {@code solutions/NN-name} or {@code exercises/NN-name}. */
    Path toolkit(Side side, CourseModule module) {
        return root.resolve(side.folder()).resolve(module.folder());
    }

    /**
     * The compiled toolkit code of one side of a module. For the exercises, that is what the
     * reactor built from {@code exercises/NN}, unless a learner changed it since it was generated:
     * then the exercise as the generator makes it, so a learner's work never breaks the kit's checks.
     */
    Path toolkitClasses(Side side, CourseModule module) {
        Path toolkit = toolkit(side, module);
        if (!Files.isDirectory(toolkit)) {
            throw new AssertionError(relative(toolkit) + " does not exist: " + switch (side) {
                case SOLUTIONS -> "every module has its reference code there, with markers for the exercises";
                case EXERCISES -> "generate it from solutions/" + module + " with the stub generator";
            });
        }
        if (side == Side.EXERCISES && !StubGenerator.learnerChanges(toolkit).isEmpty()) {
            return generatedExerciseClasses(module);
        }
        return built(toolkit.resolve("target/classes"));
    }

    /**
     * The classes of the exercise as the generator makes it from {@code solutions/NN}, compiled
     * here: what the checks of {@code exercises/} look at in a learner's copy, whose
     * {@code exercises/NN} holds the learner's own work (see {@link StubGenerator#learnerChanges}).
     */
    Path generatedExerciseClasses(CourseModule module) {
        Path folder = root.resolve("lessons/kit-invariants/target/generated-exercises").resolve(module.folder());
        Path classes = folder.resolve("classes");
        deleteTree(folder);
        StubGenerator.write(toolkit(Side.SOLUTIONS, module), folder.resolve("module"));
        List<String> classPath = new ArrayList<>();
        for (CourseModule earlier : modules()) {
            if (earlier.number().compareTo(module.number()) < 0) {
                classPath.add(built(toolkit(Side.SOLUTIONS, earlier).resolve("target/classes")).toString());
            }
        }
        classPath.addAll(HostClassPath.libraries());
        Javac.compile("the exercise generated from solutions/" + module, javaFiles(folder.resolve("module/src/main/java")),
                classPath, classes);
        return classes;
    }

    private static void deleteTree(Path folder) {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(folder)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + folder, e);
        }
    }

    /** {@code lessons/NN-name}: graded tests and hints. */
    Path lessons(CourseModule module) {
        return root.resolve("lessons").resolve(module.folder());
    }

    /** The compiled graded tests of a module; a module without any is an error, not an empty pass. */
    Path gradedTestClasses(CourseModule module) {
        Path sources = lessons(module).resolve("src/test/java");
        if (javaFiles(sources).isEmpty()) {
            throw new AssertionError("module " + module + " has no graded tests: " + relative(sources)
                    + " holds no Java source; write one @Task test class per exercise");
        }
        return built(lessons(module).resolve("target/test-classes"));
    }

    /** The hints of a module's tasks, one {@code NN.T.adoc} each. */
    Path hints(CourseModule module) {
        return lessons(module).resolve("hints");
    }

    /** The hint of a task: {@code lessons/NN-name/hints/NN.T.adoc}. */
    Path hint(CourseModule module, String taskId) {
        return hints(module).resolve(taskId + ".adoc");
    }

    /** The folder of the book's chapters, one {@code NN-*.adoc} per module. */
    Path chapters() {
        return root.resolve("book/src/docs/asciidoc/chapters");
    }

    /** The classes in a folder the reactor built; an empty folder means the build did not run. */
    JavaClasses importClasses(Path classFolder) {
        JavaClasses classes = new ClassFileImporter().importPath(classFolder);
        if (classes.isEmpty()) {
            throw new AssertionError(relative(classFolder) + " holds no class file: " + BUILD_THE_REACTOR);
        }
        return classes;
    }

    /** A path as the maintainer sees it: relative to the kit's root. */
    String relative(Path path) {
        return root.relativize(path.toAbsolutePath().normalize()).toString();
    }

    /** The Java sources under a folder, {@code target/} left out; none when it does not exist. */
    List<Path> javaFiles(Path folder) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(file -> file.toString().endsWith(".java"))
                    .filter(file -> !folder.relativize(file).startsWith("target"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the sources in " + folder, e);
        }
    }

    private Path built(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new AssertionError(relative(folder) + " does not exist: " + BUILD_THE_REACTOR);
        }
        return folder;
    }
}
