package mmapkit.invariants;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

/**
 * How every check reports: one line per problem, each saying what broke and how to fix it. The
 * message stays short enough to read in a console: at most {@value #SHOWN} problems, each cut
 * after {@value #LINES} lines and {@value #CHARACTERS} characters (the counts of what was left out
 * are given).
 */
final class Problems {

    static final int SHOWN = 10;
    static final int LINES = 8;
    static final int CHARACTERS = 600;

    private Problems() {
    }

    static void assertNone(String subject, List<String> problems) {
        assertThat(problems).withFailMessage(() -> message(subject, problems)).isEmpty();
    }

    static String message(String subject, List<String> problems) {
        List<String> shown = problems.stream().limit(SHOWN).map(Problems::shortened)
                .map(problem -> problem.replace("\n", "\n    ")).toList();
        return subject + " breaks " + problems.size() + " kit invariant(s):\n  - " + String.join("\n  - ", shown)
                + (problems.size() > SHOWN ? "\n  ... and " + (problems.size() - SHOWN) + " more" : "");
    }

    private static String shortened(String problem) {
        String text = problem;
        List<String> lines = text.lines().toList();
        if (lines.size() > LINES) {
            text = String.join("\n", lines.subList(0, LINES)) + "\n... (" + (lines.size() - LINES) + " more lines)";
        }
        if (text.length() > CHARACTERS) {
            text = text.substring(0, CHARACTERS) + " ... (" + (text.length() - CHARACTERS) + " more characters)";
        }
        return text;
    }
}
