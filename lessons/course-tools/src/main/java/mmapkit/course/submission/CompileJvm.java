package mmapkit.course.submission;

import mmapkit.course.grading.Grader;
import mmapkit.course.grading.KitModule;
import mmapkit.course.model.Target;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The main class of the process that compiles one module of a submission, started by the grader
 * in the sandbox with a time limit: the compiler reads the learner's sources (it runs none of
 * their code: annotation processing is off), and a compiler that never ends, or runs out of
 * memory, costs only this process.
 *
 * <p>Arguments: the staged kit, the module folder, the compile cache, the result file, and
 * optionally the hidden tests' sources. The result file holds {@code classpath PATH} lines (the
 * code under test first, then earlier modules), {@code tests PATH}, {@code hidden PATH}; or
 * {@code problem KIND} followed by the message.
 */
public final class CompileJvm {

    private CompileJvm() {
    }

    public static void main(String[] args) throws IOException {
        Path kit = Path.of(args[0]);
        KitModule module = new KitModule(kit, args[1]);
        Path result = Path.of(args[3]);
        Path hidden = args.length > 4 ? Path.of(args[4]) : null;
        Grader grader = new Grader(kit, Path.of(args[2]), Duration.ofSeconds(1));
        Grader.CompiledModule compiled = grader.compileWithTests(module, SubmissionGrader.TARGET, module.toolkitSources(Target.EXERCISES),
                hidden);
        StringBuilder text = new StringBuilder();
        if (compiled.problem() != null) {
            text.append("problem ").append(compiled.problem().kind().name()).append('\n').append(compiled.problem().message());
        } else {
            compiled.classPath().forEach(path -> text.append("classpath ").append(path).append('\n'));
            text.append("tests ").append(compiled.testClasses()).append('\n');
            if (compiled.hiddenTestClasses() != null) {
                text.append("hidden ").append(compiled.hiddenTestClasses()).append('\n');
            }
        }
        Files.writeString(result, text, StandardCharsets.UTF_8);
        System.exit(0);
    }
}
