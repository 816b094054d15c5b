package mmapkit.faults.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * Renders a {@link SimulationResult} as an aligned text table, one row per reference:
 *
 * <pre>
 * FIFO, 3 frames, reference string 7 0 1 2 0 3
 * #  ref  result  victim  frame 0  frame 1  frame 2
 * 1  7    fault           7        -        -
 * 2  0    fault           7        0        -
 * 3  1    fault           7        0        1
 * 4  2    fault   7       2        0        1
 * 5  0    hit             2        0        1
 * 6  3    fault   0       2        3        1
 * FIFO, 3 frames: 5 faults, 1 hit, 0 write-backs
 * </pre>
 *
 * Rows are numbered from 1 (the {@link Step#index()} plus one). A write shows as {@code w3}; a
 * victim that was dirty and written back shows as {@code 3 (written back)}; a free frame as
 * {@code -}. Given code.
 */
public final class TraceTable {

    private TraceTable() {
    }

    /** The whole table, a title line, a header, one line per step and the summary, each ending in a newline. */
    public static String render(SimulationResult result) {
        List<List<String>> rows = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("#", "ref", "result", "victim"));
        for (int frame = 0; frame < result.frameCount(); frame++) {
            header.add("frame " + frame);
        }
        rows.add(header);
        for (Step step : result.steps()) {
            List<String> row = new ArrayList<>();
            row.add(Integer.toString(step.index() + 1));
            row.add(step.reference().toString());
            row.add(step.fault() ? "fault" : "hit");
            row.add(!step.hasVictim() ? "" : step.victim() + (step.victimWrittenBack() ? " (written back)" : ""));
            for (int page : step.frames()) {
                row.add(page == Step.NONE ? "-" : Integer.toString(page));
            }
            rows.add(row);
        }

        int columns = header.size();
        int[] width = new int[columns];
        for (List<String> row : rows) {
            for (int c = 0; c < columns; c++) {
                width[c] = Math.max(width[c], row.get(c).length());
            }
        }
        StringBuilder text = new StringBuilder();
        text.append(result.policy()).append(", ").append(result.frameCount())
                .append(result.frameCount() == 1 ? " frame" : " frames")
                .append(", reference string ").append(result.references()).append('\n');
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < columns; c++) {
                String cell = row.get(c);
                if (c == 0) {
                    line.append(" ".repeat(width[c] - cell.length())).append(cell); // numbers right-aligned
                } else {
                    line.append("  ").append(cell).append(" ".repeat(width[c] - cell.length()));
                }
            }
            text.append(line.toString().stripTrailing()).append('\n');
        }
        text.append(result.summary()).append('\n');
        return text.toString();
    }
}
