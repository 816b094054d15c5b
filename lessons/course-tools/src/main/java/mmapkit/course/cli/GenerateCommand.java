package mmapkit.course.cli;

import mmapkit.course.grading.KitModule;
import mmapkit.course.stubs.StubGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** Writes {@code exercises/} from {@code solutions/}, or lists where they differ. For maintainers. */
@Command(name = "generate", description = "Write exercises/NN from solutions/NN with the stub generator (maintainers);"
        + " --check only lists the differences.")
final class GenerateCommand implements Callable<Integer> {

    @ParentCommand
    CourseCli cli;

    @Option(names = "--check", description = "change nothing; list every file that differs and fail if any does")
    boolean check;

    @Parameters(arity = "0..1", paramLabel = "NN", description = "only this module (default: every module)")
    String moduleName;

    @Override
    public Integer call() {
        PrintWriter out = cli.spec.commandLine().getOut();
        List<KitModule> modules = moduleName == null ? KitModule.all(cli.root()) : List.of(cli.module(moduleName));
        int differences = 0;
        for (KitModule module : modules) {
            Path solution = cli.root().resolve("solutions").resolve(module.folder());
            Path exercise = cli.root().resolve("exercises").resolve(module.folder());
            if (check) {
                List<StubGenerator.Difference> found = StubGenerator.check(solution, exercise);
                found.forEach(difference -> out.println("exercises/" + module.folder() + "/" + difference));
                differences += found.size();
                out.println(module.folder() + ": " + (found.isEmpty() ? "exercises match the solutions" : found.size() + " difference(s)"));
            } else {
                StubGenerator.write(solution, exercise);
                out.println("wrote exercises/" + module.folder() + " from solutions/" + module.folder());
            }
        }
        return differences == 0 ? 0 : 1;
    }
}
