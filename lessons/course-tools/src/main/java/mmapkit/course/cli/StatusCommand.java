package mmapkit.course.cli;

import mmapkit.course.grading.Grader;
import mmapkit.course.grading.KitModule;
import mmapkit.course.model.ModuleResult;
import mmapkit.course.model.TaskResult;
import mmapkit.course.model.Target;
import mmapkit.course.submission.OwnCodeCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** Where the learner stands: per module, tasks done, points, and the next task with its hint. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show, per module, the tasks you have done, your points and your next task (the default).")
final class StatusCommand implements Callable<Integer> {

    @ParentCommand
    CourseCli cli;

    StatusCommand() {
    }

    StatusCommand(CourseCli cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() {
        PrintWriter out = cli.spec.commandLine().getOut();
        Grader grader = cli.grader(Grader.DEFAULT_TEST_TIMEOUT);
        List<ModuleResult> results = new ArrayList<>();
        out.println("Grading your exercises (exercises/) ...");
        out.println();
        out.printf("%-22s %-7s %-15s %s%n", "module", "tasks", "points", "next task");
        for (KitModule module : KitModule.all(cli.root())) {
            ModuleResult result = OwnCodeCheck.check(grader, module, Target.EXERCISES.folder(), module.toolkitSources(Target.EXERCISES),
                    Optional.empty(), Grader.DEFAULT_TEST_TIMEOUT, OwnCodeCheck.defaultModuleTimeout());
            results.add(result);
            TaskResult next = result.nextTask();
            String nextText = result.problem() != null && result.problem().kind() != ModuleResult.Problem.Kind.NO_TEST_RAN
                    ? "does not compile: ./course check " + module.number() + " shows why"
                    : next == null ? "all done" : next.id() + " " + next.title();
            out.printf("%-22s %-7s %-15s %s%n", module.folder(), result.tasksDone() + "/" + result.tasks().size(),
                    result.earned() + " / " + result.possible(), nextText);
        }
        int earned = results.stream().mapToInt(ModuleResult::earned).sum();
        int possible = results.stream().mapToInt(ModuleResult::possible).sum();
        out.printf("%-22s %-7s %-15s%n", "total", "", earned + " / " + possible);
        out.println();
        results.stream().filter(result -> result.nextTask() != null).findFirst().ifPresentOrElse(result -> {
            TaskResult next = result.nextTask();
            KitModule module = KitModule.named(cli.root(), result.module());
            out.println("Next: exercise " + next.id() + ", " + next.title() + " (" + next.points() + " points).");
            out.println("  read:  the book, chapter " + Integer.parseInt(module.number()) + ", section \"Exercise " + next.id() + "\" ("
                    + bookWhere() + ")");
            out.println("  write: exercises/" + module.folder() + "/src/main/java (look for TODO " + next.id() + ")");
            out.println("  check: ./course check " + module.number() + " " + next.id());
            if (next.hint() != null) {
                out.println("  hint:  " + next.hint());
            }
        }, () -> out.println("Every task of every module is done. Well done!"));
        return 0;
    }

    /** Where this copy's book is: built by ./course book in the kit; in a class's repository, shipped built or handed out. */
    private String bookWhere() {
        java.nio.file.Path root = cli.root();
        if (java.nio.file.Files.exists(root.resolve("book/pom.xml"))) {
            return "./course book builds it";
        }
        return java.nio.file.Files.exists(root.resolve("book/index.html")) ? "book/index.html or book/index.pdf"
                : "the book your instructor hands out";
    }
}
