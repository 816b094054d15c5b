import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Keeps the text of ditaa diagrams readable in the PDF. Ditaa draws every column of a diagram 10
 * pixels wide in a font of fixed size, so a wide diagram is scaled down to the page's width, and
 * its text with it: at 100 columns the text printed visibly smaller than the listings' code. This
 * check fails when a ditaa diagram of the book is wider than {@value #MAX_COLUMNS}
 * columns, the width at which its text prints at about the size of the code font; redraw such a
 * diagram narrower (shorter boxes, text over two lines).
 *
 * <p>Run by the book's build before Asciidoctor, in source-file mode:
 * {@code java CheckDiagramWidths.java <folder of the book's Asciidoc sources>}.
 */
public final class CheckDiagramWidths {

    static final int MAX_COLUMNS = 80;

    private static final Pattern DITAA_BLOCK = Pattern.compile("(?m)^\\[ditaa,\\s*([\\w.-]+)[^\\]]*]\\n(\\.{4,}|-{4,})\\n(.*?)\\n\\2$",
            Pattern.DOTALL);

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: java CheckDiagramWidths.java <folder of the book's Asciidoc sources>");
        }
        Path sources = Path.of(args[0]).toAbsolutePath().normalize();
        List<String> problems = new ArrayList<>();
        int diagrams = 0;
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path file : files.filter(path -> path.toString().endsWith(".adoc")).sorted().toList()) {
                String text = Files.readString(file);
                Matcher block = DITAA_BLOCK.matcher(text);
                while (block.find()) {
                    diagrams++;
                    int columns = block.group(3).lines().mapToInt(String::length).max().orElse(0);
                    if (columns > MAX_COLUMNS) {
                        int line = (int) text.substring(0, block.start()).lines().count() + 1;
                        problems.add(sources.relativize(file) + ":" + line + ": the ditaa diagram " + block.group(1) + " is " + columns
                                + " columns wide, more than the " + MAX_COLUMNS + " at which its text prints at about the size of the"
                                + " code font in the PDF: draw it narrower (shorter boxes, text over two lines)");
                    }
                }
            }
        }
        if (!problems.isEmpty()) {
            problems.forEach(System.err::println);
            System.exit(1);
        }
        System.out.println(diagrams + " ditaa diagrams in the book, none wider than " + MAX_COLUMNS + " columns");
    }
}
