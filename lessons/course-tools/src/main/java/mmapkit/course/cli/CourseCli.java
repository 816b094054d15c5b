package mmapkit.course.cli;

import mmapkit.course.grading.Grader;
import mmapkit.course.grading.KitModule;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * The {@code ./course} command: where the learner stands, checking and grading exercises,
 * building the book, regenerating the exercises. The {@code course} script finds a JDK 25 and
 * starts this class with the kit's root folder in the system property {@code kit.root}.
 */
@Command(name = "course",
        mixinStandardHelpOptions = true,
        version = "mmap course kit 1.0",
        description = "The mmap course kit: learn memory-mapped files by building an mmap toolkit.%n"
                + "Without a command, shows where you stand (same as `course status`).",
        subcommands = {
                StatusCommand.class,
                CheckCommand.class,
                GradeCommand.class,
                BookCommand.class,
                RunCommand.class,
                DoctorCommand.class,
                GenerateCommand.class,
                ExportCommand.class,
                CommandLine.HelpCommand.class
        },
        footer = {"", "Examples:",
                "  ./course                      where you stand, and your next task",
                "  ./course check 01             grade module 01 against your code, with hints",
                "  ./course check 01 01.3        only task 01.3",
                "  ./course grade --target solutions --format md",
                "  ./course run 01 LastPartialPage   run an experiment of the book on your code",
                "  ./course doctor               what this machine's kernel does, and which tests adapt to it",
                "  ./course book                 build the book (HTML and PDF)",
                "  ./course grade --batch DIR --output OUT   grade every submission (teachers)",
                "  ./course export --out DIR --modules 01,02   the class's repository (teachers)"})
public final class CourseCli implements Callable<Integer> {

    @Option(names = "--kit", description = "the kit's root folder (default: the one the course script lives in)",
            scope = CommandLine.ScopeType.INHERIT)
    Path kit;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The kit this command works on. */
    Path root() {
        Path root = kit != null ? kit : Path.of(System.getProperty("kit.root", "."));
        root = root.toAbsolutePath().normalize();
        if (!Files.isDirectory(root.resolve("lessons"))) {
            throw new CommandLine.ParameterException(spec.commandLine(), root + " is not the root of the kit: it has no lessons/ folder");
        }
        return root;
    }

    /** A path as the user sees it: relative to the kit's root. */
    String relative(Path path) {
        return root().relativize(path.toAbsolutePath().normalize()).toString();
    }

    Grader grader(Duration testTimeout) {
        return new Grader(root(), root().resolve(".course/build"), testTimeout);
    }

    /** The module a command's argument names; a bad name is a usage error of that command (its usage is shown). */
    KitModule module(String name) {
        try {
            return KitModule.named(root(), name);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(runningCommand(), e.getMessage());
        }
    }

    /** The command being run: the innermost subcommand of this command line. */
    private CommandLine runningCommand() {
        CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        if (parsed == null) {
            return spec.commandLine();
        }
        while (parsed.hasSubcommand()) {
            parsed = parsed.subcommand();
        }
        return parsed.commandSpec().commandLine();
    }

    @Override
    public Integer call() {
        return new StatusCommand(this).call();
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs one command line; the exit status is 0 for success, 1 for failed checks, 2 for bad usage. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine commandLine = new CommandLine(new CourseCli());
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setParameterExceptionHandler((exception, arguments) -> {
            CommandLine failed = exception.getCommandLine();
            String message = exception.getMessage();
            if (exception instanceof CommandLine.UnmatchedArgumentException unmatched && failed.getParent() == null
                    && !unmatched.getUnmatched().isEmpty() && !unmatched.getUnmatched().getFirst().startsWith("-")) {
                message = "'" + unmatched.getUnmatched().getFirst() + "' is not a command of the course";
            }
            err.println("course: " + message);
            err.println();
            failed.usage(err);
            return 2;
        });
        commandLine.setExecutionExceptionHandler((exception, failed, parseResult) -> {
            if (exception instanceof IllegalArgumentException || exception instanceof IllegalStateException) {
                err.println("course: " + exception.getMessage());
                return 2;
            }
            throw exception;
        });
        return commandLine.execute(args);
    }
}
