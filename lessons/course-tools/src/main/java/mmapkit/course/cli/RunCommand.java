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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs one experiment of a module (a {@code main} in its {@code experiments} package) on the
 * learner's code, or on the reference code, in a JVM of its own with a time limit.
 */
@Command(name = "run", description = "Run an experiment of module NN (a main program of its experiments package) on your"
        + " exercises, or with --solutions on the reference code. Without a name, list the experiments.")
final class RunCommand implements Callable<Integer> {

    @ParentCommand
    CourseCli cli;

    @Parameters(index = "0", paramLabel = "NN", description = "the module: its number (01) or folder (01-mapping)")
    String moduleName;

    @Parameters(index = "1", arity = "0..1", paramLabel = "EXPERIMENT", description = "the experiment's class name, such as LastPartialPage")
    String experiment;

    @Parameters(index = "2..*", paramLabel = "ARG", description = "arguments for the experiment")
    List<String> arguments = new ArrayList<>();

    @Option(names = "--solutions", description = "run it on the reference code instead of your exercises")
    boolean solutions;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "300", description = "stop it after this long (default: ${DEFAULT-VALUE})")
    long timeoutSeconds;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = cli.spec.commandLine().getOut();
        KitModule module = cli.module(moduleName);
        Target target = solutions ? Target.SOLUTIONS : Target.EXERCISES;
        List<String> experiments = experiments(module, target);
        if (experiment == null) {
            out.println("Experiments of module " + module + " (./course run " + module.number() + " NAME):");
            experiments.forEach(name -> out.println("  " + name.substring(name.lastIndexOf('.') + 1)));
            return 0;
        }
        String className = experiments.stream().filter(name -> name.endsWith("." + experiment)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("module " + module + " has no experiment '" + experiment
                        + "': its experiments are " + experiments.stream().map(n -> n.substring(n.lastIndexOf('.') + 1)).toList()));
        if (timeoutSeconds <= 0) {
            throw new IllegalArgumentException("--timeout " + timeoutSeconds + " must be a positive number of seconds");
        }
        List<String> classPath = new ArrayList<>(cli.grader(mmapkit.course.grading.Grader.DEFAULT_TEST_TIMEOUT)
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

    /** The classes with a main in the module's experiments package, by name. */
    private static List<String> experiments(KitModule module, Target target) throws IOException {
        Path sources = module.toolkitSources(target);
        if (!Files.isDirectory(sources)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(sources)) {
            List<String> names = new ArrayList<>();
            for (Path file : walk.filter(path -> path.toString().endsWith(".java")
                    && path.getParent().getFileName().toString().equals("experiments")).sorted().toList()) {
                if (Files.readString(file).contains("static void main(")) {
                    String relative = sources.relativize(file).toString();
                    names.add(relative.substring(0, relative.length() - ".java".length()).replace(File.separatorChar, '.'));
                }
            }
            return names;
        }
    }
}
