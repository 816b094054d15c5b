package mmapkit.course.stubs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Writes a module's starter code ({@code exercises/NN}) from its reference code
 * ({@code solutions/NN}), so that the two can never drift apart.
 *
 * <p>The reference code marks what a learner must write. In Java sources:
 *
 * <pre>
 *     // SOLUTION-BEGIN 01.2
 *     long aligned = offset &amp; -pageSize;      &lt;- dropped from the exercise
 *     return aligned;
 *     // SOLUTION-STUB
 *     // throw new UnsupportedOperationException("TODO 01.2: ...");   &lt;- uncommented
 *     // SOLUTION-END
 * </pre>
 *
 * A region with a stub becomes the comment {@code // TODO 01.2 (see hint 01.2)}, at the indentation
 * of its {@code SOLUTION-BEGIN} line, followed by the stub, so that an IDE's TODO view lists every
 * task.
 * The {@code SOLUTION-STUB} part is optional: without it the region simply disappears (a
 * private helper, a field only the solution needs). Each stub line must be a {@code //}
 * comment; the generator removes the comment marker and keeps the indentation. A Java file
 * containing the line {@code // SOLUTION-ONLY-FILE} is left out of the exercise altogether
 * (such a file must not be public API, since exercises and solutions share one API).
 *
 * <p>{@code pom.xml} is copied with the artifact {@code solutions-NN-x} renamed
 * {@code exercises-NN-x} and "(reference solution)" in its name replaced by "(exercises)".
 * Every other file is copied unchanged; {@code target/} is ignored.
 */
public final class StubGenerator {

    public static final String BEGIN = "// SOLUTION-BEGIN";
    public static final String STUB = "// SOLUTION-STUB";
    public static final String END = "// SOLUTION-END";
    public static final String SOLUTION_ONLY_FILE = "// SOLUTION-ONLY-FILE";

    private static final Pattern TASK_ID = Pattern.compile("\\d{2}\\.\\d+");
    private static final Pattern ARTIFACT = Pattern.compile("<artifactId>solutions-(\\d{2}-[a-z0-9-]+)</artifactId>");

    /** One difference between the committed exercise and what the generator makes. */
    public record Difference(Path path, String problem) {
        @Override
        public String toString() {
            return path + ": " + problem;
        }
    }

    /** A marker that does not follow the rules above, with the file and line where it is. */
    public static final class MarkerException extends RuntimeException {
        MarkerException(Path file, int line, String message) {
            super(file + ":" + line + ": " + message);
        }
    }

    private StubGenerator() {
    }

    /** {@code write|check SOLUTION_MODULE EXERCISE_MODULE}; the ./course CLI offers the same. */
    public static void main(String[] args) {
        if (args.length != 3 || !(args[0].equals("write") || args[0].equals("check"))) {
            System.err.println("usage: StubGenerator write|check SOLUTION_MODULE EXERCISE_MODULE");
            System.exit(2);
        }
        Path solution = Path.of(args[1]);
        Path exercise = Path.of(args[2]);
        if (args[0].equals("write")) {
            write(solution, exercise);
            return;
        }
        List<Difference> differences = check(solution, exercise);
        differences.forEach(System.out::println);
        System.exit(differences.isEmpty() ? 0 : 1);
    }

    /**
     * The files of the exercise module, by path relative to the module folder.
     *
     * @param solutionModule a folder such as {@code solutions/01-mapping}
     */
    public static SortedMap<Path, byte[]> generate(Path solutionModule) {
        SortedMap<Path, byte[]> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(solutionModule)) {
            for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
                Path relative = solutionModule.relativize(file);
                if (relative.getName(0).toString().equals("target")) {
                    continue;
                }
                byte[] content = Files.readAllBytes(file);
                String name = file.getFileName().toString();
                if (name.endsWith(".java")) {
                    String text = new String(content, StandardCharsets.UTF_8);
                    String stub = stubJava(relative, text);
                    if (stub != null) {
                        files.put(relative, stub.getBytes(StandardCharsets.UTF_8));
                    }
                } else if (relative.toString().equals("pom.xml")) {
                    files.put(relative, exercisePom(relative, new String(content, StandardCharsets.UTF_8))
                            .getBytes(StandardCharsets.UTF_8));
                } else {
                    files.put(relative, content);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + solutionModule, e);
        }
        return files;
    }

    /** Replaces the exercise module with what {@link #generate} makes (its {@code target/} stays). */
    public static void write(Path solutionModule, Path exerciseModule) {
        SortedMap<Path, byte[]> files = generate(solutionModule);
        try {
            for (Path existing : existingFiles(exerciseModule).keySet()) {
                if (!files.containsKey(existing)) {
                    Files.delete(exerciseModule.resolve(existing));
                }
            }
            for (Map.Entry<Path, byte[]> entry : files.entrySet()) {
                Path target = exerciseModule.resolve(entry.getKey());
                Files.createDirectories(target.getParent());
                if (!Files.exists(target) || !Arrays.equals(Files.readAllBytes(target), entry.getValue())) {
                    Files.write(target, entry.getValue());
                }
            }
            deleteEmptyFolders(exerciseModule);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + exerciseModule, e);
        }
    }

    /** Every file that differs between the exercise module and what the generator makes. */
    public static List<Difference> check(Path solutionModule, Path exerciseModule) {
        SortedMap<Path, byte[]> expected = generate(solutionModule);
        SortedMap<Path, byte[]> actual = existingFiles(exerciseModule);
        List<Difference> differences = new ArrayList<>();
        for (Map.Entry<Path, byte[]> entry : expected.entrySet()) {
            byte[] found = actual.get(entry.getKey());
            if (found == null) {
                differences.add(new Difference(entry.getKey(), "missing from the exercise"));
            } else if (!Arrays.equals(found, entry.getValue())) {
                differences.add(new Difference(entry.getKey(), "differs from the generated stub"));
            }
        }
        for (Path extra : actual.keySet()) {
            if (!expected.containsKey(extra)) {
                differences.add(new Difference(extra, "is not generated from the solution"));
            }
        }
        return differences;
    }

    /** The exercise text of one Java source, or {@code null} when the file is solution-only. */
    static String stubJava(Path file, String source) {
        String[] lines = source.split("\n", -1);
        StringBuilder out = new StringBuilder(source.length());
        enum State { CODE, SOLUTION, STUB }
        State state = State.CODE;
        int regionStart = 0;
        String regionId = null;
        String regionIndent = "";
        boolean hadRegion = false;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            String trimmed = line.strip();
            int lineNumber = i + 1;
            if (trimmed.equals(SOLUTION_ONLY_FILE)) {
                return null;
            }
            if (trimmed.startsWith(BEGIN)) {
                if (state != State.CODE) {
                    throw new MarkerException(file, lineNumber, "SOLUTION-BEGIN inside the region opened at line " + regionStart);
                }
                String id = trimmed.substring(BEGIN.length()).strip();
                if (!TASK_ID.matcher(id).matches()) {
                    throw new MarkerException(file, lineNumber, "SOLUTION-BEGIN needs a task id such as 01.2, found '" + id + "'");
                }
                state = State.SOLUTION;
                regionStart = lineNumber;
                regionId = id;
                regionIndent = line.substring(0, line.indexOf(BEGIN));
                hadRegion = true;
            } else if (trimmed.equals(STUB)) {
                if (state != State.SOLUTION) {
                    throw new MarkerException(file, lineNumber, "SOLUTION-STUB outside a SOLUTION-BEGIN region");
                }
                // a comment an IDE's TODO view lists (the stub's message alone is found by grep only)
                out.append(regionIndent).append("// TODO ").append(regionId).append(" (see hint ").append(regionId)
                        .append(")\n");
                state = State.STUB;
            } else if (trimmed.equals(END)) {
                if (state == State.CODE) {
                    throw new MarkerException(file, lineNumber, "SOLUTION-END without SOLUTION-BEGIN");
                }
                state = State.CODE;
            } else if (trimmed.startsWith("// SOLUTION-")) {
                throw new MarkerException(file, lineNumber, "unknown marker '" + trimmed + "'");
            } else if (state == State.CODE) {
                out.append(line).append('\n');
            } else if (state == State.STUB) {
                if (!trimmed.startsWith("//")) {
                    throw new MarkerException(file, lineNumber, "a stub line must be a // comment, found '" + trimmed + "'");
                }
                int indent = line.indexOf("//");
                String body = line.substring(indent + 2);
                if (body.startsWith(" ")) {
                    body = body.substring(1);
                }
                out.append(line, 0, indent).append(body).append('\n');
            }
        }
        if (state != State.CODE) {
            throw new MarkerException(file, regionStart, "SOLUTION-BEGIN region is never closed by SOLUTION-END");
        }
        // split(-1) keeps the text after the last newline; do not add a newline the source lacks
        out.setLength(out.length() - 1);
        return hadRegion ? withoutUnusedImports(out.toString()) : out.toString();
    }

    private static final Pattern IMPORT = Pattern.compile("^import\\s+(static\\s+)?([\\w.]+)\\s*;\\s*$");

    /**
     * Drops the imports that only the removed solution code used: they would make the IDE warn
     * and point the learner at the answer. An import stays when its simple name appears
     * anywhere else in the file (code, Javadoc or comment); wildcard imports always stay.
     */
    static String withoutUnusedImports(String source) {
        String[] lines = source.split("\n", -1);
        StringBuilder body = new StringBuilder();
        for (String line : lines) {
            if (!IMPORT.matcher(line.strip()).matches()) {
                body.append(line).append('\n');
            }
        }
        StringBuilder out = new StringBuilder(source.length());
        for (int i = 0; i < lines.length; i++) {
            Matcher imported = IMPORT.matcher(lines[i].strip());
            if (imported.matches()) {
                String name = imported.group(2);
                String simple = name.substring(name.lastIndexOf('.') + 1);
                if (!Pattern.compile("\\b" + Pattern.quote(simple) + "\\b").matcher(body).find()) {
                    continue;
                }
            }
            out.append(lines[i]);
            if (i < lines.length - 1) {
                out.append('\n');
            }
        }
        return out.toString();
    }

    static String exercisePom(Path file, String pom) {
        Matcher artifact = ARTIFACT.matcher(pom);
        if (!artifact.find()) {
            throw new MarkerException(file, 1, "a solution pom needs <artifactId>solutions-NN-name</artifactId>");
        }
        return artifact.replaceFirst("<artifactId>exercises-$1</artifactId>")
                .replace("(reference solution)", "(exercises)");
    }

    private static SortedMap<Path, byte[]> existingFiles(Path module) {
        SortedMap<Path, byte[]> files = new TreeMap<>();
        if (!Files.isDirectory(module)) {
            return files;
        }
        try (Stream<Path> walk = Files.walk(module)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                Path relative = module.relativize(file);
                if (!relative.getName(0).toString().equals("target")) {
                    files.put(relative, Files.readAllBytes(file));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + module, e);
        }
        return files;
    }

    private static void deleteEmptyFolders(Path module) throws IOException {
        try (Stream<Path> walk = Files.walk(module)) {
            for (Path dir : walk.filter(Files::isDirectory).sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                if (!dir.equals(module) && !dir.startsWith(module.resolve("target"))) {
                    try (Stream<Path> entries = Files.list(dir)) {
                        if (entries.findAny().isEmpty()) {
                            Files.delete(dir);
                        }
                    }
                }
            }
        }
    }
}
