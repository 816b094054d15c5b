package mmapkit.course.cli;

import mmapkit.course.TimeBudget;
import picocli.CommandLine.Option;

import java.time.Duration;

/**
 * {@code --time-scale FACTOR}: the graded tests' time budgets and the test timeout grow by FACTOR,
 * for a machine much slower than usual (an emulated CPU, a board computer, a machine under load).
 * It sets {@link TimeBudget#SCALE_PROPERTY} in this JVM, whose graded tests read it, and the grader
 * passes it on to every grading JVM.
 */
final class TimeScaleOption {

    @Option(names = "--time-scale", paramLabel = "FACTOR",
            description = "multiply the tests' time budgets and the test timeout by FACTOR (1 to " + TimeBudget.MAX_SCALE
                    + "), on a machine much slower than usual such as an emulated one; what tests assert does not change")
    String factor;

    /** Makes the scale the one of this run; call it before any budget is read. */
    void apply() {
        if (factor != null) {
            TimeBudget.parse("--time-scale", factor); // a clear message for a bad value, before anything runs
            System.setProperty(TimeBudget.SCALE_PROPERTY, factor.strip());
        }
        TimeBudget.scale(); // an invalid -D value fails here, naming it
    }

    /** {@code seconds}, as given on the command line, grown by the scale. */
    static Duration scaledSeconds(long seconds) {
        return TimeBudget.scaled(Duration.ofSeconds(seconds));
    }
}
