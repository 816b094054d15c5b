package mmapkit.course.cli;

/** A hint file (AsciiDoc) as plain terminal text: indented, with the markup that matters least removed. */
final class TextReportHint {

    private TextReportHint() {
    }

    static String plain(String asciidoc) {
        StringBuilder out = new StringBuilder();
        for (String line : asciidoc.strip().split("\n")) {
            String text = line.replaceAll("`\\+?([^`+]+)\\+?`", "$1");
            out.append("  ").append(text).append('\n');
        }
        return out.toString();
    }
}
