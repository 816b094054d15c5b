package mmapkit.course.export;

import mmapkit.course.files.FileTrees;
import mmapkit.course.grading.Grader;
import mmapkit.course.grading.HostClassPath;
import mmapkit.course.grading.KitModule;
import mmapkit.course.model.Target;
import mmapkit.course.stubs.StubGenerator;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Writes the repository a class receives ({@code ./course export}): the exercises, visible graded
 * tests and hints of the modules being assigned, the course machinery, the build, a README, the
 * Maven wrapper and {@code .gitignore}, and never the solution sources of an assigned module.
 *
 * <p>An exercise builds on the reference code of every earlier module. Each earlier module the
 * export needs is released as its sources ({@code solutions/MM-name/src}) or compiled
 * ({@code solutions/MM-name/classes}, a Maven module whose pom packs those class files as its
 * jar, so the export builds offline with no repository of its own, and its API documentation in
 * {@code solutions/MM-name/apidocs}). Left unchosen, a needed module is released compiled.
 *
 * <p>Left out, because they cannot work without the solutions: {@code lessons/kit-invariants}
 * (it grades the solutions), the course tools' own tests, and the book's sources (they include
 * listings and captured outputs of the solutions): the book is shipped as the HTML and PDF the
 * instructor built ({@code ./course book}) when there are any.
 */
public final class StudentExport {

    /** How an earlier module's reference code is released. */
    public enum Release {
        /** {@code solutions/MM-name} with its sources. */
        SOURCE,
        /** {@code solutions/MM-name/classes}: compiled, no sources. */
        JAR
    }

    /** What was written, and what the instructor should know about it. */
    public record Summary(Path out, List<String> assigned, Map<String, Release> released, List<String> notes) {
    }

    /** Where a module released compiled gets its API documentation, inside its solutions folder. */
    static final String API_DOCS = "apidocs";

    /** The parent of every lessons pom: how graded tests run by name (a pom only). */
    static final String GRADED_TESTS_PARENT = "lessons/graded-tests-parent";

    private static final Set<String> SKIPPED_FOLDERS = Set.of("target", ".git", ".course", ".idea");

    private final Path kitRoot;

    public StudentExport(Path kitRoot) {
        this.kitRoot = kitRoot.toAbsolutePath().normalize();
    }

    /**
     * @param out       where to write the export: a folder that does not exist yet, or an empty one
     * @param assigned  the modules handed out (their exercises and tests, not their solutions)
     * @param releases  earlier modules' reference code and how to release it
     * @param classroom also write {@code .github/workflows/classroom.yml} for GitHub Classroom
     * @throws IllegalArgumentException for an out folder that is not empty, a module that does not
     *                                  exist, or the sources of an assigned module released
     */
    public Summary export(Path out, List<KitModule> assigned, Map<String, Release> releases, boolean classroom) throws IOException {
        Path target = out.toAbsolutePath().normalize();
        if (target.startsWith(kitRoot)) {
            throw new IllegalArgumentException("export to a folder outside the kit, not " + out);
        }
        if (Files.exists(target)) {
            try (Stream<Path> children = Files.list(target)) {
                if (children.findAny().isPresent()) {
                    throw new IllegalArgumentException("the export folder " + out + " is not empty: give a new folder");
                }
            }
        }
        if (assigned.isEmpty()) {
            throw new IllegalArgumentException("no module to export: give --modules 01,02 (or leave it out for every module)");
        }
        List<String> assignedFolders = assigned.stream().map(KitModule::folder).sorted().toList();
        Map<String, Release> released = new TreeMap<>();
        List<String> notes = new ArrayList<>();
        for (Map.Entry<String, Release> release : releases.entrySet()) {
            if (release.getValue() == Release.SOURCE && assignedFolders.contains(release.getKey())) {
                throw new IllegalArgumentException("module " + release.getKey() + " is assigned: its solution sources cannot be released"
                        + " in the same export (release it as jar, or do not assign it)");
            }
            released.put(release.getKey(), release.getValue());
        }
        // every earlier module of an assigned or released module must be there
        boolean grew = true;
        while (grew) {
            grew = false;
            Set<String> needing = new TreeSet<>(assignedFolders);
            needing.addAll(released.keySet());
            for (String folder : needing) {
                for (String earlier : solutionFoldersBefore(folder)) {
                    if (!released.containsKey(earlier)) {
                        released.put(earlier, Release.JAR);
                        notes.add("module " + earlier + " is released compiled (jar): " + folder + " builds on its reference code"
                                + " (choose with --release-solutions " + earlier.substring(0, 2) + ":source|jar)");
                        grew = true;
                    }
                }
            }
        }
        for (String folder : released.keySet()) {
            if (!Files.isDirectory(kitRoot.resolve("solutions").resolve(folder).resolve("src/main/java"))) {
                throw new IllegalArgumentException("module " + folder + " has no reference code in solutions/ to release");
            }
        }

        Files.createDirectories(target);
        for (String file : List.of("mvnw", "mvnw.cmd", ".gitignore", "LICENSE", "course")) {
            copyFile(kitRoot.resolve(file), target.resolve(file));
        }
        copyTree(kitRoot.resolve(".mvn"), target.resolve(".mvn"));
        for (String machinery : List.of("lessons/grading-harness", "lessons/course-tools")) {
            Path tools = kitRoot.resolve(machinery);
            copyFile(tools.resolve("pom.xml"), target.resolve(machinery).resolve("pom.xml"));
            if (Files.exists(tools.resolve("README.md"))) {
                copyFile(tools.resolve("README.md"), target.resolve(machinery).resolve("README.md"));
            }
            copyTree(tools.resolve("src/main"), target.resolve(machinery).resolve("src/main"));
        }
        copyFile(kitRoot.resolve(GRADED_TESTS_PARENT).resolve("pom.xml"), target.resolve(GRADED_TESTS_PARENT).resolve("pom.xml"));

        for (String folder : assignedFolders) {
            // fresh stubs from the solutions, never this copy's exercises/, which may hold the instructor's own tries
            StubGenerator.write(kitRoot.resolve("solutions").resolve(folder), target.resolve("exercises").resolve(folder));
            Path lesson = kitRoot.resolve("lessons").resolve(folder);
            copyFile(lesson.resolve("pom.xml"), target.resolve("lessons").resolve(folder).resolve("pom.xml"));
            copyTree(lesson.resolve("src/test"), target.resolve("lessons").resolve(folder).resolve("src/test"));
            copyTree(lesson.resolve("hints"), target.resolve("lessons").resolve(folder).resolve("hints"));
        }
        Grader grader = new Grader(kitRoot, kitRoot.resolve(".course/build"), Duration.ofSeconds(60));
        for (Map.Entry<String, Release> release : released.entrySet()) {
            String folder = release.getKey();
            Path from = kitRoot.resolve("solutions").resolve(folder);
            Path to = target.resolve("solutions").resolve(folder);
            if (release.getValue() == Release.SOURCE) {
                copyModule(from, to);
            } else {
                List<Path> classPath = grader.classPath(new KitModule(kitRoot, folder), Target.SOLUTIONS);
                copyTree(classPath.getFirst(), to.resolve("classes"));
                Files.deleteIfExists(to.resolve("classes/.compiled"));
                Files.writeString(to.resolve("pom.xml"), compiledPom(Files.readString(from.resolve("pom.xml"))));
                apiDocs(from.resolve("src/main/java"), classPath, to.resolve(API_DOCS));
            }
        }
        Files.writeString(target.resolve("pom.xml"), rootPom(Files.readString(kitRoot.resolve("pom.xml")), assignedFolders, released));

        Path book = kitRoot.resolve("book/target/generated-docs");
        if (Files.isRegularFile(book.resolve("index.html"))) {
            copyTree(book, target.resolve("book"));
            notes.add("the book is the HTML and PDF built in this kit (book/target/generated-docs): rebuild it with ./course book"
                    + " before exporting when the chapters changed");
        } else {
            notes.add("the book is not in the export: it is shipped as built HTML and PDF, and this kit has not built it;"
                    + " run ./course book, then export again (or hand out the published book)");
        }
        Files.writeString(target.resolve("README.md"),
                readme(assignedFolders, released, Files.isRegularFile(target.resolve("book/index.html"))));
        if (classroom) {
            Path workflow = target.resolve(".github/workflows/classroom.yml");
            Files.createDirectories(workflow.getParent());
            Files.writeString(workflow, ClassroomWorkflow.render(assignedFolders));
        }
        for (String folder : assignedFolders) {
            if (Files.exists(target.resolve("solutions").resolve(folder).resolve("src"))) {
                throw new IllegalStateException("the export holds the solution sources of the assigned module " + folder);
            }
        }
        return new Summary(target, assignedFolders, released, notes);
    }

    /**
     * The API documentation of a module released compiled, written by the JDK's javadoc tool: its
     * public classes with their Javadoc and signatures, no method bodies, no experiments. Learners
     * read there what the earlier modules' classes do, which the hints and the book name.
     */
    private static void apiDocs(Path sources, List<Path> classPath, Path out) {
        ToolProvider javadoc = ToolProvider.findFirst("javadoc").orElseThrow(() -> new IllegalStateException(
                "the JDK running the course tools has no javadoc tool: run them on a full JDK 25"));
        StringWriter messages = new StringWriter();
        PrintWriter writer = new PrintWriter(messages);
        List<String> entries = new ArrayList<>(classPath.stream().skip(1).map(Path::toString).toList());
        entries.addAll(HostClassPath.libraries()); // what the sources compile against besides the kit (such as Agrona)
        String path = String.join(File.pathSeparator, entries);
        List<String> experiments; // main programs, some on libraries only `./course run` provides: not API
        try (Stream<Path> folders = Files.walk(sources)) {
            experiments = folders.filter(folder -> Files.isDirectory(folder) && folder.getFileName().toString().equals("experiments"))
                    .map(folder -> sources.relativize(folder).toString().replace(File.separatorChar, '.')).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> args = new ArrayList<>(List.of("-d", out.toString(), "-sourcepath", sources.toString(),
                "-subpackages", "mmapkit", "-public", "-quiet", "-notimestamp", "--no-fonts", "-Xdoclint:none", "-encoding", "UTF-8",
                "--release", "25", "-docencoding", "UTF-8", "-windowtitle", "API of the reference code"));
        if (!path.isEmpty()) {
            args.addAll(List.of("-classpath", path));
        }
        if (!experiments.isEmpty()) {
            args.addAll(List.of("-exclude", String.join(":", experiments)));
        }
        int code = javadoc.run(writer, writer, args.toArray(String[]::new));
        writer.flush();
        if (code != 0) {
            throw new IllegalStateException("javadoc of " + sources + " failed (exit " + code + "): " + messages);
        }
    }

    /** Module folders of {@code solutions/} before {@code folder}. */
    private List<String> solutionFoldersBefore(String folder) {
        try (Stream<Path> children = Files.list(kitRoot.resolve("solutions"))) {
            return children.filter(Files::isDirectory).map(path -> path.getFileName().toString())
                    .filter(name -> KitModule.FOLDER.matcher(name).matches() && name.compareTo(folder) < 0)
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The root pom with the export's modules only (course tools, released reference code, assigned
     * exercises and tests), and the kit's style gate off: the learner's code never fails on style.
     */
    static String rootPom(String pom, List<String> assigned, Map<String, Release> released) {
        int begin = pom.indexOf("<modules>");
        int end = pom.indexOf("</modules>");
        if (begin < 0 || end < 0) {
            throw new IllegalStateException("the kit's pom.xml has no <modules> list");
        }
        StringBuilder modules = new StringBuilder("<modules>\n");
        modules.append("    <!-- A student export: the course tools, the reference code it releases, the exercises and"
                + " graded tests it assigns. -->\n");
        modules.append("    <module>lessons/grading-harness</module>\n");
        modules.append("    <module>lessons/course-tools</module>\n");
        modules.append("    <module>").append(GRADED_TESTS_PARENT).append("</module>\n");
        for (String folder : released.keySet()) {
            modules.append("    <module>solutions/").append(folder).append("</module>\n");
        }
        for (String folder : assigned) {
            modules.append("    <module>exercises/").append(folder).append("</module>\n");
            modules.append("    <module>lessons/").append(folder).append("</module>\n");
        }
        modules.append("  ");
        String styleOn = "<kit.style.skip>false</kit.style.skip>";
        if (!pom.contains(styleOn)) {
            throw new IllegalStateException("the kit's pom.xml has no " + styleOn + " to turn off in the export");
        }
        return (pom.substring(0, begin) + modules + pom.substring(end)).replace(styleOn, "<kit.style.skip>true</kit.style.skip>");
    }

    /** A solutions pom whose jar is the compiled classes in {@code classes/} (no sources). */
    static String compiledPom(String pom) {
        String named = pom.replaceFirst("\\(reference solution\\)", "(reference solution, compiled)");
        String build = """
                  <!-- Released compiled: the jar of this module is the class files in classes/ (no sources). -->
                  <build>
                    <resources>
                      <resource>
                        <directory>classes</directory>
                      </resource>
                    </resources>
                  </build>
                </project>
                """;
        int end = named.lastIndexOf("</project>");
        return named.substring(0, end) + build;
    }

    private String readme(List<String> assigned, Map<String, Release> released, boolean book) throws IOException {
        String template = resource("README.md");
        String modules = assigned.stream().map(folder -> "- `" + folder + "`: write your code in `exercises/" + folder
                + "/`; its graded tests and hints are in `lessons/" + folder + "/`").collect(Collectors.joining("\n"));
        String given = released.isEmpty()
                ? "These modules need no reference code of earlier modules, so this repository has no `solutions/` folder."
                : "Each module's exercises build on the reference code of the modules before it, given in `solutions/`: "
                + released.entrySet().stream()
                .map(entry -> "`" + entry.getKey() + "` (" + (entry.getValue() == Release.SOURCE ? "sources"
                        : "compiled; its API documentation is `solutions/" + entry.getKey() + "/" + API_DOCS + "/index.html`") + ")")
                .collect(Collectors.joining(", ")) + ".";
        String solutionsRow = released.isEmpty() ? ""
                : "| `solutions/MM-name/` | reference code of earlier modules that your exercises build on |\n";
        String bookText = book ? "The book is in `book/` (`index.html` and `index.pdf`)."
                : "The book is handed out separately by your instructor.";
        return template.replace("{{modules}}", modules).replace("{{released}}", given).replace("{{book}}", bookText)
                .replace("{{solutions-row}}", solutionsRow)
                .replace("{{first}}", assigned.getFirst().substring(0, 2));
    }

    static String resource(String name) throws IOException {
        try (InputStream in = StudentExport.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the course tools lack their resource mmapkit/course/export/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** A module folder: its pom and sources, not what a build left. */
    private static void copyModule(Path from, Path to) throws IOException {
        copyFile(from.resolve("pom.xml"), to.resolve("pom.xml"));
        copyTree(from.resolve("src"), to.resolve("src"));
    }

    private static void copyFile(Path from, Path to) throws IOException {
        if (!Files.isRegularFile(from, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.createDirectories(to.getParent());
        Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        if (Files.isExecutable(from)) {
            Set<PosixFilePermission> permissions = EnumSet.copyOf(Files.getPosixFilePermissions(to));
            permissions.add(PosixFilePermission.OWNER_EXECUTE);
            Files.setPosixFilePermissions(to, permissions);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        FileTrees.copy(from, to, relative -> !SKIPPED_FOLDERS.contains(relative.getFileName().toString()));
    }
}
