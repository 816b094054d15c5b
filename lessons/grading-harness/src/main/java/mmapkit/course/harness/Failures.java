package mmapkit.course.harness;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

/** Turns what a failed test threw into a few lines a learner can act on. */
public final class Failures {

    private static final int MAX_LINES = 25;

    private Failures() {
    }

    /**
     * An assertion's own message (the test's teaching text); for any other exception its type,
     * message and the first frames in kit code, so the learner sees where their code threw.
     */
    public static String describe(Throwable thrown) {
        String text;
        if (thrown instanceof org.opentest4j.TestAbortedException && thrown.getMessage() != null) {
            return thrown.getMessage().strip(); // a skip: its reason is all there is to say
        }
        if (thrown instanceof AssertionError && thrown.getMessage() != null) {
            text = thrown.getMessage().strip();
        } else if (thrown instanceof TimeoutException) {
            text = "timed out: " + thrown.getMessage() + " (an endless loop, or a wait that is never woken?)";
        } else {
            StringBuilder line = new StringBuilder(thrown.getClass().getName());
            if (thrown.getMessage() != null) {
                line.append(": ").append(thrown.getMessage());
            }
            for (String frame : kitFrames(thrown)) {
                line.append("\n    at ").append(frame);
            }
            Throwable cause = thrown.getCause();
            if (cause != null && cause != thrown) {
                line.append("\ncaused by ").append(cause.getClass().getName());
                if (cause.getMessage() != null) {
                    line.append(": ").append(cause.getMessage());
                }
            }
            text = line.toString();
        }
        String shown = withoutFrameworkFrames(text);
        String[] lines = shown.split("\n");
        if (lines.length > MAX_LINES) {
            return String.join("\n", java.util.Arrays.copyOf(lines, MAX_LINES)) + "\n    ... ("
                    + (lines.length - MAX_LINES) + " more lines)";
        }
        return shown;
    }

    /**
     * AssertJ quotes the stack of an unexpected exception in its message; keep the kit's frames
     * (the learner's code and the test) and drop JUnit's, AssertJ's and the JDK's.
     */
    public static String withoutFrameworkFrames(String text) {
        StringBuilder out = new StringBuilder();
        boolean dropped = false;
        for (String line : text.split("\n")) {
            String stripped = line.strip();
            boolean frame = stripped.startsWith("at ") && stripped.contains("(");
            if (frame && !(stripped.contains("mmapkit.") && !stripped.contains("mmapkit.course."))) {
                dropped = true;
                continue;
            }
            if ((stripped.startsWith("...(") && stripped.contains("remaining lines not displayed"))
                    || stripped.matches("\\.\\.\\. \\d+ more")) {
                dropped = true;
                continue;
            }
            if (dropped && !frame) {
                out.append("    ...\n");
            }
            dropped = false;
            out.append(line).append('\n');
        }
        return out.toString().stripTrailing();
    }

    /** Up to three frames of the kit's own code (toolkit or test), where the learner should look. */
    private static List<String> kitFrames(Throwable thrown) {
        List<String> frames = new ArrayList<>();
        for (StackTraceElement frame : thrown.getStackTrace()) {
            if (frame.getClassName().startsWith("mmapkit.") && !frame.getClassName().startsWith("mmapkit.course.")) {
                frames.add(frame.toString());
                if (frames.size() == 3) {
                    break;
                }
            }
        }
        return frames;
    }
}
