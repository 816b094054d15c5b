package mmapkit.invariants;

import static mmapkit.invariants.FixtureKit.MODULE_01;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * One graded test runs the Maven way, against the learner's code:
 * {@code ./mvnw -pl lessons/01-mapping -am test -Dtest=PageArithmeticTest}. Surefire skips the
 * graded tests in a plain build (the invariants grade them), so the parent of the lessons poms,
 * {@code lessons/graded-tests-parent/pom.xml}, runs them when {@code -Dtest} is given, and fails
 * when it selects none of them (never a run of nothing that passes); each lessons pom names that
 * parent and depends on its module's exercises or solutions as {@code -Dgraded.target} says. The
 * root pom lets the modules {@code -am} builds along select no test.
 */
class GradedTestsRunByNameTest {

    static final String PARENT = "lessons/graded-tests-parent/pom.xml";

    private static final String SUREFIRE = "/project/build/plugins/plugin[artifactId='maven-surefire-plugin']/configuration/";

    @TestFactory
    Stream<DynamicTest> everyModuleRunsAGradedTestByName() {
        KitLayout kit = KitLayout.ofBuild();
        return Stream.concat(
                Stream.of(dynamicTest("root pom", () -> Problems.assertNone("pom.xml", rootProblems(kit))),
                        dynamicTest("graded-tests-parent", () -> Problems.assertNone(PARENT, parentPomProblems(kit)))),
                kit.modules().stream().map(module -> dynamicTest(module.folder(),
                        () -> Problems.assertNone("lessons/" + module + "/pom.xml", lessonPomProblems(kit, module)))));
    }

    static List<String> rootProblems(KitLayout kit) {
        Document pom = ArchitectureRulesTest.parse(kit.root().resolve("pom.xml"));
        List<String> values = ArchitectureRulesTest.texts(pom, "/project/build/pluginManagement/plugins"
                + "/plugin[artifactId='maven-surefire-plugin']/configuration/failIfNoSpecifiedTests");
        List<String> problems = new ArrayList<>();
        if (!values.equals(List.of("false"))) {
            problems.add("pom.xml: the surefire configuration in pluginManagement needs"
                    + " <failIfNoSpecifiedTests>false</failIfNoSpecifiedTests>, or"
                    + " ./mvnw -pl lessons/NN-name -am test -Dtest=SomeGradedTest fails in the course tools");
        }
        if (!ArchitectureRulesTest.texts(pom, "/project/modules/module").contains("lessons/graded-tests-parent")) {
            problems.add("pom.xml: the modules need lessons/graded-tests-parent, the parent of the lessons poms");
        }
        return problems;
    }

    /** The parent of every lessons pom: it runs graded tests by name, and only those. */
    static List<String> parentPomProblems(KitLayout kit) {
        Path file = kit.root().resolve(PARENT);
        List<String> problems = new ArrayList<>();
        if (!Files.isRegularFile(file)) {
            return List.of(PARENT + " does not exist: it is the parent of the lessons poms");
        }
        Document pom = ArchitectureRulesTest.parse(file);
        if (!ArchitectureRulesTest.texts(pom, SUREFIRE + "skipTests").equals(List.of("${graded.surefire.skip}"))) {
            problems.add(PARENT + ": surefire needs <skipTests>${graded.surefire.skip}</skipTests>");
        }
        if (!ArchitectureRulesTest.texts(pom, SUREFIRE + "failIfNoSpecifiedTests").equals(List.of("${graded.failIfNoSpecifiedTests}"))
                || !ArchitectureRulesTest.texts(pom, "/project/properties/graded.failIfNoSpecifiedTests").equals(List.of("true"))) {
            problems.add(PARENT + ": surefire needs <failIfNoSpecifiedTests>${graded.failIfNoSpecifiedTests}"
                    + "</failIfNoSpecifiedTests> with that property true, or a -Dtest that selects no graded test runs"
                    + " nothing and passes");
        }
        List<String> byName = ArchitectureRulesTest.texts(pom, "/project/profiles/profile[activation/property/name='test'"
                + " and not(activation/property/value)]/properties/graded.surefire.skip");
        if (!byName.equals(List.of("false"))) {
            problems.add(PARENT + ": needs a profile activated by the property test that sets"
                    + " graded.surefire.skip to false, or -Dtest=SomeGradedTest runs no graded test");
        }
        return problems;
    }

    /** A lessons pom takes the graded-test settings from the parent and compiles against the graded target's module. */
    static List<String> lessonPomProblems(KitLayout kit, CourseModule module) {
        Path file = kit.lessons(module).resolve("pom.xml");
        if (!Files.isRegularFile(file)) {
            return List.of(kit.relative(file) + " does not exist");
        }
        Document pom = ArchitectureRulesTest.parse(file);
        List<String> problems = new ArrayList<>();
        if (!ArchitectureRulesTest.texts(pom, "/project/parent/artifactId").equals(List.of("graded-tests-parent"))) {
            problems.add(kit.relative(file) + ": needs the parent graded-tests-parent (" + PARENT + "), which runs"
                    + " graded tests by name");
        }
        String toolkit = "${graded.target}-" + module.folder();
        if (!ArchitectureRulesTest.texts(pom, "/project/dependencies/dependency[groupId='mmapkit']/artifactId").contains(toolkit)) {
            problems.add(kit.relative(file) + ": needs a dependency on mmapkit:" + toolkit + ", so that its tests compile"
                    + " against exercises/" + module.folder() + ", or solutions/" + module.folder() + " with -Dgraded.target=solutions");
        }
        return problems;
    }

    /** The check above, on a fixture kit. */
    @Nested
    class TheCheckReports {

        @TempDir
        Path root;

        @Test
        void aParentPomThatSkipsTheGradedTestsWhateverTheUserAsks() {
            KitLayout kit = FixtureKit.cleanModule01(root).file(PARENT, """
                    <project>
                      <build><plugins><plugin>
                        <artifactId>maven-surefire-plugin</artifactId>
                        <configuration><skipTests>${graded.surefire.skip}</skipTests></configuration>
                      </plugin></plugins></build>
                    </project>
                    """).build();
            assertThat(parentPomProblems(kit)).containsExactly(
                    PARENT + ": surefire needs <failIfNoSpecifiedTests>${graded.failIfNoSpecifiedTests}"
                            + "</failIfNoSpecifiedTests> with that property true, or a -Dtest that selects no graded"
                            + " test runs nothing and passes",
                    PARENT + ": needs a profile activated by the property test that sets"
                            + " graded.surefire.skip to false, or -Dtest=SomeGradedTest runs no graded test");
        }

        @Test
        void aLessonsPomOfItsOwn() {
            KitLayout kit = FixtureKit.cleanModule01(root).file("lessons/01-mapping/pom.xml", """
                    <project>
                      <parent><artifactId>mmap-course-kit</artifactId></parent>
                      <dependencies><dependency>
                        <groupId>mmapkit</groupId><artifactId>exercises-01-mapping</artifactId>
                      </dependency></dependencies>
                    </project>
                    """).build();
            assertThat(lessonPomProblems(kit, new CourseModule(MODULE_01))).containsExactly(
                    "lessons/01-mapping/pom.xml: needs the parent graded-tests-parent (" + PARENT + "), which runs"
                            + " graded tests by name",
                    "lessons/01-mapping/pom.xml: needs a dependency on mmapkit:${graded.target}-01-mapping, so that its"
                            + " tests compile against exercises/01-mapping, or solutions/01-mapping with -Dgraded.target=solutions");
        }
    }
}
