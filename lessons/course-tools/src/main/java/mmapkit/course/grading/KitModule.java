package mmapkit.course.grading;

import mmapkit.course.model.Target;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One module of the course in one copy of the kit, such as {@code 01-mapping}: where its graded
 * tests, hints, reference code and starter code live.
 *
 * @param root   the kit's root folder (the one that holds {@code lessons/} and {@code exercises/})
 * @param folder the module's folder name, two digits, a dash and a name
 */
public record KitModule(Path root, String folder) {

    /** A module folder: two digits, a dash, a lower-case name ({@code 02-lazy-faulting}). */
    public static final Pattern FOLDER = Pattern.compile("(\\d{2})-[a-z0-9]+(-[a-z0-9]+)*");

    public KitModule {
        if (!FOLDER.matcher(folder).matches()) {
            throw new IllegalArgumentException("module folder '" + folder + "' is not NN-name (such as 01-mapping)");
        }
        root = root.toAbsolutePath().normalize();
    }

    /** Every module of the kit at {@code root}, in course order: the folders {@code lessons/NN-name}. */
    public static List<KitModule> all(Path root) {
        Path lessons = root.resolve("lessons");
        try (Stream<Path> folders = Files.list(lessons)) {
            return folders.filter(Files::isDirectory)
                    .map(folder -> folder.getFileName().toString())
                    .filter(name -> FOLDER.matcher(name).matches())
                    .sorted()
                    .map(name -> new KitModule(root, name))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the modules in " + lessons
                    + ": is " + root + " the root of the kit?", e);
        }
    }

    /**
     * The module that {@code name} means: its number ({@code 1}, {@code 01}) or its folder
     * ({@code 01-mapping}).
     *
     * @throws IllegalArgumentException naming the modules there are, when none matches
     */
    public static KitModule named(Path root, String name) {
        List<KitModule> modules = all(root);
        String number = name.matches("\\d") ? "0" + name : name;
        return modules.stream()
                .filter(module -> module.folder().equals(name) || module.number().equals(number))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("module '" + name + "' does not exist: the modules are "
                        + modules.stream().map(KitModule::folder).toList()));
    }

    /** The two-digit number that starts every task id of the module ({@code "01"}). */
    public String number() {
        return folder.substring(0, 2);
    }

    /** {@code lessons/NN-name/src/test/java}: the graded tests. */
    public Path gradedTestSources() {
        return root.resolve("lessons").resolve(folder).resolve("src/test/java");
    }

    /** {@code lessons/NN-name/hints/NN.T.adoc}: the hint of one task. */
    public Path hint(String taskId) {
        return root.resolve("lessons").resolve(folder).resolve("hints").resolve(taskId + ".adoc");
    }

    /** The toolkit sources of this module on one side: {@code exercises/NN-name/src/main/java} or solutions. */
    public Path toolkitSources(Target target) {
        return root.resolve(target.folder()).resolve(folder).resolve("src/main/java");
    }

    /**
     * The modules before this one, whose reference code this module may use: those with graded
     * tests ({@code lessons/MM-name}) and, in a student export, those whose reference code was
     * released without their exercises ({@code solutions/MM-name}).
     */
    public List<KitModule> earlier() {
        java.util.TreeSet<String> folders = new java.util.TreeSet<>();
        for (String side : List.of("lessons", "solutions")) {
            Path parent = root.resolve(side);
            if (!Files.isDirectory(parent)) {
                continue;
            }
            try (Stream<Path> children = Files.list(parent)) {
                children.filter(Files::isDirectory).map(child -> child.getFileName().toString())
                        .filter(name -> FOLDER.matcher(name).matches() && name.compareTo(folder) < 0)
                        .forEach(folders::add);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + parent, e);
            }
        }
        return folders.stream().map(name -> new KitModule(root, name)).toList();
    }

    /**
     * {@code solutions/NN-name/classes}: the compiled reference code of a module that a student
     * export released without its sources (see the course tools' README, "Student export").
     */
    public Path releasedClasses() {
        return root.resolve("solutions").resolve(folder).resolve("classes");
    }

    /** A path as the kit's users see it: relative to the kit's root. */
    public String relative(Path path) {
        return root.relativize(path.toAbsolutePath().normalize()).toString();
    }

    @Override
    public String toString() {
        return folder;
    }
}
