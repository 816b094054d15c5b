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
import java.util.List;

/**
 * Draws the chart of chapter 5 from the CSV that the experiment {@code IpcRoundTrip} wrote while
 * the book's build captured it: on the left the round-trip time of each transport (ring, Agrona,
 * pipe, Unix domain socket, TCP) at its median, p99 and p99.9, on a logarithmic axis (the
 * transports lie two orders of magnitude apart); on the right the one-way throughput of each, also
 * on a logarithmic axis. One SVG; the numbers are those of this build's run, like the outputs the
 * chapter shows.
 *
 * <p>Run by the book's build in source-file mode, with XChart (and the VectorGraphics2D library it
 * writes SVG with) on the class path:
 * {@code java -Djava.awt.headless=true -cp <class path> PlotIpcRoundTrip.java <csv file> <svg file>}
 */
public final class PlotIpcRoundTrip {

    private static final int RTT_WIDTH = 560;
    private static final int THROUGHPUT_WIDTH = 330;
    private static final int HEIGHT = 360;
    /** Median, p99, p99.9: from light to dark. */
    private static final Color[] PERCENTILE_COLOURS = {new Color(0x9e, 0xca, 0xe1), new Color(0x42, 0x92, 0xc6),
            new Color(0x08, 0x45, 0x94)};
    private static final Color THROUGHPUT_COLOUR = new Color(0x2c, 0xa0, 0x2c);

    private record Transport(String name, double p50, double p99, double p999, double throughput) {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: java -cp <class path> PlotIpcRoundTrip.java <csv file> <svg file>");
        }
        Path csv = Path.of(args[0]);
        Path svg = Path.of(args[1]);
        List<Transport> transports = read(csv);
        if (transports.isEmpty()) {
            throw new IllegalStateException(csv + " holds no measurement");
        }
        VectorGraphics2D graphics = new VectorGraphics2D();
        roundTrips(transports).paint(graphics, RTT_WIDTH, HEIGHT);
        graphics.translate(RTT_WIDTH, 0);
        throughput(transports).paint(graphics, THROUGHPUT_WIDTH, HEIGHT);
        graphics.translate(-RTT_WIDTH, 0);
        Files.createDirectories(svg.toAbsolutePath().getParent());
        try (OutputStream out = Files.newOutputStream(svg)) {
            new SVGProcessor().getDocument(graphics.getCommands(), new PageSize(0, 0, RTT_WIDTH + THROUGHPUT_WIDTH, HEIGHT))
                    .writeTo(out);
        }
        System.out.println("chart of " + csv.getFileName() + " (" + transports.size() + " transports) -> " + svg.getFileName());
    }

    private static CategoryChart roundTrips(List<Transport> transports) {
        CategoryChart chart = new CategoryChartBuilder().width(RTT_WIDTH).height(HEIGHT)
                .title("Round trip, 64-byte messages (log scale)").yAxisTitle("µs").build();
        style(chart);
        chart.getStyler().setSeriesColors(PERCENTILE_COLOURS);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);   // never over a bar
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        List<String> names = transports.stream().map(Transport::name).toList();
        chart.addSeries("median", names, transports.stream().map(Transport::p50).toList());
        chart.addSeries("p99", names, transports.stream().map(Transport::p99).toList());
        chart.addSeries("p99.9", names, transports.stream().map(Transport::p999).toList());
        chart.getStyler().setYAxisMin(floor(transports.stream().mapToDouble(Transport::p50).min().orElseThrow()));
        chart.getStyler().setYAxisMax(ceiling(transports.stream().mapToDouble(Transport::p999).max().orElseThrow()));
        return chart;
    }

    private static CategoryChart throughput(List<Transport> transports) {
        CategoryChart chart = new CategoryChartBuilder().width(THROUGHPUT_WIDTH).height(HEIGHT)
                .title("One way (log scale)").yAxisTitle("million messages/s").build();
        style(chart);
        chart.getStyler().setSeriesColors(new Color[] {THROUGHPUT_COLOUR});
        chart.getStyler().setLegendVisible(false);
        List<String> names = transports.stream().map(Transport::name).toList();
        chart.addSeries("throughput", names, transports.stream().map(Transport::throughput).toList());
        chart.getStyler().setYAxisMin(floor(transports.stream().mapToDouble(Transport::throughput).min().orElseThrow()));
        chart.getStyler().setYAxisMax(ceiling(transports.stream().mapToDouble(Transport::throughput).max().orElseThrow()));
        return chart;
    }

    private static void style(CategoryChart chart) {
        Styler styler = chart.getStyler();
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBorderVisible(false);
        styler.setLegendBorderColor(Color.WHITE);
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setLabelsVisible(false);
        chart.getStyler().setDecimalPattern("#,##0.###");
    }

    /** The power of ten at or below {@code value}: where a logarithmic axis of bars should start. */
    private static double floor(double value) {
        return Math.pow(10, Math.floor(Math.log10(value)));
    }

    /** The power of ten above {@code value}, so that the axis shows at least two labelled decades. */
    private static double ceiling(double value) {
        return Math.pow(10, Math.floor(Math.log10(value)) + 1);
    }

    /** The rows of the CSV (header: transport,...,rtt_p50_us,rtt_p99_us,rtt_p999_us,...,throughput_mmsgs_per_s,...). */
    private static List<Transport> read(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        List<String> header = List.of(lines.getFirst().split(","));
        int name = column(header, "transport", csv);
        int p50 = column(header, "rtt_p50_us", csv);
        int p99 = column(header, "rtt_p99_us", csv);
        int p999 = column(header, "rtt_p999_us", csv);
        int throughput = column(header, "throughput_mmsgs_per_s", csv);
        List<Transport> transports = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] row = line.split(","); // the experiment writes no quoted field: names and numbers only
            transports.add(new Transport(row[name], Double.parseDouble(row[p50]), Double.parseDouble(row[p99]),
                    Double.parseDouble(row[p999]), Double.parseDouble(row[throughput])));
        }
        return transports;
    }

    private static int column(List<String> header, String name, Path csv) {
        int index = header.indexOf(name);
        if (index < 0) {
            throw new IllegalArgumentException(csv.getFileName() + " has no column '" + name + "': " + header);
        }
        return index;
    }
}
