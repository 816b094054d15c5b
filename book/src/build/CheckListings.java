import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The book is given to learners, so no listing may show a solution. The book includes listings by
 * tag ({@code // tag::name[]} ... {@code // end::name[]}) from the sources under {@code solutions/};
 * this check fails when any tagged region of those sources overlaps a solution region
 * ({@code // SOLUTION-BEGIN} ... {@code // SOLUTION-END}) or a solution-only file, and when a tag is
 * opened and not closed (or the other way round).
 *
 * <p>Run by the book's build before Asciidoctor, with the JDK the build selected, in source-file
 * mode: {@code java CheckListings.java <folder of solutions>}.
 */
public final class CheckListings {

    private static final Pattern TAG = Pattern.compile("//\\s*(tag|end)::([\\w.-]+)\\[]");
    private static final Pattern SOLUTION = Pattern.compile("//\\s*SOLUTION-(BEGIN|END)\\b");
    private static final String SOLUTION_ONLY_FILE = "// SOLUTION-ONLY-FILE";

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: java CheckListings.java <folder of solutions>");
        }
        Path solutions = Path.of(args[0]).toAbsolutePath().normalize();
        if (!Files.isDirectory(solutions)) {
            throw new IllegalArgumentException(solutions + " is not a folder");
        }
        List<String> problems = new ArrayList<>();
        int tags = 0;
        try (Stream<Path> files = Files.walk(solutions)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> !f.toString().contains("/target/")).sorted().toList()) {
                tags += check(solutions.getParent().relativize(file), file, problems);
            }
        }
        if (!problems.isEmpty()) {
            System.err.println("The book would show solution code, or a tag is broken:");
            problems.forEach(problem -> System.err.println("  " + problem));
            throw new IllegalStateException(problems.size() + " problem(s) with the tagged listings under " + solutions);
        }
        System.out.println(tags + " tagged listing regions under solutions/, none inside a solution region");
    }

    /** Checks one source file; returns how many tagged regions it has. */
    private static int check(Path name, Path file, List<String> problems) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        boolean solutionOnly = lines.stream().anyMatch(line -> line.strip().equals(SOLUTION_ONLY_FILE));
        Map<String, Integer> open = new HashMap<>();
        Deque<Integer> solutionStarts = new ArrayDeque<>();
        int inSolution = 0;
        int regions = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int number = i + 1;
            Matcher solution = SOLUTION.matcher(line);
            if (solution.find()) {
                if (solution.group(1).equals("BEGIN")) {
                    inSolution++;
                    solutionStarts.push(number);
                    open.forEach((tag, start) -> problems.add(name + ":" + number + ": a solution region starts inside tag '"
                            + tag + "' (opened at line " + start + "): end the tag before the solution region"));
                } else {
                    inSolution = Math.max(0, inSolution - 1);
                    if (!solutionStarts.isEmpty()) {
                        solutionStarts.pop();
                    }
                }
            }
            Matcher tag = TAG.matcher(line);
            if (tag.find()) {
                String tagName = tag.group(2);
                if (tag.group(1).equals("tag")) {
                    if (solutionOnly) {
                        problems.add(name + ":" + number + ": tag '" + tagName + "' is in a solution-only file");
                    }
                    if (inSolution > 0) {
                        problems.add(name + ":" + number + ": tag '" + tagName + "' starts inside the solution region opened at line "
                                + solutionStarts.peek() + ": the book must never show solution code");
                    }
                    if (open.putIfAbsent(tagName, number) != null) {
                        problems.add(name + ":" + number + ": tag '" + tagName + "' is opened again before it ended");
                    }
                    regions++;
                } else if (open.remove(tagName) == null) {
                    problems.add(name + ":" + number + ": end of tag '" + tagName + "' that was never opened");
                }
            }
        }
        open.forEach((tagName, start) -> problems.add(name + ":" + start + ": tag '" + tagName + "' is never ended"));
        return regions;
    }
}
