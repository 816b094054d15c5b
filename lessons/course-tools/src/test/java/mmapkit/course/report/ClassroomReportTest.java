package mmapkit.course.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import mmapkit.course.export.ClassroomWorkflow;
import mmapkit.course.model.ModuleResult;
import mmapkit.course.model.TaskResult;
import mmapkit.course.model.TestResult;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** What GitHub Classroom's autograding reporter reads: the base64 result of a step, and the workflow that runs the steps. */
class ClassroomReportTest {

    private static GradeReport report(ModuleResult.Problem problem) {
        TestResult failed = new TestResult("TwiceTest", "doubles()", TestResult.Status.FAILED, "twice 21: expected 42", null);
        ModuleResult module = new ModuleResult("01-demo", "exercises", List.of(
                new TaskResult("01.1", "Add two numbers", 10, 10, TaskResult.Status.PASSED, null,
                        List.of(new TestResult("AddTest", "adds()", TestResult.Status.PASSED, null, null))),
                new TaskResult("01.2", "Double a number", 15, 0, TaskResult.Status.FAILED, null, List.of(failed))), problem);
        return new GradeReport("exercises", List.of(module));
    }

    @Test
    void eachTaskIsATestWithItsPointsAndTheResultIsBase64Json() throws Exception {
        String encoded = ClassroomReport.render(report(null));
        assertThat(encoded).endsWith("\n").doesNotContain(" ");
        JsonNode result = new ObjectMapper().readTree(new String(Base64.getDecoder().decode(encoded.strip()), StandardCharsets.UTF_8));
        assertThat(result.path("version").asInt()).isEqualTo(1);
        assertThat(result.path("status").asText()).isEqualTo("fail");
        assertThat(result.path("max_score").asInt()).isEqualTo(25);
        assertThat(result.path("tests")).hasSize(2);
        JsonNode add = result.path("tests").get(0);
        assertThat(add.path("name").asText()).isEqualTo("01.1 Add two numbers");
        assertThat(add.path("status").asText()).isEqualTo("pass");
        assertThat(add.path("score").asInt()).isEqualTo(10);
        assertThat(add.path("max_score").asInt()).isEqualTo(10);
        JsonNode twice = result.path("tests").get(1);
        assertThat(twice.path("status").asText()).isEqualTo("fail");
        assertThat(twice.path("score").asInt()).isZero();
        assertThat(twice.path("message").asText()).isEqualTo("1 of 1 tests failed; first: TwiceTest > doubles(): twice 21: expected 42");
        assertThat(twice.path("test_code").asText()).isEqualTo("./course check 01 01.2");
    }

    @Test
    void aModuleThatCannotBeGradedIsAnErrorWithNoPoints() throws Exception {
        String json = ClassroomReport.json(report(new ModuleResult.Problem(ModuleResult.Problem.Kind.COMPILE_ERROR,
                "Adder.java:3: error")));
        JsonNode result = new ObjectMapper().readTree(json);
        assertThat(result.path("status").asText()).isEqualTo("error");
        assertThat(result.path("tests").get(0).path("score").asInt()).isZero();
        assertThat(result.path("tests").get(0).path("message").asText()).isEqualTo("compile error: Adder.java:3: error");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theWorkflowHasOneStepPerModuleAndTheReporterReadsThemAll() {
        String text = ClassroomWorkflow.render(List.of("01-mapping", "02-lazy-faulting"));
        Map<String, Object> workflow = new Yaml().load(text);
        assertThat(workflow.get("name")).as("Classroom reads only this workflow name").isEqualTo("Autograding Tests");
        Map<String, Object> jobs = (Map<String, Object>) workflow.get("jobs");
        assertThat(jobs).containsOnlyKeys("run-autograding-tests");
        Map<String, Object> job = (Map<String, Object>) jobs.get("run-autograding-tests");
        List<Map<String, Object>> steps = (List<Map<String, Object>>) job.get("steps");
        Map<String, Object> module01 = steps.stream().filter(step -> "module01".equals(step.get("id"))).findFirst().orElseThrow();
        assertThat((String) module01.get("run")).contains("./course grade --module 01 --format classroom").contains("result=$result")
                .contains("$GITHUB_OUTPUT");
        assertThat(steps.stream().filter(step -> "module02".equals(step.get("id")))).hasSize(1);
        Map<String, Object> reporter = steps.getLast();
        assertThat(reporter.get("uses")).isEqualTo("classroom-resources/autograding-grading-reporter@v1");
        assertThat((Map<String, Object>) reporter.get("with")).containsEntry("runners", "module01,module02");
        assertThat((Map<String, Object>) reporter.get("env"))
                .containsEntry("MODULE01_RESULTS", "${{ steps.module01.outputs.result }}")
                .containsEntry("MODULE02_RESULTS", "${{ steps.module02.outputs.result }}");
        assertThat(steps.stream().map(step -> step.get("uses"))).contains("actions/setup-java@v4", "actions/checkout@v4");
        assertThat(text).doesNotContain("{{module", "{{id", "{{number", "{{runners", "{{env", "{{step", "{{end");
    }
}
