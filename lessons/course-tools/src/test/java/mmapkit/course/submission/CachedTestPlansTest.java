package mmapkit.course.submission;

import static org.assertj.core.api.Assertions.assertThat;

import mmapkit.course.grading.DemoKit;
import mmapkit.course.grading.Grader;
import mmapkit.course.grading.TestPlan;
import mmapkit.course.model.Target;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/** A kept test plan is the discovered one; a damaged or outdated one is discovered again, and none breaks a check. */
class CachedTestPlansTest {

    @TempDir
    Path root;

    DemoKit kit;
    Grader grader;
    Path plans;

    @BeforeEach
    void setUp() {
        kit = new DemoKit(root);
        grader = new Grader(root, root.resolve(".course/build"), Duration.ofSeconds(5));
        plans = root.resolve(".course/build/test-plans");
    }

    private Grader.CompiledModule compiled(Target target) {
        Grader.CompiledModule compiled = grader.compileWithTests(kit.module(), target.folder(),
                kit.module().toolkitSources(target), null);
        assertThat(compiled.problem()).isNull();
        return compiled;
    }

    private List<Path> keptPlans() throws IOException {
        try (Stream<Path> files = Files.list(plans)) {
            return files.filter(file -> file.toString().endsWith(".plan")).toList();
        }
    }

    @Test
    void aKeptPlanIsTheDiscoveredOne() throws IOException {
        Grader.CompiledModule compiled = compiled(Target.SOLUTIONS);
        TestPlan discovered = TestPlan.discover(compiled.testClasses(), compiled.classPath());
        TestPlan first = new CachedTestPlans(plans).plan(compiled.testClasses(), compiled.classPath());
        assertThat(keptPlans()).as("the first check keeps its plan").hasSize(1);
        TestPlan kept = new CachedTestPlans(plans).plan(compiled.testClasses(), compiled.classPath());
        assertThat(first).isEqualTo(discovered);
        assertThat(kept).as("read back, with the nested test's name and the tasks' titles and points")
                .isEqualTo(discovered);
        assertThat(kept.tests()).hasSize(4);
    }

    @Test
    void theLearnersEditsKeepThePlanAndAChangedTestMakesANewOne() throws IOException {
        Grader.CompiledModule stub = compiled(Target.EXERCISES);
        Grader.CompiledModule solution = compiled(Target.SOLUTIONS);
        new CachedTestPlans(plans).plan(stub.testClasses(), stub.classPath());
        new CachedTestPlans(plans).plan(solution.testClasses(), solution.classPath());
        assertThat(keptPlans()).as("the tests compiled against the stub and the solution are the same bytes")
                .hasSize(1);

        kit.test("ExtraTest", """
                package mmapkit.demo;

                import mmapkit.course.Task;
                import org.junit.jupiter.api.Test;

                @Task(id = "01.3", points = 5, title = "Double one")
                class ExtraTest {
                    @Test
                    void doublesOne() {
                        org.assertj.core.api.Assertions.assertThat(Adder.twice(1)).isEqualTo(2);
                    }
                }
                """);
        Grader.CompiledModule changed = compiled(Target.SOLUTIONS);
        TestPlan plan = new CachedTestPlans(plans).plan(changed.testClasses(), changed.classPath());
        assertThat(plan.tests()).as("the new test is planned").hasSize(5);
        assertThat(keptPlans()).hasSize(2);
    }

    @Test
    void aDamagedPlanIsDiscoveredAgain() throws IOException {
        Grader.CompiledModule compiled = compiled(Target.SOLUTIONS);
        TestPlan discovered = new CachedTestPlans(plans).plan(compiled.testClasses(), compiled.classPath());
        Path file = keptPlans().getFirst();
        List<String> lines = Files.readAllLines(file);
        for (String damage : List.of("", "not a plan", String.join("\n", lines.subList(0, lines.size() - 1)),
                String.join("\n", lines).replace("\ntest\t", "\ntest\t%zz"),
                String.join("\n", lines).replaceFirst("task\t01.1\t([^\t]*)\t\\d+", "task\t01.1\t$1\tten"))) {
            Files.writeString(file, damage);
            assertThat(new CachedTestPlans(plans).plan(compiled.testClasses(), compiled.classPath()))
                    .as("a plan file holding: %s", damage).isEqualTo(discovered);
            assertThat(Files.readAllLines(file)).as("and kept anew").isEqualTo(lines);
        }
    }

    @Test
    void aCacheThatCannotBeWrittenOnlyCostsTime() throws IOException {
        Files.createDirectories(plans.getParent());
        Files.writeString(plans, "a file where the folder of plans should be");
        Grader.CompiledModule compiled = compiled(Target.SOLUTIONS);
        TestPlan plan = new CachedTestPlans(plans).plan(compiled.testClasses(), compiled.classPath());
        assertThat(plan).isEqualTo(TestPlan.discover(compiled.testClasses(), compiled.classPath()));
        assertThat(OwnCodeCheck.check(grader, kit.module(), "solutions", kit.module().toolkitSources(Target.SOLUTIONS),
                java.util.Optional.empty(), Duration.ofSeconds(30), Duration.ofMinutes(2)).earned()).isEqualTo(25);
    }
}
