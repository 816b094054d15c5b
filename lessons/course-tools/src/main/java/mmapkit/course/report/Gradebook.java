package mmapkit.course.report;

import mmapkit.course.submission.BatchGrader;
import mmapkit.course.model.ModuleResult;
import mmapkit.course.submission.SubmissionGrader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code ./course grade --batch} writes: {@code gradebook.csv} (one row per learner, a column
 * per module and a total), and per learner {@code NAME.md} and {@code NAME.json} (every task, its
 * points and its first failure). These files hold no time or duration: the same submissions give
 * the same bytes. Timings go to {@code batch-log.txt}.
 */
public final class Gradebook {

    /** The name of the row under the header that holds the points there are. */
    public static final String POSSIBLE_ROW = "(possible points)";

    private Gradebook() {
    }

    /**
     * @param modules  the module folders graded, in course order
     * @param possible the points there are per module (hidden tasks included)
     */
    public static void write(BatchGrader.Outcome outcome, List<String> modules, Map<String, Integer> possible, Path output,
                             String log) throws IOException {
        Files.createDirectories(output);
        Files.writeString(output.resolve("gradebook.csv"), csv(outcome, modules, possible), StandardCharsets.UTF_8);
        for (BatchGrader.Entry entry : outcome.entries()) {
            GradeReport report = new GradeReport(SubmissionGrader.TARGET, entry.modules());
            Files.writeString(output.resolve(entry.learner() + ".json"), JsonReport.render(report, root -> {
                root.put("learner", entry.learner());
                root.put("trusted", entry.trusted());
                root.put("error", entry.error());
                if (entry.result() != null) {
                    root.put("sandboxed", entry.result().sandbox().isolated());
                    root.put("sandbox", entry.result().sandbox().description());
                }
                var changes = root.putArray("kitChanges");
                if (entry.result() != null) {
                    entry.result().kitChanges().forEach(changes::add);
                }
            }), StandardCharsets.UTF_8);
            Files.writeString(output.resolve(entry.learner() + ".md"), MarkdownReport.render(report, entry.learner(), preamble(entry)),
                    StandardCharsets.UTF_8);
        }
        Files.writeString(output.resolve("batch-log.txt"), log, StandardCharsets.UTF_8);
    }

    private static String preamble(BatchGrader.Entry entry) {
        StringBuilder text = new StringBuilder();
        if (entry.error() != null) {
            text.append("**Not graded:** ").append(entry.error().replace("\n", " ")).append("\n\n");
        }
        if (entry.result() != null && !entry.result().sandbox().isolated()) {
            text.append("**UNSANDBOXED:** ").append(entry.result().sandbox().description()).append("\n\n");
        }
        if (!entry.trusted()) {
            text.append("**Untrusted result:** ")
                    .append(SubmissionGrader.kitChangedMessage(entry.result().kitChanges()).replace("\n", "\n    ")).append("\n\n");
        }
        return text.toString();
    }

    /** The CSV (RFC 4180: comma-separated, fields quoted where needed, CRLF line ends). */
    public static String csv(BatchGrader.Outcome outcome, List<String> modules, Map<String, Integer> possible) {
        StringBuilder out = new StringBuilder();
        List<String> header = new ArrayList<>();
        header.add("learner");
        header.addAll(modules);
        header.add("total");
        header.add("status");
        row(out, header);
        List<String> possibleRow = new ArrayList<>();
        possibleRow.add(POSSIBLE_ROW);
        int total = 0;
        for (String module : modules) {
            int points = possible.getOrDefault(module, 0);
            possibleRow.add(Integer.toString(points));
            total += points;
        }
        possibleRow.add(Integer.toString(total));
        possibleRow.add("");
        row(out, possibleRow);
        for (BatchGrader.Entry entry : outcome.entries()) {
            List<String> cells = new ArrayList<>();
            cells.add(entry.learner());
            int earned = 0;
            for (String module : modules) {
                int points = entry.trusted() ? entry.modules().stream().filter(result -> result.module().equals(module))
                        .mapToInt(ModuleResult::earned).sum() : 0;
                cells.add(Integer.toString(points));
                earned += points;
            }
            cells.add(Integer.toString(earned));
            cells.add(status(entry));
            row(out, cells);
        }
        return out.toString();
    }

    /**
     * {@code ok}, or what kept points from being counted: untrusted, not graded, a module's problem; and
     * {@code UNSANDBOXED} when the graded code ran without the sandbox.
     */
    static String status(BatchGrader.Entry entry) {
        if (entry.error() != null) {
            return "not graded: " + entry.error().lines().findFirst().orElse("");
        }
        if (!entry.trusted()) {
            return "untrusted: the kit's files changed while it was graded (points not counted)";
        }
        List<String> problems = entry.modules().stream().filter(module -> module.problem() != null)
                .map(module -> module.module() + " " + module.problem().kind().name().toLowerCase(Locale.ROOT).replace('_', ' '))
                .toList();
        String status = problems.isEmpty() ? "ok" : String.join("; ", problems);
        return entry.result() != null && !entry.result().sandbox().isolated() ? status + "; UNSANDBOXED" : status;
    }

    private static void row(StringBuilder out, List<String> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(field(cells.get(i)));
        }
        out.append("\r\n");
    }

    /**
     * One CSV field: quoted when it holds a comma, a quote, a line break or edge spaces; text that a
     * spreadsheet would take for a formula ({@code = + - @} first) gets a leading apostrophe.
     */
    static String field(String value) {
        String text = value == null ? "" : value;
        if (!text.isEmpty() && "=+-@".indexOf(text.charAt(0)) >= 0 && !text.matches("-?\\d+")) {
            text = "'" + text;
        }
        boolean quote = text.contains(",") || text.contains("\"") || text.contains("\n") || text.contains("\r")
                || !text.equals(text.strip());
        return quote ? "\"" + text.replace("\"", "\"\"") + "\"" : text;
    }
}
