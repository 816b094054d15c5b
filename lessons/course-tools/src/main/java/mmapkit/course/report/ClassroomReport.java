package mmapkit.course.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import mmapkit.course.model.ModuleResult;
import mmapkit.course.model.TaskResult;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The result of one grading step as GitHub Classroom's autograding reporter reads it
 * ({@code classroom-resources/autograding-grading-reporter}): a base64-encoded JSON object
 * {@code {version, status, max_score, tests: [{name, status, score, max_score, message, ...}]}},
 * the same shape the command grader writes to its {@code result} output. The reporter adds up the
 * {@code score} of every test and the {@code max_score} of every step.
 *
 * <p>One task is one test of the report, with its points as {@code score} and {@code max_score};
 * the step's status is {@code pass} when every task earned its points, {@code error} when a
 * module could not be graded (its code does not compile, say), {@code fail} otherwise.
 */
public final class ClassroomReport {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ClassroomReport() {
    }

    /** The JSON object, not yet encoded. */
    public static String json(GradeReport report) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", 1);
        boolean error = report.modules().stream().anyMatch(module -> module.problem() != null);
        root.put("status", error ? "error" : report.fullMarks() ? "pass" : "fail");
        root.put("max_score", report.possible());
        ArrayNode tests = root.putArray("tests");
        for (ModuleResult module : report.modules()) {
            for (TaskResult task : module.tasks()) {
                ObjectNode test = tests.addObject();
                test.put("name", task.id() + " " + task.title());
                test.put("status", module.problem() != null ? "error" : task.done() ? "pass" : "fail");
                test.put("score", module.problem() != null ? 0 : task.earned());
                test.put("max_score", task.points());
                test.put("message", message(module, task));
                test.put("test_code", "./course check " + task.id().substring(0, 2) + " " + task.id());
                test.put("filename", "exercises/" + module.module() + "/src/main/java");
                test.put("line_no", 0);
            }
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the classroom report", e);
        }
    }

    /** What the workflow step puts in its {@code result} output: the JSON, base64-encoded, one line. */
    public static String render(GradeReport report) {
        return Base64.getEncoder().encodeToString(json(report).getBytes(StandardCharsets.UTF_8)) + "\n";
    }

    private static String message(ModuleResult module, TaskResult task) {
        if (module.problem() != null) {
            return module.problem().kind().name().toLowerCase().replace('_', ' ') + ": "
                    + module.problem().message().lines().limit(12).reduce((a, b) -> a + "\n" + b).orElse("");
        }
        return switch (task.status()) {
            case PASSED -> "done";
            case FAILED -> {
                var first = task.firstFailure();
                yield task.failedTests() + " of " + task.tests().size() + " tests failed; first: " + first.testClass() + " > "
                        + first.name() + ": " + String.valueOf(first.message()).lines().limit(12).reduce((a, b) -> a + "\n" + b).orElse("");
            }
            case SKIPPED -> "skipped: this machine cannot run its tests";
            case NOT_RUN -> "not run";
        };
    }
}
