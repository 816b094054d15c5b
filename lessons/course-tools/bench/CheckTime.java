package mmapkit.course.submission;

import mmapkit.course.grading.Grader;
import mmapkit.course.grading.KitModule;
import mmapkit.course.model.ModuleResult;
import mmapkit.course.model.Target;
import mmapkit.course.report.GradeReport;
import mmapkit.course.report.TextReport;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One timed check of a module's exercises, for bench/check-time: {@code in-process} runs the graded
 * tests in this JVM (the grader's {@link Grader#grade}), {@code own-jvm} in grading JVMs the way
 * {@code ./course check} does ({@link OwnCodeCheck}). Both render the report as the command does.
 */
public final class CheckTime {

    private CheckTime() {
    }

    public static void main(String[] args) {
        Path root = Path.of(System.getProperty("kit.root", ".")).toAbsolutePath().normalize();
        String mode = args[0];
        KitModule module = KitModule.named(root, args[1]);
        Grader grader = new Grader(root, root.resolve(".course/build"), Grader.DEFAULT_TEST_TIMEOUT);
        Path sources = module.toolkitSources(Target.EXERCISES);
        long start = System.nanoTime();
        ModuleResult result = switch (mode) {
            case "in-process" -> grader.grade(module, Target.EXERCISES.folder(), sources, Optional.empty());
            case "own-jvm" -> OwnCodeCheck.check(grader, module, Target.EXERCISES.folder(), sources, Optional.empty(),
                    Grader.DEFAULT_TEST_TIMEOUT, OwnCodeCheck.defaultModuleTimeout());
            default -> throw new IllegalArgumentException("mode " + mode + " is neither in-process nor own-jvm");
        };
        long graded = System.nanoTime() - start;
        String report = TextReport.render(new GradeReport("exercises", List.of(result)), 2);
        System.out.printf("%s graded-ms %d earned %d/%d report-chars %d%n", mode, graded / 1_000_000, result.earned(),
                result.possible(), report.length());
    }
}
