package mmapkit.course.submission;

import mmapkit.course.files.FileTrees;
import mmapkit.course.grading.Grader;
import mmapkit.course.grading.KitModule;
import mmapkit.course.grading.TestPlan;
import mmapkit.course.model.Target;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the grader knows about one module before it looks at any submission, all from the kit
 * (and the instructor's hidden tests), in the grader's own JVM: the planned visible and hidden
 * tests with their tasks and points, the compiled reference code of earlier modules, which source
 * files are exercises, and what the integrity scan allows the module's exercises.
 *
 * @param visible          the plan of the kit's graded tests
 * @param hidden           the plan of the hidden tests, or null
 * @param earlierClasses   the compiled reference code of the modules before this one, in course order
 * @param exerciseFiles    source files (relative to {@code src/main/java}, with {@code /}) that hold exercises: taken from a submission
 * @param ownPackages      the module's package roots (internal form)
 * @param reservedNames    class names of the graded and hidden tests (internal form)
 * @param allowances       what the reference's exercise code uses that the scan would otherwise flag
 */
record ModulePlan(KitModule module, TestPlan visible, TestPlan hidden, List<Path> earlierClasses, Set<String> exerciseFiles,
                  Set<String> ownPackages, Set<String> reservedNames, IntegrityScan.Allowances allowances) {

    /** Marks a source file whose regions the learner writes. */
    static final String EXERCISE_MARKER = "SOLUTION-BEGIN";

    /**
     * Plans a module of the kit at {@code kitRoot}, compiling in {@code cache} (the grader's own).
     *
     * @param hiddenSources the module's hidden tests, or null
     */
    static ModulePlan of(KitModule module, Path cache, Path hiddenSources) {
        Grader grader = new Grader(module.root(), cache, Grader.DEFAULT_TEST_TIMEOUT);
        Grader.CompiledModule reference = grader.compileWithTests(module, Target.SOLUTIONS.folder(),
                module.toolkitSources(Target.SOLUTIONS), hiddenSources);
        if (reference.problem() != null) {
            throw new IllegalStateException("the kit's reference code or tests of module " + module + " do not compile, so nothing"
                    + " can be graded: " + reference.problem().message());
        }
        TestPlan visible = TestPlan.discover(reference.testClasses(), reference.classPath());
        TestPlan hidden = null;
        if (reference.hiddenTestClasses() != null) {
            List<Path> withTests = new ArrayList<>(reference.classPath());
            withTests.add(reference.testClasses());
            hidden = TestPlan.discover(reference.hiddenTestClasses(), withTests);
        }
        Path solutionClasses = reference.classPath().getFirst();
        Set<String> exercises = exerciseFiles(module.toolkitSources(Target.SOLUTIONS));
        Set<String> reserved = new TreeSet<>(IntegrityScan.classNames(reference.testClasses()));
        if (reference.hiddenTestClasses() != null) {
            reserved.addAll(IntegrityScan.classNames(reference.hiddenTestClasses()));
        }
        return new ModulePlan(module, visible, hidden, reference.classPath().subList(1, reference.classPath().size()), exercises,
                IntegrityScan.packageRoots(solutionClasses), reserved, IntegrityScan.allowancesOf(solutionClasses, exercises));
    }

    /** The source files under {@code sources} that carry solution regions. */
    static Set<String> exerciseFiles(Path sources) {
        Set<String> files = new TreeSet<>();
        for (Path file : FileTrees.javaFiles(sources)) {
            try {
                if (Files.readString(file).contains(EXERCISE_MARKER)) {
                    files.add(sources.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/"));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
        return files;
    }

    /** The earlier modules, in the order of {@link #earlierClasses} (course order, as {@link Grader} compiles them). */
    List<KitModule> earlierModules() {
        return module.earlier();
    }
}
