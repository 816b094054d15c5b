package mmapkit.course;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * How long a graded test waits for something that must happen, on this machine.
 *
 * <p>Some graded tests wait for another process or thread: a child JVM that must start and
 * print a line, records that must arrive, a writer whose progress a reader must see. Their
 * budgets are bounds that keep a broken solution from hanging the run, chosen for an ordinary
 * machine with a margin. On a much slower one (an emulated CPU, a board computer, a machine
 * shared with a heavy build) a correct solution could overrun them. The instructor or the
 * learner then runs the kit with a scale, {@code ./course grade --time-scale 20} or
 * {@code ./course check 05 --time-scale 5} (for Maven: {@code -Dmmapkit.course.timeScale=5}),
 * and every budget, and the per-test timeout, grows by that factor.
 *
 * <p>Only budgets scale, never what a test asserts about the code: a lock asked to wait 200 ms
 * must still give up after about 200 ms, and a driver must still sleep rather than spin (its CPU
 * time is compared with a scaled wait, so the ratio the test checks stays the same).
 *
 * <p>The scale is read once, when the first budget is asked for; a grading JVM reads it before any
 * of the learner's code is loaded, so code under test cannot change it.
 */
public final class TimeBudget {

    /** The system property that holds the scale: a number from 1 to {@value #MAX_SCALE}. */
    public static final String SCALE_PROPERTY = "mmapkit.course.timeScale";

    /** The largest scale accepted: beyond it a run would take hours. */
    public static final int MAX_SCALE = 100;

    private TimeBudget() {
    }

    /** Holds the scale, read from the property the first time a budget is asked for (not when {@link #parse} is used). */
    private static final class Scale {
        static final double VALUE = parse(System.getProperty(SCALE_PROPERTY));
    }

    /** The factor every budget is multiplied by (1 unless {@value #SCALE_PROPERTY} says otherwise). */
    public static double scale() {
        return Scale.VALUE;
    }

    /** {@code budget} multiplied by the scale of this run. */
    public static Duration scaled(Duration budget) {
        double scale = scale();
        return scale == 1 ? budget : Duration.ofNanos(Math.round(budget.toNanos() * scale));
    }

    /** {@code millis} multiplied by the scale of this run, in milliseconds. */
    public static long scaledMillis(long millis) {
        return Math.round(millis * scale());
    }

    /**
     * The result of {@code future}, waited for at most {@code budget} multiplied by the scale of this run:
     * {@code future.get(...)} with a scaled budget, for a test that waits for a thread it started.
     *
     * @throws TimeoutException     when {@code future} is not done within the scaled budget
     * @throws ExecutionException   when the task threw (its exception is the cause)
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public static <T> T await(Future<T> future, Duration budget)
            throws InterruptedException, ExecutionException, TimeoutException {
        return future.get(scaled(budget).toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Reads a scale as given in the property.
     *
     * @throws IllegalArgumentException naming the value when it is no number from 1 to {@value #MAX_SCALE}
     */
    public static double parse(String text) {
        return parse(SCALE_PROPERTY, text);
    }

    /**
     * Reads a scale given as {@code what} (an option or property name, for the message).
     *
     * @throws IllegalArgumentException naming {@code what} and the value when it is no number from 1 to {@value #MAX_SCALE}
     */
    public static double parse(String what, String text) {
        if (text == null || text.isBlank()) {
            return 1;
        }
        double scale;
        try {
            scale = Double.parseDouble(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " '" + text + "' is not a number: give a factor from 1 to "
                    + MAX_SCALE + ", such as 5 for a machine about five times slower than usual", e);
        }
        if (!(scale >= 1 && scale <= MAX_SCALE)) {
            throw new IllegalArgumentException(what + " " + text + " must be from 1 to " + MAX_SCALE
                    + ": budgets only grow, and beyond " + MAX_SCALE + " a run would take hours");
        }
        return scale;
    }
}
