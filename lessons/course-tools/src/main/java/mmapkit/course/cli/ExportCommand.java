package mmapkit.course.cli;

import mmapkit.course.export.StudentExport;
import mmapkit.course.grading.KitModule;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** Writes the repository a class receives: exercises, visible tests, machinery, build; no solutions of assigned modules. */
@Command(name = "export", mixinStandardHelpOptions = true, description = {"Write the repository a class receives (for instructors).",
        "It holds the exercises, visible graded tests and hints of the assigned modules, the course tools, the build"
                + " and a README, but no solution sources of the assigned modules. Earlier modules' reference code that"
                + " the exercises build on is released as sources or compiled (jar)."})
final class ExportCommand implements Callable<Integer> {

    @ParentCommand
    CourseCli cli;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "the folder to write (new, or empty)")
    Path out;

    @Option(names = "--modules", split = ",", paramLabel = "NN",
            description = "the modules to assign, such as 01,02 (default: every module)")
    List<String> modules;

    @Option(names = "--release-solutions", split = ",", paramLabel = "NN:source|jar",
            description = "release a module's reference code as sources or compiled; a module the assigned ones build on"
                    + " and that is not named here is released compiled")
    List<String> releases;

    @Option(names = "--classroom", description = "also write .github/workflows/classroom.yml for GitHub Classroom autograding")
    boolean classroom;

    @Override
    public Integer call() throws IOException {
        PrintWriter output = cli.spec.commandLine().getOut();
        List<KitModule> assigned = modules == null ? KitModule.all(cli.root()) : modules.stream().map(cli::module).distinct().toList();
        Map<String, StudentExport.Release> chosen = new LinkedHashMap<>();
        for (String release : releases == null ? List.<String>of() : releases) {
            String[] parts = release.split(":", 2);
            if (parts.length != 2) {
                throw new IllegalArgumentException("--release-solutions " + release + " is not NN:source or NN:jar");
            }
            StudentExport.Release how = switch (parts[1].toLowerCase(Locale.ROOT)) {
                case "source", "sources" -> StudentExport.Release.SOURCE;
                case "jar", "compiled" -> StudentExport.Release.JAR;
                default -> throw new IllegalArgumentException("--release-solutions " + release + ": '" + parts[1]
                        + "' is neither source nor jar");
            };
            chosen.put(cli.module(parts[0]).folder(), how);
        }
        StudentExport.Summary summary = new StudentExport(cli.root()).export(out, assigned, chosen, classroom);
        output.println("wrote the student export to " + summary.out());
        output.println("  assigned: " + String.join(", ", summary.assigned()));
        output.println("  reference code released: " + (summary.released().isEmpty() ? "none" : summary.released().entrySet().stream()
                .map(entry -> entry.getKey() + " (" + entry.getValue().name().toLowerCase(Locale.ROOT) + ")").toList()));
        summary.notes().forEach(note -> output.println("  note: " + note));
        if (classroom) {
            output.println("  .github/workflows/classroom.yml: GitHub Classroom autograding, one step per module");
        }
        output.println("Check it: cd " + summary.out() + " && ./mvnw verify && ./course status");
        return 0;
    }
}
