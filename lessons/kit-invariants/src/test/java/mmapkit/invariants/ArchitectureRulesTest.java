package mmapkit.invariants;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static mmapkit.invariants.FixtureKit.MODULE_01;
import static mmapkit.invariants.FixtureKit.MODULE_02;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import mmapkit.invariants.KitLayout.Side;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.reflect.AccessibleObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The architecture of the toolkit: what the classes of {@code solutions/NN} and
 * {@code exercises/NN} may use, and which modules their poms may depend on.
 *
 * <p>Everything here follows from {@link CourseModule#PACKAGES_IN_ORDER}: a new module needs no
 * new rule.
 */
class ArchitectureRulesTest {

    @TestFactory
    Stream<DynamicTest> everyModuleOfTheKitFollowsTheRules() {
        KitLayout kit = KitLayout.ofBuild();
        return kit.modules().stream().flatMap(module -> Stream.of(
                dynamicTest(module + ": classes", () -> Problems.assertNone(module + " classes", classProblems(kit, module))),
                dynamicTest(module + ": poms", () -> Problems.assertNone(module + " poms",
                        Stream.concat(pomProblems(kit, module).stream(), reactorOrderProblems(kit, module).stream()).toList()))));
    }

    /** The rules every class of a module's solution and exercise must follow. */
    static List<ArchRule> rules(CourseModule module) {
        String ownPackage = module.toolkitPackage() + "..";
        String[] usable = module.usablePackages().stream().map(name -> name + "..").toArray(String[]::new);
        return List.of(
                classes().should().resideInAPackage(ownPackage)
                        .as("classes of module " + module + " should reside in package " + ownPackage)
                        .because("each module owns one package (CourseModule.PACKAGES_IN_ORDER): move the class"
                                + " into it, or into the module that owns its package"),
                noClasses().should().dependOnClassesThat(resideInAPackage("mmapkit..").and(not(resideInAnyPackage(usable))))
                        .as("module " + module + " should use only the kit packages " + module.usablePackages())
                        .because("a module may use its own code and the reference code of earlier modules, never"
                                + " a later module nor the course tools (a learner stuck in module 02 can still do"
                                + " module 05): move the shared code down into the earliest module that needs it"),
                noClasses().that().resideOutsideOfPackage("mmapkit..natives..")
                        .should().dependOnClassesThat().belongToAnyOf(Linker.class, SymbolLookup.class, FunctionDescriptor.class)
                        .as("only classes in a natives subpackage should use Linker, SymbolLookup or FunctionDescriptor")
                        .because("every native downcall lives in one binding class per concern in the module's natives"
                                + " subpackage (such as mmapkit.mapping.natives), which captures errno and turns it"
                                + " into an exception: move the downcall into such a class and call that class")
                        .allowEmptyShould(true),
                noClasses().should().dependOnClassesThat().haveFullyQualifiedName("sun.misc.Unsafe")
                        .orShould().dependOnClassesThat().resideInAnyPackage("jdk.internal..", "sun.nio.ch..")
                        .as("no class should use sun.misc.Unsafe, jdk.internal.. or sun.nio.ch..")
                        .because("JDK internals change between releases, and unmapping a MappedByteBuffer through"
                                + " them crashes the JVM on the next access: map into a MemorySegment with"
                                + " FileChannel.map(mode, offset, size, arena) and close the Arena to unmap"),
                noClasses().should().callMethodWhere(describe(
                                "target is AccessibleObject.setAccessible or trySetAccessible",
                                (JavaMethodCall call) -> call.getTarget().getName().matches("(try)?[sS]etAccessible")
                                        && call.getTargetOwner().isAssignableTo(AccessibleObject.class)))
                        .as("no class should call setAccessible or trySetAccessible")
                        .because("opening private JDK state by reflection is how MappedByteBuffers used to be"
                                + " unmapped, unsafely: close the Arena that owns the mapping instead"),
                noClasses().should().callMethod(System.class, "exit", int.class)
                        .orShould().callMethod(Runtime.class, "exit", int.class)
                        .orShould().callMethod(Runtime.class, "halt", int.class)
                        .as("no class should call System.exit, Runtime.exit or Runtime.halt")
                        .because("the toolkit is a library: ending the JVM ends the learner's test run and the"
                                + " grader with it; throw an exception that says what went wrong (a demo's main"
                                + " can simply return)"));
    }

    /** Every rule broken by a module's solution or exercise classes, with ArchUnit's report. */
    static List<String> classProblems(KitLayout kit, CourseModule module) {
        List<String> problems = new ArrayList<>();
        for (Side side : Side.values()) {
            JavaClasses classes = kit.importClasses(kit.toolkitClasses(side, module));
            for (ArchRule rule : rules(module)) {
                EvaluationResult result = rule.evaluate(classes);
                if (result.hasViolation()) {
                    problems.add(kit.relative(kit.toolkit(side, module)) + ": " + result.getFailureReport());
                }
            }
        }
        return problems;
    }

    private static final Pattern KIT_ARTIFACT = Pattern.compile("(solutions|exercises|lessons)-(\\d{2})-.+");

    /**
     * What the poms of a module's solution and exercise depend on: the reference code of earlier
     * modules only, so an exercise never compiles against the answer it asks for.
     */
    static List<String> pomProblems(KitLayout kit, CourseModule module) {
        List<String> problems = new ArrayList<>();
        for (Side side : Side.values()) {
            Path pom = kit.toolkit(side, module).resolve("pom.xml");
            String where = kit.relative(pom);
            if (!Files.isRegularFile(pom)) {
                problems.add(where + " does not exist: every module has a solution pom, and the stub generator"
                        + " copies it to the exercise");
                continue;
            }
            Document document = parse(pom);
            String expected = side.folder() + "-" + module.folder();
            String artifactId = text(document, "/project/artifactId");
            if (!expected.equals(artifactId)) {
                problems.add(where + " has artifactId '" + artifactId + "': it must be '" + expected + "'");
            }
            for (String dependency : texts(document,
                    "/project/dependencies/dependency[groupId='mmapkit']/artifactId"
                            + " | /project/profiles/profile/dependencies/dependency[groupId='mmapkit']/artifactId")) {
                Matcher kitArtifact = KIT_ARTIFACT.matcher(dependency);
                boolean earlierSolution = kitArtifact.matches() && kitArtifact.group(1).equals("solutions")
                        && kitArtifact.group(2).compareTo(module.number()) < 0;
                if (!earlierSolution) {
                    problems.add(where + " depends on " + dependency + ": module " + module.number()
                            + " may depend only on the reference code of earlier modules (solutions-MM-name with MM < "
                            + module.number() + ")" + (dependency.equals("solutions-" + module.folder())
                            ? "; an exercise that depends on its own solution is no exercise" : "")
                            + ": remove the dependency");
                }
            }
        }
        return problems;
    }

    /**
     * The kit invariants read what the reactor built, so the reactor must build every module
     * before them: {@code lessons/kit-invariants/pom.xml} depends on each module's three
     * artifacts with scope provided (which orders the reactor and keeps them off the class path).
     * Without that, a clean build fails here and an incremental one checks stale classes.
     */
    static List<String> reactorOrderProblems(KitLayout kit, CourseModule module) {
        Path pom = kit.root().resolve("lessons/kit-invariants/pom.xml");
        List<String> provided = Files.isRegularFile(pom)
                ? texts(parse(pom), "/project/dependencies/dependency[groupId='mmapkit'][scope='provided']/artifactId")
                : List.of();
        return Stream.of("solutions-", "exercises-", "lessons-")
                .map(side -> side + module.folder())
                .filter(artifact -> !provided.contains(artifact))
                .map(artifact -> kit.relative(pom) + " lacks a dependency on " + artifact + " with scope provided:"
                        + " add it, so that the reactor builds module " + module + " before checking it")
                .toList();
    }

    static Document parse(Path pom) {
        try {
            return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
        } catch (Exception e) {
            throw new AssertionError("cannot parse " + pom + ": " + e.getMessage(), e);
        }
    }

    private static String text(Document document, String xpath) {
        List<String> texts = texts(document, xpath);
        return texts.isEmpty() ? null : texts.getFirst();
    }

    static List<String> texts(Document document, String xpath) {
        try {
            NodeList nodes = (NodeList) XPathFactory.newInstance().newXPath().evaluate(xpath, document, XPathConstants.NODESET);
            List<String> texts = new ArrayList<>();
            for (int i = 0; i < nodes.getLength(); i++) {
                texts.add(((Element) nodes.item(i)).getTextContent().strip());
            }
            return texts;
        } catch (Exception e) {
            throw new IllegalStateException("bad XPath " + xpath, e);
        }
    }

    /** The checks above, on small kits that break one rule each. */
    @Nested
    class TheChecksReport {

        @TempDir
        Path root;

        private FixtureKit kit() {
            return FixtureKit.cleanModule01(root).withModule02();
        }

        private List<String> classProblemsOfModule01(FixtureKit fixture) {
            return classProblems(fixture.build(), new CourseModule(MODULE_01));
        }

        @Test
        void nothingInAKitThatFollowsEveryRule() {
            KitLayout clean = kit().build();
            for (CourseModule module : clean.modules()) {
                assertThat(classProblems(clean, module)).as("class problems of the clean module %s", module).isEmpty();
                assertThat(pomProblems(clean, module)).as("pom problems of the clean module %s", module).isEmpty();
            }
        }

        @Test
        void aDowncallOutsideANativesPackage() {
            FixtureKit fixture = kit().toolkit(MODULE_01, """
                    package mmapkit.mapping;

                    public final class Sneaky {
                        public static Object lookup() {
                            return java.lang.foreign.Linker.nativeLinker().defaultLookup();
                        }
                    }
                    """);
            assertThat(classProblemsOfModule01(fixture))
                    .as("both sides of module 01 break the natives rule")
                    .hasSize(2)
                    .allSatisfy(problem -> assertThat(problem)
                            .contains("only classes in a natives subpackage should use Linker")
                            .contains("mmapkit.mapping.Sneaky.lookup()")
                            .contains("move the downcall into such a class"));
        }

        @Test
        void jdkInternalsAndReflectiveAccess() {
            FixtureKit fixture = kit().solution(MODULE_01, """
                    package mmapkit.mapping;

                    import java.lang.reflect.Field;

                    public final class Unmapper {
                        public static Object unsafe() throws Exception {
                            Field field = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
                            field.setAccessible(true);
                            return field.get(null);
                        }

                        public static boolean direct(Object buffer) {
                            return buffer instanceof sun.nio.ch.DirectBuffer;
                        }
                    }
                    """);
            assertThat(String.join("\n", classProblemsOfModule01(fixture)))
                    .contains("no class should use sun.misc.Unsafe, jdk.internal.. or sun.nio.ch..")
                    .contains("sun.misc.Unsafe", "sun.nio.ch.DirectBuffer")
                    .contains("no class should call setAccessible or trySetAccessible")
                    .contains("Method <mmapkit.mapping.Unmapper.unsafe()> calls method <java.lang.reflect.Field.setAccessible(boolean)>")
                    .contains("close the Arena");
        }

        @Test
        void endingTheJvm() {
            FixtureKit fixture = kit().solution(MODULE_01, """
                    package mmapkit.mapping;

                    public final class Quitter {
                        public static void quit() {
                            System.exit(1);
                        }

                        public static void halt() {
                            Runtime.getRuntime().halt(2);
                        }
                    }
                    """);
            assertThat(classProblemsOfModule01(fixture)).singleElement().asString()
                    .startsWith("solutions/01-mapping: ")
                    .contains("no class should call System.exit, Runtime.exit or Runtime.halt")
                    .contains("<mmapkit.mapping.Quitter.quit()> calls method <java.lang.System.exit(int)>")
                    .contains("<mmapkit.mapping.Quitter.halt()> calls method <java.lang.Runtime.halt(int)>");
        }

        @Test
        void anEarlierModuleUsingALaterOneOrTheCourseTools() {
            FixtureKit fixture = kit().solution(MODULE_01, """
                    package mmapkit.faults;

                    public final class Later {
                    }
                    """).solution(MODULE_01, """
                    package mmapkit.mapping;

                    @mmapkit.course.Task(id = "01.1", points = 1, title = "not here")
                    public final class Tangled {
                        public static Object later() {
                            return new mmapkit.faults.Later();
                        }
                    }
                    """);
            assertThat(String.join("\n", classProblemsOfModule01(fixture)))
                    .contains("classes of module 01-mapping should reside in package mmapkit.mapping..")
                    .contains("Class <mmapkit.faults.Later> does not reside in a package 'mmapkit.mapping..'")
                    .contains("module 01-mapping should use only the kit packages [mmapkit.mapping]")
                    .contains("<mmapkit.mapping.Tangled.later()> calls constructor <mmapkit.faults.Later.<init>()>")
                    .contains("Class <mmapkit.mapping.Tangled> is annotated with <mmapkit.course.Task>");
        }

        @Test
        void aLaterModuleMayUseAnEarlierOne() {
            KitLayout clean = kit().build();
            assertThat(classProblems(clean, new CourseModule(MODULE_02)))
                    .as("module 02 uses Pages of module 01, which the rules allow")
                    .isEmpty();
        }

        @Test
        void anExerciseThatDependsOnItsOwnSolution() {
            KitLayout fixture = kit()
                    .file("exercises/01-mapping/pom.xml", FixtureKit.pom("exercises-01-mapping", "solutions-01-mapping"))
                    .build();
            assertThat(pomProblems(fixture, new CourseModule(MODULE_01))).singleElement().asString()
                    .isEqualTo("exercises/01-mapping/pom.xml depends on solutions-01-mapping: module 01 may depend only"
                            + " on the reference code of earlier modules (solutions-MM-name with MM < 01); an exercise"
                            + " that depends on its own solution is no exercise: remove the dependency");
        }

        @Test
        void aModuleDependingOnALaterModuleOrOnExercises() {
            KitLayout fixture = kit()
                    .file("solutions/02-lazy-faulting/pom.xml", FixtureKit.pom("solutions-02-lazy-faulting",
                            "solutions-01-mapping", "exercises-01-mapping", "solutions-03-dirty-tracking"))
                    .file("exercises/02-lazy-faulting/pom.xml", FixtureKit.pom("solutions-02-lazy-faulting"))
                    .build();
            assertThat(pomProblems(fixture, new CourseModule(MODULE_02))).containsExactly(
                    "solutions/02-lazy-faulting/pom.xml depends on exercises-01-mapping: module 02 may depend only on"
                            + " the reference code of earlier modules (solutions-MM-name with MM < 02): remove the dependency",
                    "solutions/02-lazy-faulting/pom.xml depends on solutions-03-dirty-tracking: module 02 may depend only on"
                            + " the reference code of earlier modules (solutions-MM-name with MM < 02): remove the dependency",
                    "exercises/02-lazy-faulting/pom.xml has artifactId 'solutions-02-lazy-faulting': it must be"
                            + " 'exercises-02-lazy-faulting'");
        }

        @Test
        void aModuleThatTheReactorMayBuildAfterTheChecks() {
            KitLayout fixture = kit().file("lessons/kit-invariants/pom.xml", FixtureKit.pom("kit-invariants",
                            "solutions-01-mapping", "exercises-01-mapping", "lessons-01-mapping")
                    .replace("<version>${project.version}</version>", "<version>${project.version}</version><scope>provided</scope>"))
                    .build();
            assertThat(reactorOrderProblems(fixture, new CourseModule(MODULE_01))).isEmpty();
            assertThat(reactorOrderProblems(fixture, new CourseModule(MODULE_02))).containsExactly(
                    "lessons/kit-invariants/pom.xml lacks a dependency on solutions-02-lazy-faulting with scope provided:"
                            + " add it, so that the reactor builds module 02-lazy-faulting before checking it",
                    "lessons/kit-invariants/pom.xml lacks a dependency on exercises-02-lazy-faulting with scope provided:"
                            + " add it, so that the reactor builds module 02-lazy-faulting before checking it",
                    "lessons/kit-invariants/pom.xml lacks a dependency on lessons-02-lazy-faulting with scope provided:"
                            + " add it, so that the reactor builds module 02-lazy-faulting before checking it");
        }

        @Test
        void aModuleThatWasNotBuilt() {
            FixtureKit fixture = kit();
            KitLayout built = fixture.build();
            fixture.delete("exercises/01-mapping/target");
            assertThatThrownBy(() -> classProblems(built, new CourseModule(MODULE_01)))
                    .hasMessage("exercises/01-mapping/target/classes does not exist: " + KitLayout.BUILD_THE_REACTOR);
            fixture.delete("exercises/01-mapping");
            assertThatThrownBy(() -> classProblems(built, new CourseModule(MODULE_01)))
                    .hasMessage("exercises/01-mapping does not exist: generate it from solutions/01-mapping with the stub generator");
        }
    }
}
