package mmapkit.invariants;

import static mmapkit.invariants.FixtureKit.MODULE_01;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.domain.JavaTypeVariable;
import com.tngtech.archunit.core.domain.properties.HasModifiers;
import mmapkit.invariants.KitLayout.Side;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The graded tests compile against {@code exercises/NN} and run a second time against
 * {@code solutions/NN}: that works only when both have the same public API, down to every
 * modifier, supertype and thrown exception.
 */
class SamePublicApiTest {

    private static final String HOW_TO_FIX = "exercises/ is generated from solutions/: keep every public or"
            + " protected declaration outside SOLUTION-BEGIN regions and SOLUTION-ONLY-FILEs (stub the bodies,"
            + " not the signatures), then regenerate the exercise with the stub generator";

    @TestFactory
    Stream<DynamicTest> everyModuleOfTheKitHasOneApi() {
        KitLayout kit = KitLayout.ofBuild();
        return kit.modules().stream().map(module -> dynamicTest(module.folder(),
                () -> Problems.assertNone(module + " public API", differences(kit, module))));
    }

    /** Each public or protected declaration that one side of the module has and the other lacks. */
    static List<String> differences(KitLayout kit, CourseModule module) {
        SortedMap<String, TypeApi> solutions = publicApi(kit.importClasses(kit.toolkitClasses(Side.SOLUTIONS, module)));
        SortedMap<String, TypeApi> exercises = publicApi(kit.importClasses(kit.toolkitClasses(Side.EXERCISES, module)));
        List<String> differences = new ArrayList<>();
        differences.addAll(oneSided(solutions, "solutions", exercises, "exercises"));
        differences.addAll(oneSided(exercises, "exercises", solutions, "solutions"));
        if (!differences.isEmpty()) {
            differences.add(HOW_TO_FIX);
        }
        return differences;
    }

    /** What {@code side} declares and {@code other} lacks: whole types, else single declarations. */
    private static List<String> oneSided(Map<String, TypeApi> side, String sideName, Map<String, TypeApi> other, String otherName) {
        List<String> differences = new ArrayList<>();
        side.forEach((name, api) -> {
            TypeApi counterpart = other.get(name);
            if (counterpart == null) {
                differences.add(sideName + " has type `" + api.declaration() + "`, " + otherName + " lacks it");
                return;
            }
            if (!api.declaration().equals(counterpart.declaration())) {
                differences.add(sideName + " has `" + api.declaration() + "`, " + otherName + " lacks it");
            }
            api.members().stream()
                    .filter(member -> !counterpart.members().contains(member))
                    .forEach(member -> differences.add(sideName + " has `" + name + ": " + member + "`, " + otherName + " lacks it"));
        });
        return differences;
    }

    /** A public or protected type as a caller sees it: its declaration and its visible members. */
    record TypeApi(String declaration, SortedSet<String> members) {
    }

    static SortedMap<String, TypeApi> publicApi(JavaClasses classes) {
        SortedMap<String, TypeApi> api = new TreeMap<>();
        for (JavaClass type : classes) {
            if (visible(type) && !type.isAnonymousClass() && !type.isLocalClass()) {
                SortedSet<String> members = new TreeSet<>();
                type.getFields().stream().filter(SamePublicApiTest::visible).map(SamePublicApiTest::describe).forEach(members::add);
                type.getCodeUnits().stream().filter(SamePublicApiTest::visible).map(SamePublicApiTest::describe).forEach(members::add);
                api.put(type.getName(), new TypeApi(describe(type), members));
            }
        }
        return api;
    }

    /** Public or protected, and written by a person (no bridge or synthetic member). */
    private static boolean visible(HasModifiers declaration) {
        Set<JavaModifier> modifiers = declaration.getModifiers();
        return (modifiers.contains(JavaModifier.PUBLIC) || modifiers.contains(JavaModifier.PROTECTED))
                && !modifiers.contains(JavaModifier.SYNTHETIC) && !modifiers.contains(JavaModifier.BRIDGE);
    }

    private static final List<JavaModifier> API_MODIFIERS = List.of(
            JavaModifier.PUBLIC, JavaModifier.PROTECTED, JavaModifier.ABSTRACT, JavaModifier.STATIC, JavaModifier.FINAL);

    private static String modifiers(HasModifiers declaration) {
        return API_MODIFIERS.stream().filter(declaration.getModifiers()::contains)
                .map(modifier -> modifier.name().toLowerCase() + " ").collect(Collectors.joining());
    }

    private static String describe(JavaClass type) {
        String kind = type.isAnnotation() ? "@interface" : type.isInterface() ? "interface"
                : type.isEnum() ? "enum" : type.isRecord() ? "record" : "class";
        String supertypes = type.getSuperclass().map(superclass -> " extends " + name(superclass)).orElse("")
                + (type.getInterfaces().isEmpty() ? "" : " implements " + type.getInterfaces().stream()
                .map(SamePublicApiTest::name).sorted().collect(Collectors.joining(", ")));
        String modifiers = modifiers(type);
        if (type.isInterface()) {
            modifiers = modifiers.replace("abstract ", "");
        }
        return modifiers + kind + " " + type.getName() + typeParameters(type.getTypeParameters()) + supertypes;
    }

    private static String describe(JavaField field) {
        return modifiers(field) + name(field.getType()) + " " + field.getName();
    }

    private static String describe(JavaCodeUnit code) {
        String parameters = code.getParameterTypes().stream().map(SamePublicApiTest::name).collect(Collectors.joining(", "));
        String exceptions = code.getThrowsClause().getTypes().stream().map(JavaClass::getName).sorted().collect(Collectors.joining(", "));
        String typeParameters = typeParameters(code.getTypeParameters());
        return modifiers(code) + (typeParameters.isEmpty() ? "" : typeParameters + " ")
                + (code.isConstructor() ? "" : name(code.getReturnType()) + " ")
                + code.getName() + "(" + parameters + ")" + (exceptions.isEmpty() ? "" : " throws " + exceptions);
    }

    private static String typeParameters(List<? extends JavaTypeVariable<?>> variables) {
        if (variables.isEmpty()) {
            return "";
        }
        return variables.stream().map(variable -> variable.getName() + " extends "
                        + variable.getUpperBounds().stream().map(SamePublicApiTest::name).collect(Collectors.joining(" & ")))
                .collect(Collectors.joining(", ", "<", ">"));
    }

    /** A type as source code writes it, generics included ({@code int[]}, not {@code [I}). */
    private static String name(JavaType type) {
        return type instanceof JavaClass javaClass && javaClass.isArray()
                ? name(javaClass.getComponentType()) + "[]"
                : type.getName();
    }

    /** The check above, on fixture kits whose exercise drifted from its solution. */
    @Nested
    class TheCheckReports {

        @TempDir
        Path root;

        private List<String> differencesOfModule01(FixtureKit fixture) {
            return differences(fixture.build(), new CourseModule(MODULE_01));
        }

        @Test
        void nothingWhenTheExerciseIsGeneratedFromTheSolution() {
            FixtureKit fixture = FixtureKit.cleanModule01(root).solution(MODULE_01, """
                    package mmapkit.mapping;

                    import java.io.IOException;
                    import java.util.List;
                    import java.util.function.Supplier;

                    public abstract class Window<T extends Comparable<T>> implements Supplier<List<T>>, AutoCloseable {
                        protected static final int SLOTS = 3;
                        private long secret;

                        protected Window(long size) {
                            // SOLUTION-BEGIN 01.1
                            secret = size;
                            // SOLUTION-END
                        }

                        public abstract <R extends Number> R[] slide(T[] items, int... steps) throws IOException;

                        public record Slot(long offset, long length) {
                        }

                        public enum Mode { READ, WRITE }

                        @Override
                        public void close() {
                            // SOLUTION-BEGIN 01.1
                            secret = 0;
                            // SOLUTION-STUB
                            // throw new UnsupportedOperationException("TODO 01.1");
                            // SOLUTION-END
                        }

                        // SOLUTION-BEGIN 01.1
                        private long helperOnlyTheSolutionNeeds() {
                            return secret;
                        }
                        // SOLUTION-END
                    }
                    """).generateExercises(MODULE_01);
            assertThat(differencesOfModule01(fixture))
                    .as("private members and method bodies may differ; everything visible is the same")
                    .isEmpty();
        }

        @Test
        void aPublicMethodLeftInsideASolutionRegion() {
            FixtureKit fixture = FixtureKit.cleanModule01(root).solution(MODULE_01, """
                    package mmapkit.mapping;

                    public final class Ranges {
                        public static long end(long offset, long length) {
                            return offset + length;
                        }

                        // SOLUTION-BEGIN 01.1
                        public static long[] split(long offset, java.util.List<Long> cuts) throws java.io.IOException {
                            return new long[0];
                        }
                        // SOLUTION-END
                    }
                    """).generateExercises(MODULE_01);
            assertThat(differencesOfModule01(fixture)).containsExactly(
                    "solutions has `mmapkit.mapping.Ranges: public static long[] split(long, java.util.List<java.lang.Long>)"
                            + " throws java.io.IOException`, exercises lacks it",
                    HOW_TO_FIX);
        }

        @Test
        void signaturesThatDrifted() {
            FixtureKit fixture = FixtureKit.cleanModule01(root).exercise(MODULE_01, """
                    package mmapkit.mapping;

                    /** Page arithmetic. */
                    public class Pages {
                        private Pages() {
                        }

                        public static int alignDown(long offset, long pageSize) {
                            throw new UnsupportedOperationException("TODO 01.1: round down to a page");
                        }
                    }
                    """).exercise(MODULE_01, """
                    package mmapkit.mapping;

                    public interface Extra {
                    }
                    """).manifestAsIs(MODULE_01);
            assertThat(differencesOfModule01(fixture)).containsExactly(
                    "solutions has `public final class mmapkit.mapping.Pages extends java.lang.Object`, exercises lacks it",
                    "solutions has `mmapkit.mapping.Pages: public static long alignDown(long, long)`, exercises lacks it",
                    "exercises has type `public interface mmapkit.mapping.Extra`, solutions lacks it",
                    "exercises has `public class mmapkit.mapping.Pages extends java.lang.Object`, solutions lacks it",
                    "exercises has `mmapkit.mapping.Pages: public static int alignDown(long, long)`, solutions lacks it",
                    HOW_TO_FIX);
        }
    }
}
