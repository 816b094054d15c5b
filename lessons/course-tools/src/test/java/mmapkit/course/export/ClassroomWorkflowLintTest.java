package mmapkit.course.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Lints the GitHub Classroom workflow that {@code ./course export --classroom} writes, offline:
 * GitHub's workflow JSON schema (SchemaStore's, vendored beside this test with its source and
 * version in {@code github-workflow.schema.NOTICE.md}) checked by a JSON schema validator that
 * reads YAML. A workflow GitHub would refuse (a misspelt key, a job without a runner, a value of
 * the wrong type) fails here instead of in a class's first push.
 */
class ClassroomWorkflowLintTest {

    private static final List<String> MODULES = List.of("01-mapping", "02-lazy-faulting", "03-dirty-tracking");

    private static Schema workflowSchema;

    @BeforeAll
    static void loadTheSchema() throws IOException {
        try (InputStream schema = ClassroomWorkflowLintTest.class.getResourceAsStream("github-workflow.schema.json")) {
            assertThat(schema).as("the vendored GitHub workflow schema beside this test").isNotNull();
            workflowSchema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7).getSchema(schema);
        }
    }

    /** The schema's complaints about a workflow, one line each, for the assertion message. */
    private static List<String> lint(String workflow) {
        return workflowSchema.validate(workflow, InputFormat.YAML).stream().map(Error::toString).toList();
    }

    @Test
    void theWorkflowTheExportWritesIsAValidGitHubWorkflow() {
        String workflow = ClassroomWorkflow.render(MODULES);

        List<String> problems = lint(workflow);

        assertThat(problems).as("what GitHub's workflow schema says about the Classroom workflow of modules %s:%n%s", MODULES,
                String.join("\n", problems)).isEmpty();
    }

    @Test
    void aWorkflowOfOneModuleIsValidToo() {
        assertThat(lint(ClassroomWorkflow.render(List.of("01-mapping")))).as("the Classroom workflow of module 01 alone").isEmpty();
    }

    /**
     * Proves the lint catches what it is there for: each case breaks the real workflow in one way
     * GitHub refuses, and the schema must name the broken place.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            a misspelt key (step:) | '    steps:\n' | '    step:\n' | 'property ''step'' is not defined'
            a job without runs-on  | '    runs-on: ubuntu-latest\n' | '' | 'required property ''runs-on'' not found'
            a timeout not a number | 'timeout-minutes: 60' | 'timeout-minutes: [60]' | '/timeout-minutes: array found, number expected'
            an unknown event       | '  - workflow_dispatch\n' | '  - workflow_dispach\n' | '/on: does not have a value in the enumeration'
            an unknown permission  | '  checks: write\n' | '  check: write\n' | 'property ''check'' is not defined'
            """)
    void aBrokenWorkflowFailsTheLint(String breakage, String original, String broken, String namedInTheProblem) {
        String workflow = ClassroomWorkflow.render(MODULES);
        String originalText = original.replace("\\n", "\n");
        assertThat(workflow).as("the workflow still holds the text this case breaks (%s)", breakage).contains(originalText);
        String brokenWorkflow = workflow.replace(originalText, broken.replace("\\n", "\n"));

        List<String> problems = lint(brokenWorkflow);

        assertThat(problems).as("the lint of a workflow with %s", breakage).isNotEmpty();
        assertThat(problems.stream().collect(Collectors.joining("\n")))
                .as("the lint's problems with %s name the broken place", breakage).contains(namedInTheProblem);
    }

    @Test
    void aWorkflowThatIsNoYamlFailsTheLint() {
        String notYaml = ClassroomWorkflow.render(MODULES).replace("    steps:\n", "    steps: [\n");

        Throwable thrown = catchThrowable(() -> lint(notYaml));

        assertThat(thrown).as("linting a workflow whose YAML does not parse").isNotNull();
    }
}
