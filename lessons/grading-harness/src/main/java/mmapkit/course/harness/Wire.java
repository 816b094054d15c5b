package mmapkit.course.harness;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * How a field travels between the grader and a grading JVM: percent-encoded UTF-8, so a field
 * never holds the tab that separates fields or the line break that ends a line.
 */
public final class Wire {

    private Wire() {
    }

    public static String encode(String field) {
        return URLEncoder.encode(field == null ? "" : field, StandardCharsets.UTF_8);
    }

    /** @throws IllegalArgumentException when the field is not percent-encoded */
    public static String decode(String field) {
        return URLDecoder.decode(field, StandardCharsets.UTF_8);
    }
}
