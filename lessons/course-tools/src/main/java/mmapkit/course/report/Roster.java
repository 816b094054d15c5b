package mmapkit.course.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Who each submission belongs to, for the gradebooks an LMS imports ({@code --roster FILE}): a CSV
 * with a header row naming its columns, {@code learner} (the submission's name in the batch: its
 * folder, or its zip without {@code .zip}) and any of {@code name}, {@code id}, {@code email},
 * {@code login}, {@code section}. Other columns are ignored.
 *
 * <pre>
 * learner,name,id,email
 * jdoe,"Doe, Jane",4711,jane.doe@example.edu
 * </pre>
 */
public record Roster(Map<String, Person> people) {

    /** One learner as the LMS knows them; a field the roster does not give is empty. */
    public record Person(String name, String id, String email, String login, String section) {
        static final Person UNKNOWN = new Person("", "", "", "", "");
    }

    public static final Roster EMPTY = new Roster(Map.of());

    public Roster {
        people = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(people));
    }

    /** The person behind a submission, or one with empty fields when the roster does not name it. */
    public Person of(String learner) {
        return people.getOrDefault(learner, Person.UNKNOWN);
    }

    /**
     * Reads a roster.
     *
     * @throws IllegalArgumentException naming the file, the line and the rule it broke
     */
    public static Roster read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the roster " + file, e);
        }
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("the roster " + file + " is empty: it needs a header row such as learner,name,id,email");
        }
        List<String> header = fields(lines.getFirst().replace("\uFEFF", ""), file, 1).stream()
                .map(name -> name.strip().toLowerCase(Locale.ROOT)).toList();
        int learner = header.indexOf("learner");
        if (learner < 0) {
            throw new IllegalArgumentException("the roster " + file + " has no column 'learner' in its header " + header
                    + ": name the column that holds each submission's folder (or zip) name 'learner'");
        }
        Map<String, Person> people = new LinkedHashMap<>();
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            List<String> row = fields(lines.get(i), file, i + 1);
            String name = cell(row, learner);
            if (name.isEmpty()) {
                throw new IllegalArgumentException("the roster " + file + ", line " + (i + 1) + ", has no learner");
            }
            Person person = new Person(cell(row, header.indexOf("name")), cell(row, header.indexOf("id")),
                    cell(row, header.indexOf("email")), cell(row, header.indexOf("login")), cell(row, header.indexOf("section")));
            if (people.put(name, person) != null) {
                throw new IllegalArgumentException("the roster " + file + ", line " + (i + 1) + ", names the learner '" + name
                        + "' a second time: each submission belongs to one person");
            }
        }
        return new Roster(people);
    }

    private static String cell(List<String> row, int index) {
        return index >= 0 && index < row.size() ? row.get(index).strip() : "";
    }

    /** The fields of one CSV line (RFC 4180 quoting; a quoted field does not span lines here). */
    private static List<String> fields(String line, Path file, int number) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("the roster " + file + ", line " + number + ", opens a quote it never closes");
        }
        fields.add(field.toString());
        return fields;
    }
}
