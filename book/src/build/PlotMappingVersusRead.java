import de.erichseifert.vectorgraphics2d.VectorGraphics2D;
import de.erichseifert.vectorgraphics2d.svg.SVGProcessor;
import de.erichseifert.vectorgraphics2d.util.PageSize;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Draws the chart of chapter 2 from the CSV that the experiment {@code MappingVersusRead} wrote
 * while the book's build captured it: one bar chart per workload (sequential pass in MB/s, random
 * 8-byte reads in million reads per second), one bar per variant at its median throughput, side by
 * side in one SVG. The numbers are those of this build's run, like the outputs the chapter shows.
 *
 * <p>Run by the book's build in source-file mode, with XChart (and the VectorGraphics2D library it
 * writes SVG with) on the class path:
 * {@code java -Djava.awt.headless=true -cp <class path> PlotMappingVersusRead.java <csv file> <svg file>}
 */
public final class PlotMappingVersusRead {

    private static final int WIDTH = 430;
    private static final int HEIGHT = 330;
    /** Read first (the baseline), then the mapping variants, in the CSV's order. */
    private static final Color[] COLOURS = {new Color(0x9e, 0x9e, 0x9e), new Color(0x1f, 0x77, 0xb4),
            new Color(0x2c, 0xa0, 0x2c), new Color(0xff, 0x7f, 0x0e)};

    private record Bar(String variant, String unit, double median, double ratio) {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: java -cp <class path> PlotMappingVersusRead.java <csv file> <svg file>");
        }
        Path csv = Path.of(args[0]);
        Path svg = Path.of(args[1]);
        Map<String, List<Bar>> workloads = read(csv);
        if (workloads.isEmpty()) {
            throw new IllegalStateException(csv + " holds no measurement");
        }
        VectorGraphics2D graphics = new VectorGraphics2D();
        int x = 0;
        for (Map.Entry<String, List<Bar>> workload : workloads.entrySet()) {
            CategoryChart chart = chart(workload.getKey(), workload.getValue());
            graphics.translate(x, 0);
            chart.paint(graphics, WIDTH, HEIGHT);
            graphics.translate(-x, 0);
            x += WIDTH;
        }
        Files.createDirectories(svg.toAbsolutePath().getParent());
        try (OutputStream out = Files.newOutputStream(svg)) {
            new SVGProcessor().getDocument(graphics.getCommands(), new PageSize(0, 0, x, HEIGHT)).writeTo(out);
        }
        System.out.println("chart of " + csv.getFileName() + " (" + workloads.size() + " workloads) -> " + svg.getFileName());
    }

    private static CategoryChart chart(String workload, List<Bar> bars) {
        boolean reads = bars.getFirst().unit().equals("reads/s");
        String unit = reads ? "million reads/s" : bars.getFirst().unit();
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title(workload + " (median)").yAxisTitle(unit).build();
        Styler styler = chart.getStyler();
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBorderVisible(false);
        styler.setLegendPosition(Styler.LegendPosition.OutsideS);
        styler.setLegendLayout(Styler.LegendLayout.Vertical);
        styler.setLegendBorderColor(Color.WHITE);
        chart.getStyler().setLabelsVisible(true);
        chart.getStyler().setLabelsFontColorAutomaticEnabled(false);
        chart.getStyler().setLabelsFontColor(Color.BLACK);
        chart.getStyler().setLabelsPosition(0.95);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setXAxisTicksVisible(false);
        chart.getStyler().setSeriesColors(COLOURS);
        chart.getStyler().setDecimalPattern(reads ? "0.00" : "#,##0");
        for (Bar bar : bars) {
            String label = Double.isNaN(bar.ratio()) || bar.ratio() == 1.0 && bar.variant().startsWith("read")
                    ? bar.variant() : bar.variant() + String.format(Locale.ROOT, " (%.2fx read)", bar.ratio());
            chart.addSeries(label, List.of(workload), List.of(reads ? bar.median() / 1e6 : bar.median()));
        }
        return chart;
    }

    /** The rows of the CSV grouped by workload, in file order (header: workload,variant,unit,median,...,ratio_to_read,...). */
    private static Map<String, List<Bar>> read(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        List<String> header = fields(lines.getFirst());
        int workload = column(header, "workload", csv);
        int variant = column(header, "variant", csv);
        int unit = column(header, "unit", csv);
        int median = column(header, "median", csv);
        int ratio = column(header, "ratio_to_read", csv);
        Map<String, List<Bar>> workloads = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            List<String> row = fields(line);
            workloads.computeIfAbsent(row.get(workload), unused -> new ArrayList<>())
                    .add(new Bar(row.get(variant), row.get(unit), Double.parseDouble(row.get(median)),
                            Double.parseDouble(row.get(ratio))));
        }
        return workloads;
    }

    private static int column(List<String> header, String name, Path csv) {
        int index = header.indexOf(name);
        if (index < 0) {
            throw new IllegalArgumentException(csv.getFileName() + " has no column '" + name + "': " + header);
        }
        return index;
    }

    /** The fields of one CSV line (RFC 4180 quoting: "a, b" and "" inside quotes). */
    private static List<String> fields(String line) {
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
        fields.add(field.toString());
        return fields;
    }
}
