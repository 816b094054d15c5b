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
 * per module, optionally per task, a total and a status), per learner {@code NAME.md} and
 * {@code NAME.json} (every task, its points and its first failure), and on request the gradebooks an
 * LMS imports ({@code gradebook-canvas.csv}, {@code gradebook-moodle.csv}: see {@link Layout}).
 * These files hold no time or duration: the same submissions give the same bytes. Timings go to
 * {@code batch-log.txt}.
 */
public final class Gradebook {

    /** The name of the row under the header that holds the points there are. */
    public static final String POSSIBLE_ROW = "(possible points)";

    /** The learning-management systems whose grade import gets a file of its own. */
    public enum Lms {
        /**
         * Canvas's gradebook import: {@code Student, ID, SIS User ID, SIS Login ID, Section}, then a column per
         * assignment, and a {@code Points Possible} row under the header, as Canvas's own export has it.
         */
        CANVAS,
        /**
         * Moodle's grade import: identifier columns ({@code Email address}, {@code ID number}) to map to users, a
         * column per grade item.
         */
        MOODLE
    }

    /**
     * How the gradebooks are laid out.
     *
     * @param roster      who each submission belongs to (ids and emails for the LMS)
     * @param taskColumns a column per task as well as per module
     * @param lms         the LMS files to write besides {@code gradebook.csv}
     */
    public record Layout(Roster roster, boolean taskColumns, java.util.Set<Lms> lms) {
        public static final Layout PLAIN = new Layout(Roster.EMPTY, false, java.util.Set.of());

        public Layout {
            lms = java.util.Set.copyOf(lms);
        }
    }

    /** One column of points: its header, the points there are, and a learner's points (null: not measured). */
    private record Column(String name, int possible, java.util.function.Function<BatchGrader.Entry, Integer> points) {
    }

    private Gradebook() {
    }

    /**
     * @param modules  the module folders graded, in course order
     * @param possible the points there are per module (hidden tasks included)
     */
    public static void write(BatchGrader.Outcome outcome, List<String> modules, Map<String, Integer> possible, Path output,
                             String log) throws IOException {
        write(outcome, modules, possible, output, log, Layout.PLAIN);
    }

    /** As {@link #write(BatchGrader.Outcome, List, Map, Path, String)}, laid out as {@code layout} says. */
    public static void write(BatchGrader.Outcome outcome, List<String> modules, Map<String, Integer> possible, Path output,
                             String log, Layout layout) throws IOException {
        Files.createDirectories(output);
        Files.writeString(output.resolve("gradebook.csv"), csv(outcome, modules, possible, layout), StandardCharsets.UTF_8);
        if (layout.lms().contains(Lms.CANVAS)) {
            Files.writeString(output.resolve("gradebook-canvas.csv"), canvas(outcome, modules, possible, layout), StandardCharsets.UTF_8);
        }
        if (layout.lms().contains(Lms.MOODLE)) {
            Files.writeString(output.resolve("gradebook-moodle.csv"), moodle(outcome, modules, possible, layout), StandardCharsets.UTF_8);
        }
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

    /** The CSV (RFC 4180: comma-separated, fields quoted where needed, CRLF line ends), laid out plainly. */
    public static String csv(BatchGrader.Outcome outcome, List<String> modules, Map<String, Integer> possible) {
        return csv(outcome, modules, possible, Layout.PLAIN);
    }

    /**
     * {@code gradebook.csv}: {@code learner} (and {@code name, id, email} with a roster), a column per
     * module (and per task), {@code total} and {@code status}; under the header the {@link #POSSIBLE_ROW}.
     */
    public static String csv(BatchGrader.Outcome outcome, List<String> modules, Map<String, Integer> possible, Layout layout) {
        List<Column> columns = columns(outcome, modules, possible, layout);
        boolean roster = !layout.roster().people().isEmpty();
        StringBuilder out = new StringBuilder();
        List<String> header = new ArrayList<>(List.of("learner"));
        if (roster) {
            header.addAll(List.of("name", "id", "email"));
        }
        columns.forEach(column -> header.add(column.name()));
        header.add("total");
        header.add("status");
        row(out, header);
        List<String> possibleRow = new ArrayList<>();
        possibleRow.add(POSSIBLE_ROW);
        if (roster) {
            possibleRow.addAll(List.of("", "", ""));
        }
        columns.forEach(column -> possibleRow.add(Integer.toString(column.possible())));
        possibleRow.add(Integer.toString(modules.stream().mapToInt(module -> possible.getOrDefault(module, 0)).sum()));
        possibleRow.add("");
        row(out, possibleRow);
        for (BatchGrader.Entry entry : outcome.entries()) {
            List<String> cells = new ArrayList<>();
            cells.add(entry.learner());
            if (roster) {
                Roster.Person person = layout.roster().of(entry.learner());
                cells.addAll(List.of(person.name(), person.id(), person.email()));
            }
            columns.forEach(column -> cells.add(Integer.toString(java.util.Objects.requireNonNullElse(column.points().apply(entry), 0))));
            cells.add(Integer.toString(modules.stream().mapToInt(module -> modulePoints(entry, module)).sum()));
            cells.add(status(entry));
            row(out, cells);
        }
        return out.toString();
    }

    /** {@code gradebook-canvas.csv}: what Canvas's gradebook import reads. A learner not measured gets empty cells, not zeros. */
    static String canvas(BatchGrader.Outcome outcome, List<String> modules, Map<String, Integer> possible, Layout layout) {
        List<Column> columns = columns(outcome, modules, possible, layout);
        StringBuilder out = new StringBuilder();
        List<String> header = new ArrayList<>(List.of("Student", "ID", "SIS User ID", "SIS Login ID", "Section"));
        columns.forEach(column -> header.add(lmsName(column)));
        row(out, header);
        List<String> possibleRow = new ArrayList<>(List.of("Points Possible", "", "", "", ""));
        columns.forEach(column -> possibleRow.add(Integer.toString(column.possible())));
        row(out, possibleRow);
        for (BatchGrader.Entry entry : outcome.entries()) {
            Roster.Person person = layout.roster().of(entry.learner());
            List<String> cells = new ArrayList<>(List.of(person.name().isEmpty() ? entry.learner() : person.name(), "", person.id(),
                    person.login().isEmpty() ? person.email() : person.login(), person.section()));
            columns.forEach(column -> cells.add(measured(entry, column)));
            row(out, cells);
        }
        return out.toString();
    }

    /** {@code gradebook-moodle.csv}: what Moodle's grade import reads (map "Email address" or "ID number" to the users). */
    static String moodle(BatchGrader.Outcome outcome, List<String> modules, Map<String, Integer> possible, Layout layout) {
        List<Column> columns = columns(outcome, modules, possible, layout);
        StringBuilder out = new StringBuilder();
        List<String> header = new ArrayList<>(List.of("Email address", "ID number", "Learner"));
        columns.forEach(column -> header.add(lmsName(column)));
        row(out, header);
        for (BatchGrader.Entry entry : outcome.entries()) {
            Roster.Person person = layout.roster().of(entry.learner());
            List<String> cells = new ArrayList<>(List.of(person.email(), person.id(), entry.learner()));
            columns.forEach(column -> cells.add(measured(entry, column)));
            row(out, cells);
        }
        return out.toString();
    }

    /** An assignment's name in an LMS: the column with its points, so a grade item can be made to match. */
    private static String lmsName(Column column) {
        return "mmap " + column.name() + " (" + column.possible() + " points)";
    }

    /** A learner's points in a column, or empty when they were not measured (not graded, or the kit changed). */
    private static String measured(BatchGrader.Entry entry, Column column) {
        Integer points = column.points().apply(entry);
        return entry.error() != null || !entry.trusted() || points == null ? "" : Integer.toString(points);
    }

    private static int modulePoints(BatchGrader.Entry entry, String module) {
        return entry.trusted() ? entry.modules().stream().filter(result -> result.module().equals(module))
                .mapToInt(ModuleResult::earned).sum() : 0;
    }

    /** A column per module, and with task columns one per task of each module after it (tasks as the graded results list them). */
    private static List<Column> columns(BatchGrader.Outcome outcome, List<String> modules, Map<String, Integer> possible, Layout layout) {
        List<Column> columns = new ArrayList<>();
        for (String module : modules) {
            columns.add(new Column(module, possible.getOrDefault(module, 0),
                    entry -> entry.error() != null ? null : modulePoints(entry, module)));
        }
        if (layout.taskColumns()) {
            for (String module : modules) {
                List<mmapkit.course.model.TaskResult> tasks = outcome.entries().stream().flatMap(entry -> entry.modules().stream())
                        .filter(result -> result.module().equals(module)).findFirst().map(ModuleResult::tasks).orElse(List.of());
                for (mmapkit.course.model.TaskResult task : tasks) {
                    columns.add(new Column(task.id(), task.points(), entry -> entry.error() != null ? null
                            : !entry.trusted() ? 0 : entry.modules().stream().filter(result -> result.module().equals(module))
                            .flatMap(result -> result.problem() != null ? java.util.stream.Stream.empty() : result.tasks().stream())
                            .filter(result -> result.id().equals(task.id())).mapToInt(mmapkit.course.model.TaskResult::earned).sum()));
                }
            }
        }
        return columns;
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
