package mmapkit.course.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import mmapkit.course.grading.ModuleResult;
import mmapkit.course.grading.TaskResult;
import mmapkit.course.grading.TestResult;

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
        ObjectNode root = JSON.createObjectNode();
        root.put("formatVersion", FORMAT_VERSION);
        root.put("target", report.target());
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
}
