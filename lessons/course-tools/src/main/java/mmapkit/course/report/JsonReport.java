package mmapkit.course.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import mmapkit.course.model.ModuleResult;
import mmapkit.course.model.TaskResult;
import mmapkit.course.model.TestResult;

import java.util.ArrayList;
import java.util.List;

/**
 * The machine-readable report. Its fields are described in {@code lessons/course-tools/README.md};
 * {@link #FORMAT_VERSION} changes whenever a field changes meaning or disappears. It holds no
 * time or duration, so grading the same code twice gives the same bytes.
 */
public final class JsonReport {

    public static final int FORMAT_VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonReport() {
    }

    public static String render(GradeReport report) {
        return render(report, root -> {
        });
    }

    /**
     * The report with fields of the caller's after {@code target} (a batch adds the learner's name
     * and whether the kit stayed unchanged).
     */
    public static String render(GradeReport report, java.util.function.Consumer<ObjectNode> extraFields) {
        ObjectNode root = JSON.createObjectNode();
        root.put("formatVersion", FORMAT_VERSION);
        root.put("target", report.target());
        extraFields.accept(root);
        root.put("earned", report.earned());
        root.put("possible", report.possible());
        ArrayNode modules = root.putArray("modules");
        for (ModuleResult module : report.modules()) {
            ObjectNode moduleNode = modules.addObject();
            moduleNode.put("module", module.module());
            moduleNode.put("target", module.target());
            moduleNode.put("earned", module.earned());
            moduleNode.put("possible", module.possible());
            moduleNode.put("tasksDone", module.tasksDone());
            moduleNode.put("tasks", module.tasks().size());
            if (module.problem() == null) {
                moduleNode.putNull("problem");
            } else {
                ObjectNode problem = moduleNode.putObject("problem");
                problem.put("kind", module.problem().kind().name());
                problem.put("message", module.problem().message());
            }
            ArrayNode tasks = moduleNode.putArray("taskResults");
            for (TaskResult task : module.tasks()) {
                ObjectNode taskNode = tasks.addObject();
                taskNode.put("id", task.id());
                taskNode.put("title", task.title());
                taskNode.put("points", task.points());
                taskNode.put("earned", task.earned());
                taskNode.put("status", task.status().name());
                taskNode.put("hint", task.hint());
                taskNode.put("hidden", task.hidden());
                TestResult first = task.firstFailure();
                taskNode.put("firstFailure", first == null ? null : first.testClass() + " > " + first.name() + ": " + first.message());
                ArrayNode tests = taskNode.putArray("tests");
                for (TestResult test : task.tests()) {
                    ObjectNode testNode = tests.addObject();
                    testNode.put("class", test.testClass());
                    testNode.put("name", test.name());
                    testNode.put("status", test.status().name());
                    testNode.put("message", test.message());
                    testNode.put("location", test.location());
                }
            }
        }
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the JSON report", e);
        }
    }

    /**
     * Reads a report back from what {@link #render} wrote (the grading JVM of a submission
     * reports this way). Fields derived from others ({@code earned} of a module, {@code firstFailure})
     * are recomputed.
     *
     * @throws IllegalArgumentException when the text is no report of this format version
     */
    public static GradeReport parse(String text) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a JSON report: " + e.getOriginalMessage(), e);
        }
        if (root == null || root.path("formatVersion").asInt(-1) != FORMAT_VERSION) {
            throw new IllegalArgumentException("not a JSON report of format version " + FORMAT_VERSION);
        }
        List<ModuleResult> modules = new ArrayList<>();
        for (JsonNode moduleNode : root.path("modules")) {
            List<TaskResult> tasks = new ArrayList<>();
            for (JsonNode taskNode : moduleNode.path("taskResults")) {
                List<TestResult> tests = new ArrayList<>();
                for (JsonNode testNode : taskNode.path("tests")) {
                    tests.add(new TestResult(testNode.path("class").asText(), testNode.path("name").asText(),
                            TestResult.Status.valueOf(testNode.path("status").asText()), text(testNode, "message"),
                            text(testNode, "location")));
                }
                tasks.add(new TaskResult(taskNode.path("id").asText(), taskNode.path("title").asText(), taskNode.path("points").asInt(),
                        taskNode.path("earned").asInt(), TaskResult.Status.valueOf(taskNode.path("status").asText()),
                        text(taskNode, "hint"), tests, taskNode.path("hidden").asBoolean(false)));
            }
            JsonNode problemNode = moduleNode.path("problem");
            ModuleResult.Problem problem = problemNode.isObject()
                    ? new ModuleResult.Problem(ModuleResult.Problem.Kind.valueOf(problemNode.path("kind").asText()),
                            text(problemNode, "message"))
                    : null;
            modules.add(new ModuleResult(moduleNode.path("module").asText(), moduleNode.path("target").asText(), tasks, problem));
        }
        return new GradeReport(root.path("target").asText(), modules);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
