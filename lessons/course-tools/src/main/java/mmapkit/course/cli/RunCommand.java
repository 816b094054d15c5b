package mmapkit.course.cli;

import mmapkit.course.grading.Grader;
import mmapkit.course.grading.HostClassPath;
import mmapkit.course.grading.KitModule;
import mmapkit.course.model.Target;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * Runs one experiment of a module (a {@code main} in its {@code experiments} package) on the
 * learner's code, or on the reference code, in a JVM of its own with a time limit.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run an experiment of module NN (a main program of its experiments package) on your"
        + " exercises, or with --solutions on the reference code.",
        "Without a name, list the experiments: what each shows and the tasks whose code it runs. An experiment whose"
                + " tasks still throw their TODO stubs in your exercises is refused, naming the task."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:listed, or the experiment ended normally", "1:refused (a task it needs is not done), timed"
                + " out, or the experiment failed", "2:bad usage"})
final class RunCommand implements Callable<Integer> {

    @ParentCommand
    CourseCli cli;

    @Parameters(index = "0", paramLabel = "NN", description = "the module: its number (01) or folder (01-mapping)")
    String moduleName;

    @Parameters(index = "1", arity = "0..1", paramLabel = "EXPERIMENT",
            description = "the experiment's class name, such as LastPartialPage")
    String experiment;

    @Parameters(index = "2..*", paramLabel = "ARG", description = "arguments for the experiment")
    List<String> arguments = new ArrayList<>();

    @Option(names = "--solutions", description = "run it on the reference code instead of your exercises")
    boolean solutions;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "300",
            description = "stop it after this long (default: ${DEFAULT-VALUE})")
    long timeoutSeconds;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = cli.spec.commandLine().getOut();
        KitModule module = cli.module(moduleName);
        Target target = solutions ? Target.SOLUTIONS : Target.EXERCISES;
        // the reference code shows what the solution regions call, which the stubs left out
        List<Experiments.Experiment> experiments = solutions ? Experiments.of(module.toolkitSources(target))
                : Experiments.withTasksOf(Experiments.of(module.toolkitSources(target)),
                        Experiments.of(module.toolkitSources(Target.SOLUTIONS)));
        if (experiment == null) {
            out.println("Experiments of module " + module + " (./course run " + module.number() + " NAME"
                    + (solutions ? " --solutions" : "") + "), what each shows, and the tasks whose code it runs:");
            for (Experiments.Experiment each : experiments) {
                out.println("  " + each.simpleName());
                out.println("      " + (each.shows().isEmpty() ? "(no description)" : each.shows()));
                out.println("      " + needs(each, solutions));
            }
            return 0;
        }
        Experiments.Experiment chosen = experiments.stream().filter(each -> each.simpleName().equals(experiment)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("module " + module + " has no experiment '" + experiment
                        + "': its experiments are " + experiments.stream().map(Experiments.Experiment::simpleName).toList()));
        String className = chosen.className();
        if (!solutions && !chosen.unfinished().isEmpty()) {
            PrintWriter err = cli.spec.commandLine().getErr();
            String first = chosen.unfinished().first();
            err.println("course: " + experiment + " runs the code of task" + (chosen.unfinished().size() > 1 ? "s " : " ")
                    + String.join(", ", chosen.unfinished()) + ", not done yet in exercises/" + module.folder() + " ("
                    + chosen.stubs().get(first) + "); on your code it would only show that stub.");
            err.println("  do task " + first + " first (./course check " + module.number() + " " + first
                    + " says how far it is), or run it on the reference code: ./course run " + module.number() + " "
                    + experiment + " --solutions");
            return 1;
        }
        if (timeoutSeconds <= 0) {
            throw new IllegalArgumentException("--timeout " + timeoutSeconds + " must be a positive number of seconds");
        }
        List<String> classPath = new ArrayList<>(cli.grader(Grader.DEFAULT_TEST_TIMEOUT)
                .classPath(module, target).stream().map(Path::toString).toList());
        classPath.addAll(HostClassPath.libraries()); // libraries an experiment compiles against (such as Agrona)
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp", String.join(File.pathSeparator, classPath),
                className));
        command.addAll(arguments);
        out.println("running " + className + " on " + target.folder() + "/" + module.folder() + " ...");
        out.flush();
        Process process = new ProcessBuilder(command).inheritIO().start();
        try {
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                out.println("stopped after " + timeoutSeconds + " s (--timeout)");
                return 1;
            }
            return process.exitValue();
        } finally {
            process.descendants().forEach(ProcessHandle::destroyForcibly); // children the experiment started
            process.destroyForcibly();
        }
    }

    /** "needs tasks 01.3, 01.4 (not done: 01.4)" for the list. */
    private static String needs(Experiments.Experiment experiment, boolean solutions) {
        if (experiment.tasks().isEmpty()) {
            return "needs no task: it runs on code given with the exercise";
        }
        String needs = "needs task" + (experiment.tasks().size() > 1 ? "s " : " ") + String.join(", ", experiment.tasks());
        if (solutions || experiment.unfinished().isEmpty()) {
            return needs;
        }
        return needs + " (not done yet: " + String.join(", ", experiment.unfinished()) + ")";
    }
}
