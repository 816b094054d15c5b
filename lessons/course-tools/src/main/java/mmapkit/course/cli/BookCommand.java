package mmapkit.course.cli;

import mmapkit.course.grading.KitModule;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds the book through the Maven wrapper and says where the HTML and the PDF are. With
 * {@code --chapter NN} it converts one chapter only, from the experiment outputs the last full
 * build captured: seconds instead of the minutes every experiment takes.
 */
@Command(name = "book", mixinStandardHelpOptions = true, description = {
        "Build the book (HTML and PDF, with outputs captured from real runs) and print where it is.",
        "With --chapter NN, build only that chapter's HTML (and with --pdf its PDF) from the outputs the last full build captured."})
final class BookCommand implements Callable<Integer> {

    private static final long BUILD_TIMEOUT_MINUTES = 20;
    private static final long CHAPTER_TIMEOUT_MINUTES = 10;

    /** Where the chapters are, relative to the kit: one {@code NN-name.adoc} per module. */
    static final String CHAPTERS = "book/src/docs/asciidoc/chapters";
    /** Where the full build writes the experiments' standard output (and their data files). */
    static final String EXPERIMENT_OUTPUT = "book/target/experiment-output";
    /** Where the full build writes the charts drawn from experiment data. */
    static final String GENERATED_IMAGES = "book/target/generated-docs/images";
    /** Where a chapter build writes its HTML and PDF, apart from the book that an export ships. */
    static final String CHAPTER_DOCS = "book/target/chapter-docs";

    private static final Pattern OUTPUT_REFERENCE = Pattern.compile("\\{experiment-output}/([^\\[\\]\\s]+)");
    private static final Pattern IMAGE_REFERENCE = Pattern.compile("\\{generated-images}/([^\\[\\]\\s]+)");
    private static final Pattern SIBLING_INCLUDE = Pattern.compile("(?m)^include::([\\w.-]+\\.adoc)\\[");

    @ParentCommand
    CourseCli cli;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--chapter", paramLabel = "NN",
            description = "build only the chapter of module NN (its number, 01, or folder, 01-mapping)"
            + " from the outputs the last full build captured")
    String chapter;

    @Option(names = "--pdf", description = "with --chapter: build the chapter's PDF too (slower)")
    boolean pdf;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = cli.spec.commandLine().getOut();
        Path root = cli.root();
        if (pdf && chapter == null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--pdf goes with --chapter NN: the full build (./course book) always makes the PDF");
        }
        if (!Files.exists(root.resolve("book/pom.xml"))) {
            // a student export: the book comes built, or not at all
            Path html = root.resolve("book/index.html");
            out.println(Files.exists(html) ? "The book is built: " + root.relativize(html) + " and book/index.pdf"
                    : "This copy of the kit has no book: your instructor hands it out.");
            return 0;
        }
        return chapter == null ? wholeBook(root, out) : oneChapter(root, out);
    }

    private int wholeBook(Path root, PrintWriter out) throws IOException, InterruptedException {
        out.println("Building the book (./mvnw -q -pl book -am package -DskipTests); the first build downloads its tools ...");
        out.flush();
        int status = maven(root, out, BUILD_TIMEOUT_MINUTES, "-q", "-pl", "book", "-am", "package", "-DskipTests");
        if (status != 0) {
            return status;
        }
        Path docs = root.resolve("book/target/generated-docs");
        for (String name : List.of("index.html", "index.pdf")) {
            Path file = docs.resolve(name);
            out.println((Files.exists(file) ? "  " : "  missing: ") + root.relativize(file));
        }
        return 0;
    }

    private int oneChapter(Path root, PrintWriter out) throws IOException, InterruptedException {
        Path source = chapterSource(root, chapter);
        String folder = source.getFileName().toString().replaceFirst("\\.adoc$", "");
        Path outputs = root.resolve(EXPERIMENT_OUTPUT);
        List<String> missing = missingOutputs(root, source);
        if (!missing.isEmpty()) {
            out.println("Chapter " + folder + " shows outputs that no full build has captured yet (in " + EXPERIMENT_OUTPUT + "): "
                    + String.join(", ", missing) + ".");
            out.println("Capture them with the full build, ./course book (it runs every experiment of the book, several minutes);"
                    + " ./course book --chapter " + folder.substring(0, 2) + " reuses them afterwards.");
            return 1;
        }
        out.println("Building chapter " + folder + (pdf ? " (HTML and PDF)" : " (HTML)") + " from the outputs the last full build captured"
                + capturedWhen(outputs) + "; ./course book captures them anew ...");
        out.flush();
        Path docs = root.resolve(CHAPTER_DOCS);
        List<String> arguments = new ArrayList<>(List.of("-q", "-pl", "book", "asciidoctor:process-asciidoc@book-html"));
        if (pdf) {
            arguments.add("asciidoctor:process-asciidoc@book-pdf");
        }
        arguments.addAll(List.of(
                "-Dbook.document=chapter.adoc",
                "-Dbook.chapter=chapters/" + source.getFileName(),
                "-Dbook.output.directory=" + docs,
                "-Dbook.imagesdir=" + root.resolve(GENERATED_IMAGES),
                "-Dbook.fail.severity=WARN"));
        long started = System.nanoTime();
        int status = maven(root, out, CHAPTER_TIMEOUT_MINUTES, arguments.toArray(String[]::new));
        List<String> extensions = pdf ? List.of("html", "pdf") : List.of("html");
        for (String extension : extensions) {
            // Asciidoctor names the output after chapter.adoc; the chapter's own name lets several chapters sit side by side.
            Path built = docs.resolve("chapter." + extension);
            if (Files.exists(built)) {
                Files.move(built, docs.resolve(folder + "." + extension), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        if (status != 0) {
            return status;
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        out.println("Chapter " + folder + " built in " + took.toSeconds()
                + " s (references into other chapters are checked by the full build only):");
        for (String extension : extensions) {
            Path named = docs.resolve(folder + "." + extension);
            out.println((Files.exists(named) ? "  " : "  missing: ") + root.relativize(named));
        }
        return 0;
    }

    /**
     * The chapter file that {@code value} names: {@code book/src/docs/asciidoc/chapters/NN-name.adoc}
     * of the module whose number or folder it is.
     *
     * @throws CommandLine.ParameterException naming the value and the rule it broke
     */
    private Path chapterSource(Path root, String value) {
        KitModule module;
        try {
            module = KitModule.named(root, value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--chapter '" + value + "' names no module: NN is a module's number (01) or folder (01-mapping); " + e.getMessage());
        }
        Path source = root.resolve(CHAPTERS).resolve(module.folder() + ".adoc");
        if (!Files.isRegularFile(source)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--chapter '" + value + "': module " + module.folder() + " has no chapter: "
                            + root.relativize(source) + " does not exist");
        }
        return source;
    }

    /**
     * The captured files a chapter shows that are not there: the experiment outputs it includes
     * ({@code {experiment-output}/Name.txt}) and the charts it draws from their data
     * ({@code {generated-images}/name.svg}), in the chapter and in the files of its folder it includes.
     */
    static List<String> missingOutputs(Path root, Path chapterSource) throws IOException {
        Set<String> missing = new LinkedHashSet<>();
        for (Path file : chapterFiles(chapterSource)) {
            String text = Files.readString(file);
            collectMissing(OUTPUT_REFERENCE.matcher(text), root.resolve(EXPERIMENT_OUTPUT), missing);
            collectMissing(IMAGE_REFERENCE.matcher(text), root.resolve(GENERATED_IMAGES), missing);
        }
        return List.copyOf(missing);
    }

    private static void collectMissing(Matcher references, Path folder, Set<String> missing) {
        while (references.find()) {
            if (!Files.isRegularFile(folder.resolve(references.group(1)))) {
                missing.add(references.group(1));
            }
        }
    }

    /** The chapter and the files beside it that it includes (chapter 06 is three files). */
    private static List<Path> chapterFiles(Path chapterSource) throws IOException {
        List<Path> files = new ArrayList<>(List.of(chapterSource));
        Matcher includes = SIBLING_INCLUDE.matcher(Files.readString(chapterSource));
        while (includes.find()) {
            Path sibling = chapterSource.resolveSibling(includes.group(1));
            if (Files.isRegularFile(sibling)) {
                files.add(sibling);
            }
        }
        return files;
    }

    /** ", on 2026-12-07 18:52" for the newest captured output, or nothing when there is none. */
    private static String capturedWhen(Path outputs) throws IOException {
        if (!Files.isDirectory(outputs)) {
            return "";
        }
        try (var files = Files.list(outputs)) {
            return files.map(file -> {
                try {
                    return Files.getLastModifiedTime(file);
                } catch (IOException e) {
                    return FileTime.fromMillis(0);
                }
            }).max(Comparator.naturalOrder())
                    .map(time -> " (on " + DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.systemDefault())
                            .format(time.toInstant()) + ")")
                    .orElse("");
        }
    }

    /**
     * Runs the Maven wrapper in the kit with its output on this terminal; the exit status, or 1 when
     * it ran too long. Maven and the experiments it starts ({@code java} on the PATH) run on the JDK
     * that runs these tools, which the launcher chose as 25 or newer, whatever JAVA_HOME and PATH say.
     */
    private static int maven(Path root, PrintWriter out, long timeoutMinutes, String... arguments)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(root.resolve("mvnw").toString()));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile()).inheritIO();
        Path jdk = Path.of(System.getProperty("java.home"));
        builder.environment().put("JAVA_HOME", jdk.toString());
        builder.environment().merge("PATH", jdk.resolve("bin").toString(), (path, bin) -> bin + java.io.File.pathSeparator + path);
        Process build = builder.start();
        if (!build.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
            build.destroyForcibly();
            out.println("the book build took more than " + timeoutMinutes + " minutes and was stopped");
            return 1;
        }
        if (build.exitValue() != 0) {
            out.println("the book build failed (exit status " + build.exitValue() + "); its messages are above");
            return 1;
        }
        return 0;
    }
}
