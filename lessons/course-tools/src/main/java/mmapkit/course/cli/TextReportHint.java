package mmapkit.course.cli;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A hint file (AsciiDoc) as plain terminal text: indented, with the markup that matters least removed. */
final class TextReportHint {

    /**
     * Inline code, one pair of backticks at a time: {@code `+...+`} (passthrough, which may hold
     * backticks and pluses) is tried before plain {@code `...`}, which may hold pluses.
     */
    private static final Pattern INLINE_CODE = Pattern.compile("`\\+(.+?)\\+`|`([^`]+)`");

    private TextReportHint() {
    }

    static String plain(String asciidoc) {
        StringBuilder out = new StringBuilder();
        for (String line : asciidoc.strip().split("\n")) {
            String text = INLINE_CODE.matcher(line).replaceAll(code -> Matcher.quoteReplacement(
                    code.group(1) != null ? code.group(1) : code.group(2)));
            out.append("  ").append(text).append('\n');
        }
        return out.toString();
    }
}
