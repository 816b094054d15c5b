package mmapkit.invariants;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * No literal page size in graded tests or toolkit code: pages are 4 KiB on x86-64 but 16 KiB on a
 * Raspberry Pi 5 and 64 KiB on RHEL for arm64, so a test that writes {@code 4096} for "one page"
 * fails there for a correct solution. Code asks {@code Pages.size()} instead.
 *
 * <p>Checked: the code of every line (comments and string literals left out) of
 * {@code lessons/NN-name/src/test/java} and {@code solutions/NN-name/src/main/java}, for the numbers
 * 4096 and 8192. A true non-page use (a simulated page cache with a page size of its own, a file
 * format's block, a count of pages, a ring's capacity) stays when its line says so with the
 * comment {@value #ALLOW} and why.
 */
class NoLiteralPageSizeTest {

    /** The marker that allows a 4096 or 8192 that is not the system's page size. */
    static final String ALLOW = "// not a page size";

    private static final Pattern LITERAL = Pattern.compile("\\b(4096|8192)[lL]?\\b(?!\\.)");

    @Test
    void noGradedTestNorToolkitCodeWritesThePageSizeAsANumber() {
        KitLayout kit = KitLayout.ofBuild();
        List<String> problems = new ArrayList<>();
        for (CourseModule module : kit.modules()) {
            problems.addAll(problems(kit.root(), kit.lessons(module).resolve("src/test/java")));
            problems.addAll(problems(kit.root(), kit.toolkit(KitLayout.Side.SOLUTIONS, module).resolve("src/main/java")));
        }
        Problems.assertNone("graded tests and toolkit code", problems);
    }

    /** One problem per line of the Java files under {@code folder} that holds a literal page size. */
    static List<String> problems(Path root, Path folder) {
        List<String> problems = new ArrayList<>();
        if (!Files.isDirectory(folder)) {
            return problems;
        }
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path file : files.filter(path -> path.toString().endsWith(".java")).sorted().toList()) {
                List<String> lines = Files.readAllLines(file);
                boolean inComment = false;
                for (int index = 0; index < lines.size(); index++) {
                    String line = lines.get(index);
                    StringBuilder code = new StringBuilder();
                    inComment = code(line, inComment, code);
                    Matcher literal = LITERAL.matcher(code);
                    if (literal.find() && !line.contains(ALLOW)) {
                        problems.add(root.relativize(file) + ":" + (index + 1) + ": " + literal.group(1) + " in '"
                                + line.strip() + "': write Pages.size() (or a PAGE constant made from it) for a page,"
                                + " so the code holds on 16 KiB and 64 KiB pages too; if the number is no page size,"
                                + " end the line with '" + ALLOW + ": <why>'");
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + folder, e);
        }
        return problems;
    }

    /**
     * Appends the code of {@code line} to {@code code}: without comments, and with every string or
     * character literal replaced by {@code ""}; returns whether a block comment is still open at the end.
     */
    static boolean code(String line, boolean inBlockComment, StringBuilder code) {
        boolean inComment = inBlockComment;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (inComment) {
                if (c == '*' && i + 1 < line.length() && line.charAt(i + 1) == '/') {
                    inComment = false;
                    i++;
                }
            } else if (c == '/' && i + 1 < line.length() && line.charAt(i + 1) == '/') {
                break;
            } else if (c == '/' && i + 1 < line.length() && line.charAt(i + 1) == '*') {
                inComment = true;
                i++;
            } else if (c == '"' || c == '\'') {
                int end = i + 1;
                while (end < line.length() && line.charAt(end) != c) {
                    end += line.charAt(end) == '\\' ? 2 : 1;
                }
                code.append("\"\"");
                i = end;
            } else {
                code.append(c);
            }
        }
        return inComment;
    }

    /** The check itself, on small inputs. */
    @Nested
    class TheCheckFinds {

        private List<String> problemsIn(Path dir, String source) throws IOException {
            Path folder = dir.resolve("src/test/java/mmapkit/mapping");
            Files.createDirectories(folder);
            Files.writeString(folder.resolve("SomeTest.java"), source);
            return problems(dir, dir.resolve("src/test/java"));
        }

        @Test
        void aPageSizeInCodeButNotInCommentsStringsOrAllowedLines(@org.junit.jupiter.api.io.TempDir Path dir)
                throws IOException {
            List<String> problems = problemsIn(dir, """
                    class SomeTest {
                        /** alignDown(4097) == 4096 */
                        long a = 3 * 4096; // three pages
                        String b = "offset 4096";
                        long c = 40960 + 14096 + 8192L;
                        int d = 4096; // not a page size: the simulated cache's own page
                        /* 8192
                           4096 */ long e = 8192;
                    }
                    """);
            assertThat(problems).hasSize(3);
            assertThat(problems.get(0)).startsWith("src/test/java/mmapkit/mapping/SomeTest.java:3: 4096 in 'long a = 3 * 4096;")
                    .contains("Pages.size()").contains(ALLOW);
            assertThat(problems.get(1)).startsWith("src/test/java/mmapkit/mapping/SomeTest.java:5: 8192");
            assertThat(problems.get(2)).startsWith("src/test/java/mmapkit/mapping/SomeTest.java:8: 8192");
        }
    }
}
