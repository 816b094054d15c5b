package mmapkit.faults.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A table of results, as aligned plain text for a reader and as CSV for a program. Cells are
 * strings, integral numbers or floating-point numbers; in text a floating-point number shows three
 * significant digits or more ({@link Summary#format}), in CSV it keeps six.
 */
public final class Table {

    private final List<String> headers;
    private final int textColumns;
    private final List<List<Object>> rows = new ArrayList<>();

    private Table(List<String> headers, int textColumns) {
        this.headers = List.copyOf(headers);
        this.textColumns = textColumns;
    }

    /**
     * A table with these column headers; the first {@code textColumns} columns are aligned left
     * (names), the others right (numbers).
     */
    public static Table of(int textColumns, String... headers) {
        if (headers.length == 0) {
            throw new IllegalArgumentException("a table needs at least one column");
        }
        if (textColumns < 0 || textColumns > headers.length) {
            throw new IllegalArgumentException("textColumns " + textColumns + " must be between 0 and " + headers.length);
        }
        return new Table(Arrays.asList(headers), textColumns);
    }

    /** Adds a row: exactly one cell per column. */
    public Table row(Object... cells) {
        if (cells.length != headers.size()) {
            throw new IllegalArgumentException("a row needs " + headers.size() + " cells, not " + cells.length);
        }
        for (Object cell : cells) {
            Objects.requireNonNull(cell, "cell");
        }
        rows.add(List.of(cells));
        return this;
    }

    /** The rows added so far. */
    public int rowCount() {
        return rows.size();
    }

    /** The table as aligned text: a header line, a rule, one line per row, each line ending in a newline. */
    public String toText() {
        int[] widths = new int[headers.size()];
        for (int c = 0; c < widths.length; c++) {
            widths[c] = headers.get(c).length();
            for (List<Object> row : rows) {
                widths[c] = Math.max(widths[c], text(row.get(c)).length());
            }
        }
        StringBuilder out = new StringBuilder();
        line(out, widths, new ArrayList<>(headers));
        List<Object> rule = new ArrayList<>();
        for (int width : widths) {
            rule.add("-".repeat(width));
        }
        line(out, widths, rule);
        for (List<Object> row : rows) {
            line(out, widths, row);
        }
        return out.toString();
    }

    private void line(StringBuilder out, int[] widths, List<Object> cells) {
        StringBuilder line = new StringBuilder();
        for (int c = 0; c < widths.length; c++) {
            if (c > 0) {
                line.append("  ");
            }
            String cell = text(cells.get(c));
            String pad = " ".repeat(widths[c] - cell.length());
            line.append(c < textColumns ? cell + pad : pad + cell);
        }
        out.append(line.toString().stripTrailing()).append('\n');
    }

    private static String text(Object cell) {
        return cell instanceof Double || cell instanceof Float ? Summary.format(((Number) cell).doubleValue()) : cell.toString();
    }

    /** The table as CSV (RFC 4180): a header line, then one line per row. */
    public String toCsv() {
        StringBuilder out = new StringBuilder();
        out.append(String.join(",", headers.stream().map(Table::quote).toList())).append('\n');
        for (List<Object> row : rows) {
            out.append(String.join(",", row.stream().map(Table::csv).toList())).append('\n');
        }
        return out.toString();
    }

    private static String csv(Object cell) {
        if (cell instanceof Double || cell instanceof Float) {
            return String.format(Locale.ROOT, "%.6g", ((Number) cell).doubleValue());
        }
        return quote(cell.toString());
    }

    private static String quote(String cell) {
        return cell.contains(",") || cell.contains("\"") || cell.contains("\n")
                ? '"' + cell.replace("\"", "\"\"") + '"' : cell;
    }

    /** Writes {@link #toCsv()} to {@code file}, creating its folder if needed. */
    public void writeCsv(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, toCsv());
    }

    @Override
    public String toString() {
        return toText();
    }

    /** {@code text} broken into lines of at most {@code width} characters, at spaces, so it fits a printed page. */
    public static String wrap(String text, int width) {
        if (width <= 0) {
            throw new IllegalArgumentException("width " + width + " must be positive");
        }
        StringBuilder out = new StringBuilder();
        int lineLength = 0;
        for (String word : text.split(" ")) {
            if (lineLength > 0 && lineLength + 1 + word.length() > width) {
                out.append('\n');
                lineLength = 0;
            } else if (lineLength > 0) {
                out.append(' ');
                lineLength++;
            }
            out.append(word);
            lineLength += word.length();
        }
        return out.toString();
    }
}
