package mmapkit.course.submission;

import mmapkit.course.grading.SourceCompiler;
import mmapkit.course.grading.KitModule;
import mmapkit.course.grading.TaskInfo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The instructor's hidden tests: a folder laid out like the kit's {@code lessons/},
 * {@code DIR/NN-name/src/test/java/...} and optionally {@code DIR/NN-name/hints/ID.adoc}, graded
 * together with the visible tests of module NN. Their tasks need ids of their own ({@code 01.H1}):
 * an id that a visible test class already uses is an error naming both files.
 *
 * @param root the folder of hidden tests
 */
public record HiddenTests(Path root) {

    public HiddenTests {
        root = root.toAbsolutePath().normalize();
    }

    /**
     * Checks the hidden tests against the kit and returns the hidden task ids per module folder.
     *
     * @throws IllegalArgumentException for a folder that is no module of the kit, a task id that
     *                                  clashes with a visible one or does not start with the module's number,
     *                                  or a hidden test file at the path of a visible one
     */
    public Map<String, Set<String>> validate(Path kitRoot) {
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException("the hidden tests folder " + root + " does not exist");
        }
        List<String> modules = KitModule.all(kitRoot).stream().map(KitModule::folder).toList();
        Map<String, Set<String>> ids = new TreeMap<>();
        for (String folder : folders()) {
            if (!modules.contains(folder)) {
                throw new IllegalArgumentException("the hidden tests folder " + root.resolve(folder)
                        + " is no module of the kit: the modules are " + modules);
            }
            KitModule module = new KitModule(kitRoot, folder);
            Path hiddenSources = sources(folder);
            Map<String, TaskInfo> visible = TaskInfo.fromSources(module.gradedTestSources());
            Map<String, TaskInfo> hidden = TaskInfo.fromSources(hiddenSources);
            if (hidden.isEmpty()) {
                throw new IllegalArgumentException(hiddenSources + " declares no @Task test class");
            }
            for (Path file : SourceCompiler.javaFiles(hiddenSources)) {
                Path twin = module.gradedTestSources().resolve(hiddenSources.relativize(file).toString());
                if (Files.exists(twin)) {
                    throw new IllegalArgumentException("the hidden test " + file + " has the path of the visible test "
                            + module.relative(twin) + ": give it a class name of its own");
                }
            }
            Set<String> moduleIds = new LinkedHashSet<>();
            for (TaskInfo task : hidden.values()) {
                if (!task.id().startsWith(module.number() + ".")) {
                    throw new IllegalArgumentException("the hidden task " + task.id() + " (" + file(hiddenSources, task) + ") is in module "
                            + folder + ": its id must start with " + module.number() + ". (such as " + module.number() + ".H1)");
                }
                TaskInfo clash = visible.get(task.id());
                if (clash != null) {
                    throw new IllegalArgumentException("the hidden task id " + task.id() + " of " + file(hiddenSources, task)
                            + " is already the id of the visible task in " + module.relative(file(module.gradedTestSources(), clash))
                            + ": give hidden tasks ids of their own, such as " + module.number() + ".H1");
                }
                moduleIds.add(task.id());
            }
            ids.put(folder, moduleIds);
        }
        return ids;
    }

    /** {@code DIR/NN-name/src/test/java}. */
    Path sources(String moduleFolder) {
        return root.resolve(moduleFolder).resolve("src/test/java");
    }

    /** {@code DIR/NN-name/hints}. */
    Path hints(String moduleFolder) {
        return root.resolve(moduleFolder).resolve("hints");
    }

    /** How a report names a hidden task's hint: {@code hidden:NN-name/hints/ID.adoc}, or null when it has none. */
    String hint(String moduleFolder, String taskId) {
        Path hint = hints(moduleFolder).resolve(taskId + ".adoc");
        return Files.isRegularFile(hint) ? "hidden:" + moduleFolder + "/hints/" + taskId + ".adoc" : null;
    }

    private List<String> folders() {
        try (Stream<Path> children = Files.list(root)) {
            List<String> folders = new ArrayList<>(children.filter(Files::isDirectory).map(path -> path.getFileName().toString())
                    .filter(name -> !name.startsWith(".")).sorted().toList());
            for (String name : folders) {
                if (!KitModule.FOLDER.matcher(name).matches()) {
                    throw new IllegalArgumentException("the hidden tests folder " + root.resolve(name)
                            + " is not named like a module (NN-name, such as 01-mapping)");
                }
            }
            return folders;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root, e);
        }
    }

    private static Path file(Path sources, TaskInfo task) {
        return sources.resolve(task.testClasses().getFirst().replace('.', '/') + ".java");
    }
}
