package mmapkit.faults.sim;

import java.util.List;
import java.util.Objects;

/**
 * Faults against frame counts: one policy, one reference string, every frame count in a range.
 * One would expect the curve never to rise (more memory, fewer faults), and for LRU and OPT it
 * never does: they are stack algorithms, whose pages in memory with {@code n} frames are always
 * among those with {@code n + 1}. FIFO is not, and {@link #anomalies()} finds where its curve
 * rises: Belady's anomaly.
 *
 * @param policy     the name of the replacement policy
 * @param references the reference string played
 * @param points     the faults for each frame count, by growing frame count
 */
public record FaultCurve(String policy, ReferenceString references, List<Point> points) {

    /** {@code faults} faults with {@code frames} frames. */
    public record Point(int frames, long faults) {
    }

    /** Faults rose from {@code faults} to {@code moreFaults} when the frames grew from {@code frames} to {@code moreFrames}. */
    public record Anomaly(int frames, long faults, int moreFrames, long moreFaults) {
        /** {@code "4 frames: 10 faults, more than the 9 with 3 frames"}. */
        @Override
        public String toString() {
            return moreFrames + " frames: " + moreFaults + " faults, more than the " + faults + " with " + frames
                    + (frames == 1 ? " frame" : " frames");
        }
    }

    public FaultCurve {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(references, "references");
        points = List.copyOf(points);
    }

    /**
     * Runs {@code references} under {@code policy} once for each frame count from {@code minFrames}
     * to {@code maxFrames}, both included.
     *
     * @throws IllegalArgumentException when {@code minFrames} is not positive or {@code maxFrames} is below it
     */
    public static FaultCurve measure(ReplacementPolicy policy, ReferenceString references, int minFrames, int maxFrames) {
        // TODO 02.7 (see hint 02.7)
        throw new UnsupportedOperationException("TODO 02.7: simulate once per frame count (see hint 02.7)");
    }

    /** Every place where one frame more gave more faults, by growing frame count; empty when the curve never rises. */
    public List<Anomaly> anomalies() {
        // TODO 02.7 (see hint 02.7)
        throw new UnsupportedOperationException("TODO 02.7: find where the faults rise as the frames grow (see hint 02.7)");
    }

    /** The faults with {@code frames} frames. */
    public long faultsWith(int frames) {
        for (Point point : points) {
            if (point.frames() == frames) {
                return point.faults();
            }
        }
        throw new IllegalArgumentException("frames " + frames + " is not on this curve, which has "
                + (points.isEmpty() ? "no points" : points.getFirst().frames() + ".." + points.getLast().frames()));
    }

    /**
     * The curve as an aligned table, one line per frame count, an arrow marking each rise:
     * <pre>
     * frames  faults
     *      3       9
     *      4      10  &lt;- more frames, more faults
     * </pre>
     */
    public String render() {
        StringBuilder text = new StringBuilder("frames  faults\n");
        long previous = Long.MAX_VALUE;
        for (Point point : points) {
            text.append(String.format("%6d  %6d", point.frames(), point.faults()));
            if (point.faults() > previous) {
                text.append("  <- more frames, more faults");
            }
            text.append('\n');
            previous = point.faults();
        }
        return text.toString();
    }
}
