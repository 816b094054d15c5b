package mmapkit.course.submission;

import mmapkit.course.model.ModuleResult;
import mmapkit.course.model.TestResult;
import mmapkit.course.model.Target;
import mmapkit.course.grading.Grader;
import mmapkit.course.grading.GradedTestRun;
import mmapkit.course.grading.KitModule;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import mmapkit.course.report.GradeReport;
import mmapkit.course.report.JsonReport;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The main class of the child JVM that grades one module of a submission (started by
 * {@link SubmissionGrader}): it runs the {@link Grader} on a staged copy of the kit and reports
 * on its standard output, one line per event, as it goes:
 *
 * <ul>
 *   <li>{@value #STARTED}{@code {json}}: a test (or a test class's set-up) starts: its unique id, task, class and name;</li>
 *   <li>{@value #RESULT}{@code {json}}: a result was recorded (the same fields, plus status, message, location);</li>
 *   <li>{@value #FINISHED}{@code id}: what started has finished;</li>
 *   <li>{@value #RESTART}: a test timed out; this JVM ends now so that a thread the test left
 *       running cannot slow down or disturb the tests after it: the parent starts a fresh JVM for the rest;</li>
 *   <li>the module's result as a JSON report between {@link #BEGIN} and {@link #END}, at the end.</li>
 * </ul>
 *
 * <p>When the JVM dies in a test ({@code System.exit}, memory exhaustion, a crash), the parent
 * knows from these lines which test was running and which are done, fails the one that was
 * running and grades the rest in a fresh JVM, which skips the tests listed in the skip file.
 *
 * <p>What the graded code prints to {@code System.out} goes to the standard error instead, so it
 * cannot be mistaken for the report; before each test a marker line ({@value #STDERR_MARKER}) goes
 * there too, so the parent can quote what the test that ended the JVM printed. The JVM halts right
 * after reporting: threads the graded code left behind cannot keep it alive.
 *
 * <p>Arguments: the staged kit root, the module folder, the compile cache, the test timeout in
 * milliseconds, and a file of JUnit unique ids to skip (one per line; it may be empty).
 */
public final class ModuleGradingJvm {

    static final String BEGIN = "----- mmap-course-kit module result begin -----";
    static final String END = "----- mmap-course-kit module result end -----";
    static final String STARTED = "@@mmap-course-kit started ";
    static final String RESULT = "@@mmap-course-kit result ";
    static final String FINISHED = "@@mmap-course-kit finished ";
    static final String RESTART = "@@mmap-course-kit restart";
    static final String STDERR_MARKER = "----- mmap-course-kit test started: ";

    private static final ObjectMapper JSON = new ObjectMapper();

    private ModuleGradingJvm() {
    }

    public static void main(String[] args) throws IOException {
        PrintStream report = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        PrintStream errors = System.err;
        System.setOut(System.err);
        Path kit = Path.of(args[0]);
        KitModule module = new KitModule(kit, args[1]);
        Grader grader = new Grader(kit, Path.of(args[2]), Duration.ofMillis(Long.parseLong(args[3])));
        Set<String> skip = new HashSet<>(Files.readAllLines(Path.of(args[4]), StandardCharsets.UTF_8));
        skip.remove("");
        GradedTestRun.Listener listener = new GradedTestRun.Listener() {
            @Override
            public void started(String uniqueId, String taskId, String testClass, String name) {
                ObjectNode event = event(uniqueId, taskId, testClass, name);
                errors.println(STDERR_MARKER + testClass + " > " + name);
                errors.flush();
                report.println(STARTED + line(event));
            }

            @Override
            public void finished(String uniqueId) {
                report.println(FINISHED + uniqueId);
            }

            @Override
            public void recorded(String uniqueId, String taskId, TestResult result, boolean timedOut) {
                ObjectNode event = event(uniqueId, taskId, result.testClass(), result.name());
                event.put("status", result.status().name());
                event.put("message", result.message());
                event.put("location", result.location());
                report.println(RESULT + line(event));
                if (timedOut) {
                    report.println(RESTART);
                    report.flush();
                    Runtime.getRuntime().halt(0);
                }
            }
        };
        ModuleResult result = grader.grade(module, SubmissionGrader.TARGET, module.toolkitSources(Target.EXERCISES), Optional.empty(),
                skip, listener);
        report.println(BEGIN);
        report.print(JsonReport.render(new GradeReport(SubmissionGrader.TARGET, List.of(result))));
        report.println(END);
        report.flush();
        Runtime.getRuntime().halt(0);
    }

    private static ObjectNode event(String uniqueId, String taskId, String testClass, String name) {
        ObjectNode event = JSON.createObjectNode();
        event.put("id", uniqueId);
        event.put("task", taskId);
        event.put("class", testClass);
        event.put("name", name);
        return event;
    }

    private static String line(ObjectNode event) {
        try {
            return JSON.writeValueAsString(event); // one line: Jackson escapes line breaks in strings
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One event line as its parent reads it back. */
    record Event(String id, String task, String testClass, String name, TestResult result) {
        static Event parse(String json) {
            try {
                JsonNode node = JSON.readTree(json);
                TestResult result = node.has("status")
                        ? new TestResult(node.path("class").asText(), node.path("name").asText(),
                        TestResult.Status.valueOf(node.path("status").asText()), text(node, "message"), text(node, "location"))
                        : null;
                return new Event(node.path("id").asText(), node.path("task").asText(), node.path("class").asText(),
                        node.path("name").asText(), result);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("not an event of the grading JVM: " + json, e);
            }
        }

        private static String text(JsonNode node, String field) {
            JsonNode value = node.get(field);
            return value == null || value.isNull() ? null : value.asText();
        }
    }
}
