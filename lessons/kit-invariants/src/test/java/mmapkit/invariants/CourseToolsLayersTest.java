package mmapkit.invariants;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The layout of the course tools ({@code mmapkit.course..}) that a maintainer can rely on: the
 * result model depends on nothing, the grading engine on the model, submissions (sandbox, batch)
 * on the engine, reports on the model and submissions, and only the command line on everything.
 * The harness that runs beside learner code ({@code mmapkit.course.harness} and the {@code @Task}
 * annotation) depends on none of the course tools.
 */
class CourseToolsLayersTest {

    private static final JavaClasses TOOLS = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("mmapkit.course");

    @Test
    void theCourseToolsAreLayered() {
        layeredArchitecture().consideringOnlyDependenciesInAnyPackage("mmapkit.course..")
                .layer("command line").definedBy("mmapkit.course.cli..")
                .layer("export").definedBy("mmapkit.course.export..")
                .layer("reports").definedBy("mmapkit.course.report..")
                .layer("submissions").definedBy("mmapkit.course.submission..")
                .layer("grading engine").definedBy("mmapkit.course.grading..")
                .layer("stub generator").definedBy("mmapkit.course.stubs..")
                .layer("result model").definedBy("mmapkit.course.model..")
                .layer("file trees").definedBy("mmapkit.course.files..")
                .whereLayer("command line").mayNotBeAccessedByAnyLayer()
                .whereLayer("export").mayOnlyBeAccessedByLayers("command line")
                .whereLayer("reports").mayOnlyBeAccessedByLayers("command line")
                .whereLayer("submissions").mayOnlyBeAccessedByLayers("command line", "reports")
                .whereLayer("grading engine").mayOnlyBeAccessedByLayers("command line", "export", "submissions")
                .whereLayer("stub generator").mayOnlyBeAccessedByLayers("command line", "export")
                .because("a maintainer finds each concern in one place, and the model and engine never reach up into"
                        + " the reports or the command line")
                .check(TOOLS);
    }

    @Test
    void theResultModelDependsOnNothingElseOfTheTools() {
        noClasses().that().resideInAPackage("mmapkit.course.model..")
                .should().dependOnClassesThat().resideInAnyPackage("mmapkit.course.cli..", "mmapkit.course.report..",
                        "mmapkit.course.submission..", "mmapkit.course.grading..", "mmapkit.course.export..")
                .because("reports depend on the model, never the other way round")
                .check(TOOLS);
    }

    @Test
    void theHarnessBesideLearnerCodeUsesNoneOfTheTools() {
        noClasses().that().resideInAPackage("mmapkit.course.harness..")
                .should().dependOnClassesThat().resideInAnyPackage("mmapkit.course.cli..", "mmapkit.course.report..",
                        "mmapkit.course.submission..", "mmapkit.course.grading..", "mmapkit.course.export..",
                        "mmapkit.course.model..", "mmapkit.course.files..", "mmapkit.course.stubs..")
                .because("the harness is a named module of its own that runs in the grading JVM, beside the learner's code:"
                        + " the plan, points and verdict belong to the grader")
                .check(TOOLS);
    }
}
