package mmapkit.course.stubs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * {@code exercises-NN-x}, "(reference solution)" in its name replaced by "(exercises)", and a property
 * after its description that keeps compiler warnings and Javadoc slips in the learner's code from failing the build.
 * Every other file is copied unchanged; {@code target/} is ignored.
 *
 * <p>Next to the files it writes, the generator keeps a manifest, {@code exercises/NN/.generated-stubs}:
 * one line {@code SHA-256  path} per generated file, in the format of {@code sha256sum}. It tells
 * apart what the generator wrote from what a learner wrote since: a file whose content no longer
 * matches its line, or a file the manifest does not list, is the learner's work. The generator never
 * overwrites or deletes such a file unless told to ({@link Plan#learnerWork()}), and the kit's
 * invariants check the manifest, not the learner's files, against the solutions.
 */
public final class StubGenerator {

    public static final String BEGIN = "// SOLUTION-BEGIN";
    public static final String STUB = "// SOLUTION-STUB";
    public static final String END = "// SOLUTION-END";
    public static final String SOLUTION_ONLY_FILE = "// SOLUTION-ONLY-FILE";
    /** The manifest of what the generator wrote, in the exercise module's folder. */
    public static final String MANIFEST = ".generated-stubs";

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
        private static final long serialVersionUID = 1L;

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
            Plan plan = plan(solution, exercise);
            if (!plan.learnerWork().isEmpty()) {
                System.err.println("not written: these files of " + exercise + " are not what the generator wrote"
                        + " (./course generate --force keeps a copy of them before it writes):");
                plan.learnerWork().forEach(difference -> System.err.println("  " + difference));
                System.exit(1);
            }
            write(plan);
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

    /**
     * What writing an exercise module would do: the files it would overwrite or delete, and which
     * of those hold a learner's work.
     *
     * @param files        what the generator makes now, by path relative to the module folder
     * @param overwritten  existing files whose content would change
     * @param deleted      existing files the generator does not make
     * @param learnerWork  those of the two above that are not what the generator wrote last: changed
     *                     since (or, with no manifest, different from what it makes now), or added
     */
    public record Plan(Path exerciseModule, SortedMap<Path, byte[]> files, List<Path> overwritten, List<Path> deleted,
                       List<Difference> learnerWork) {

        /** Every existing file that writing would replace or remove, in path order. */
        public List<Path> replaced() {
            List<Path> replaced = new ArrayList<>(overwritten);
            replaced.addAll(deleted);
            replaced.sort(null);
            return replaced;
        }
    }

    /** Plans writing {@code exerciseModule} from {@code solutionModule}; changes nothing. */
    public static Plan plan(Path solutionModule, Path exerciseModule) {
        SortedMap<Path, byte[]> files = generate(solutionModule);
        SortedMap<Path, byte[]> existing = existingFiles(exerciseModule);
        Optional<SortedMap<Path, String>> manifest = readManifest(exerciseModule);
        List<Path> overwritten = new ArrayList<>();
        List<Path> deleted = new ArrayList<>();
        List<Difference> learnerWork = new ArrayList<>();
        for (Map.Entry<Path, byte[]> file : existing.entrySet()) {
            byte[] generated = files.get(file.getKey());
            if (generated != null && Arrays.equals(generated, file.getValue())) {
                continue;
            }
            (generated == null ? deleted : overwritten).add(file.getKey());
            String written = manifest.map(hashes -> hashes.get(file.getKey())).orElse(null);
            if (written == null) {
                learnerWork.add(new Difference(file.getKey(), manifest.isPresent()
                        ? "your own file (the generator did not write it)"
                        : "differs from the generated stub (and there is no " + MANIFEST + " to tell what the generator wrote)"));
            } else if (!written.equals(sha256(file.getValue()))) {
                learnerWork.add(new Difference(file.getKey(), "changed since the generator wrote it"));
            }
        }
        return new Plan(exerciseModule, files, List.copyOf(overwritten), List.copyOf(deleted), List.copyOf(learnerWork));
    }

    /**
     * Replaces the exercise module with what {@link #generate} makes (its {@code target/} stays),
     * whatever it holds, and writes the manifest. Callers that must keep a learner's work check
     * {@link #plan} first, as {@code ./course generate} does.
     */
    public static void write(Path solutionModule, Path exerciseModule) {
        write(plan(solutionModule, exerciseModule));
    }

    /** Carries out a plan: deletes, writes, and records what it wrote in the manifest. */
    public static void write(Plan plan) {
        Path exerciseModule = plan.exerciseModule();
        try {
            for (Path gone : plan.deleted()) {
                Files.delete(exerciseModule.resolve(gone));
            }
            for (Map.Entry<Path, byte[]> entry : plan.files().entrySet()) {
                Path target = exerciseModule.resolve(entry.getKey());
                Files.createDirectories(target.getParent());
                if (!Files.exists(target) || !Arrays.equals(Files.readAllBytes(target), entry.getValue())) {
                    Files.write(target, entry.getValue());
                }
            }
            Files.writeString(exerciseModule.resolve(MANIFEST), manifest(plan.files()));
            deleteEmptyFolders(exerciseModule);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + exerciseModule, e);
        }
    }

    /** The manifest of a set of generated files: {@code SHA-256  path} per line, in path order, as sha256sum writes. */
    public static String manifest(SortedMap<Path, byte[]> files) {
        StringBuilder manifest = new StringBuilder();
        files.forEach((path, content) -> manifest.append(sha256(content)).append("  ").append(slashed(path)).append('\n'));
        return manifest.toString();
    }

    /** The manifest of an exercise module, path to SHA-256; empty when it has none. */
    public static Optional<SortedMap<Path, String>> readManifest(Path exerciseModule) {
        Path file = exerciseModule.resolve(MANIFEST);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        SortedMap<Path, String> hashes = new TreeMap<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                int gap = line.indexOf("  ");
                if (gap > 0) {
                    hashes.put(Path.of(line.substring(gap + 2)), line.substring(0, gap));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return Optional.of(hashes);
    }

    /**
     * The manifest's lines that are not what the generator makes from the solution now: a
     * solution changed and the exercise was not generated again. A learner's edits do not show
     * here (they change the files, not the manifest).
     */
    public static List<Difference> checkManifest(Path solutionModule, Path exerciseModule) {
        SortedMap<Path, String> expected = new TreeMap<>();
        generate(solutionModule).forEach((path, content) -> expected.put(path, sha256(content)));
        Optional<SortedMap<Path, String>> manifest = readManifest(exerciseModule);
        if (manifest.isEmpty()) {
            return List.of(new Difference(Path.of(MANIFEST), "missing: the generator writes it with the exercise"));
        }
        List<Difference> differences = new ArrayList<>();
        expected.forEach((path, hash) -> {
            String recorded = manifest.get().get(path);
            if (recorded == null) {
                differences.add(new Difference(path, "is generated from the solution now, but the exercise was generated without it"));
            } else if (!recorded.equals(hash)) {
                differences.add(new Difference(path, "changed in the solution since the exercise was generated"));
            }
        });
        manifest.get().keySet().stream().filter(path -> !expected.containsKey(path))
                .forEach(path -> differences.add(new Difference(path, "was generated, but the solution no longer makes it")));
        return differences;
    }

    /**
     * The exercise files that are not what the manifest says the generator wrote: a learner's
     * work (changed, added or deleted files). Empty when there is no manifest to compare with.
     */
    public static List<Difference> learnerChanges(Path exerciseModule) {
        Optional<SortedMap<Path, String>> manifest = readManifest(exerciseModule);
        if (manifest.isEmpty()) {
            return List.of();
        }
        SortedMap<Path, byte[]> existing = existingFiles(exerciseModule);
        List<Difference> changes = new ArrayList<>();
        existing.forEach((path, content) -> {
            String recorded = manifest.get().get(path);
            if (recorded == null) {
                changes.add(new Difference(path, "added"));
            } else if (!recorded.equals(sha256(content))) {
                changes.add(new Difference(path, "changed"));
            }
        });
        manifest.get().keySet().stream().filter(path -> !existing.containsKey(path))
                .forEach(path -> changes.add(new Difference(path, "deleted")));
        return changes;
    }

    static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static String slashed(Path path) {
        return path.toString().replace(java.io.File.separatorChar, '/');
    }

    /**
     * Every file that differs between the exercise module and what the generator makes, the
     * manifest included: strict, so a learner's work shows here too ({@code ./course generate --check}).
     */
    public static List<Difference> check(Path solutionModule, Path exerciseModule) {
        SortedMap<Path, byte[]> expected = generate(solutionModule);
        SortedMap<Path, byte[]> actual = existingFiles(exerciseModule);
        List<Difference> differences = new ArrayList<>();
        String manifest = manifest(expected);
        Path manifestFile = exerciseModule.resolve(MANIFEST);
        try {
            if (!Files.isRegularFile(manifestFile) || !Files.readString(manifestFile).equals(manifest)) {
                differences.add(new Difference(Path.of(MANIFEST), "is not the manifest of the generated files"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + manifestFile, e);
        }
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
        String renamed = artifact.replaceFirst("<artifactId>exercises-$1</artifactId>")
                .replace("(reference solution)", "(exercises)");
        String after = renamed.contains("</description>") ? "</description>" : "</artifactId>";
        int at = renamed.indexOf(after, renamed.indexOf("<artifactId>exercises-")) + after.length();
        return renamed.substring(0, at) + LEARNER_PROPERTIES + renamed.substring(at);
    }

    /**
     * Set in every exercise pom: a compiler warning, a Javadoc slip or the style of the learner's
     * code never fails their build.
     */
    static final String LEARNER_PROPERTIES = "\n\n  <properties>\n"
            + "    <!-- Your code: the compiler's warnings are shown but do not fail the build, and your Javadoc and"
            + " style are not checked (the kit's own code fails on any of them). -->\n"
            + "    <kit.failOnWarning>false</kit.failOnWarning>\n"
            + "    <kit.doclint>-Xdoclint:none</kit.doclint>\n"
            + "    <kit.style.skip>true</kit.style.skip>\n"
            + "  </properties>";

    private static SortedMap<Path, byte[]> existingFiles(Path module) {
        SortedMap<Path, byte[]> files = new TreeMap<>();
        if (!Files.isDirectory(module)) {
            return files;
        }
        try (Stream<Path> walk = Files.walk(module)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                Path relative = module.relativize(file);
                if (!relative.getName(0).toString().equals("target") && !relative.toString().equals(MANIFEST)) {
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
