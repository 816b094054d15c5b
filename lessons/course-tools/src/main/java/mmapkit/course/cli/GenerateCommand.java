package mmapkit.course.cli;

import mmapkit.course.grading.KitModule;
import mmapkit.course.stubs.StubGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Writes {@code exercises/} from {@code solutions/}, or lists where they differ. For maintainers.
 *
 * <p>It never destroys a learner's work: a file that is not what the generator wrote last (see
 * {@link StubGenerator#MANIFEST}) is listed and nothing is written, unless {@code --force}; then
 * every file about to be replaced or deleted is first copied to {@code .course/backup/<time>/},
 * under its own path, and the command names that folder.
 */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write exercises/NN from solutions/NN with the stub generator (maintainers); --check only lists"
                + " the differences.",
                "Refuses when that would overwrite or delete your own work in exercises/ (files changed or added since"
                + " they were generated) and lists those files; --force writes anyway after copying every file it"
                + " replaces to .course/backup/."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:written, or no difference (--check)", "1:differences found (--check), or refused: your work is"
                + " in the way", "2:bad usage"})
final class GenerateCommand implements Callable<Integer> {

    private static final DateTimeFormatter BACKUP_NAME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss'Z'")
            .withZone(ZoneOffset.UTC);

    @ParentCommand
    CourseCli cli;

    @Option(names = "--check", description = "change nothing; list every file that differs and fail if any does")
    boolean check;

    @Option(names = "--force", description = "write even over your own work, after copying every file it replaces or"
            + " deletes to .course/backup/TIME/")
    boolean force;

    @Parameters(arity = "0..1", paramLabel = "NN", description = "only this module (default: every module)")
    String moduleName;

    @Override
    public Integer call() {
        PrintWriter out = cli.spec.commandLine().getOut();
        PrintWriter err = cli.spec.commandLine().getErr();
        Path root = cli.root();
        List<KitModule> modules = moduleName == null ? KitModule.all(root) : List.of(cli.module(moduleName));
        if (check) {
            return check(out, root, modules);
        }
        List<StubGenerator.Plan> plans = new ArrayList<>();
        List<String> learnerWork = new ArrayList<>();
        for (KitModule module : modules) {
            StubGenerator.Plan plan = StubGenerator.plan(root.resolve("solutions").resolve(module.folder()),
                    root.resolve("exercises").resolve(module.folder()));
            plans.add(plan);
            plan.learnerWork().forEach(work -> learnerWork.add("exercises/" + module.folder() + "/" + work));
        }
        if (!learnerWork.isEmpty() && !force) {
            err.println("course: nothing written: generating would overwrite or delete " + learnerWork.size()
                    + " file(s) of your own work in exercises/:");
            learnerWork.forEach(file -> err.println("  " + file));
            err.println("Your files are as they were. ./course check grades them; generating is for maintainers who"
                    + " changed solutions/. To write fresh stubs anyway, add --force: it first copies every file it"
                    + " replaces to .course/backup/.");
            return 1;
        }
        Path backup = force ? backup(root, plans) : null;
        if (backup != null) {
            out.println("kept a copy of every file replaced or deleted in " + cli.relative(backup) + "/ (same paths as in the kit)");
        }
        for (int i = 0; i < modules.size(); i++) {
            StubGenerator.write(plans.get(i));
            String folder = modules.get(i).folder();
            out.println("wrote exercises/" + folder + " from solutions/" + folder);
        }
        return 0;
    }

    private static int check(PrintWriter out, Path root, List<KitModule> modules) {
        int differences = 0;
        for (KitModule module : modules) {
            List<StubGenerator.Difference> found = StubGenerator.check(root.resolve("solutions").resolve(module.folder()),
                    root.resolve("exercises").resolve(module.folder()));
            found.forEach(difference -> out.println("exercises/" + module.folder() + "/" + difference));
            differences += found.size();
            out.println(module.folder() + ": " + (found.isEmpty() ? "exercises match the solutions" : found.size() + " difference(s)"));
        }
        return differences == 0 ? 0 : 1;
    }

    /** Copies every file the plans replace or delete to a fresh backup folder; none when nothing is replaced. */
    private Path backup(Path root, List<StubGenerator.Plan> plans) {
        if (plans.stream().allMatch(plan -> plan.replaced().isEmpty())) {
            return null;
        }
        String name = BACKUP_NAME.format(Instant.now());
        Path backup = root.resolve(".course/backup").resolve(name);
        for (int n = 2; Files.exists(backup); n++) {
            backup = root.resolve(".course/backup").resolve(name + "-" + n);
        }
        try {
            for (StubGenerator.Plan plan : plans) {
                for (Path file : plan.replaced()) {
                    Path source = plan.exerciseModule().resolve(file);
                    Path copy = backup.resolve(root.relativize(source.toAbsolutePath().normalize()));
                    Files.createDirectories(copy.getParent());
                    Files.copy(source, copy, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot back up the exercise files to " + backup + ": nothing was written", e);
        }
        return backup;
    }
}
