package mmapkit.invariants;

import mmapkit.course.stubs.StubGenerator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A small kit on disk, for testing the checks themselves: {@link #cleanModule01} passes every
 * check; a test then breaks it in one place and asserts that the check reports exactly that.
 *
 * <p>{@link #build()} compiles what the reactor would ({@code solutions} and {@code exercises}
 * classes, graded test classes) with the system Java compiler and this JVM's class path, which
 * holds the course tools and JUnit. A source set is compiled again only after one of its files
 * changed, so a test pays only for what it breaks.
 */
final class FixtureKit {

    static final String MODULE_01 = "01-mapping";
    static final String MODULE_02 = "02-lazy-faulting";

    private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);
    private static final Pattern TYPE = Pattern.compile(
            "^(?:public |abstract |final |sealed |@\\w+(?:\\([^)]*\\))? )*(?:class|interface|enum|record|@interface) (\\w+)",
            Pattern.MULTILINE);

    private final Path root;

    private FixtureKit(Path root) {
        this.root = root;
    }

    /**
     * Module 01 with one exercise, 01.1, that is right in every way: a solution region, the
     * generated exercise, a labelled graded test, a hint and its section in the chapter; plus a
     * natives class that makes a downcall where downcalls belong.
     */
    static FixtureKit cleanModule01(Path root) {
        return new FixtureKit(root)
                .file("solutions/01-mapping/pom.xml", pom("solutions-01-mapping"))
                .solution(MODULE_01, """
                        package mmapkit.mapping;

                        /** Page arithmetic. */
                        public final class Pages {
                            private Pages() {
                            }

                            public static long alignDown(long offset, long pageSize) {
                                // SOLUTION-BEGIN 01.1
                                return offset - offset % pageSize;
                                // SOLUTION-STUB
                                // throw new UnsupportedOperationException("TODO 01.1: round down to a page");
                                // SOLUTION-END
                            }
                        }
                        """)
                .solution(MODULE_01, """
                        package mmapkit.mapping.natives;

                        import java.lang.foreign.FunctionDescriptor;
                        import java.lang.foreign.Linker;
                        import java.lang.foreign.ValueLayout;
                        import java.lang.invoke.MethodHandle;

                        /** The getpagesize downcall. */
                        public final class PageSizeCall {
                            private static final MethodHandle GETPAGESIZE = Linker.nativeLinker().downcallHandle(
                                    Linker.nativeLinker().defaultLookup().findOrThrow("getpagesize"),
                                    FunctionDescriptor.of(ValueLayout.JAVA_INT));

                            private PageSizeCall() {
                            }

                            public static int pageSize() throws Throwable {
                                return (int) GETPAGESIZE.invokeExact();
                            }
                        }
                        """)
                .generateExercises(MODULE_01)
                .gradedTest(MODULE_01, """
                        package mmapkit.mapping;

                        import mmapkit.course.Task;
                        import org.junit.jupiter.api.Nested;
                        import org.junit.jupiter.api.Test;

                        @Task(id = "01.1", points = 10, title = "Round down to a page")
                        class AlignDownTest {
                            @Test
                            void roundsDown() {
                            }

                            @Nested
                            class OnAPageBoundary {
                                @Test
                                void staysPut() {
                                }
                            }
                        }
                        """)
                .file("lessons/01-mapping/hints/01.1.adoc", "The remainder `offset % pageSize` is what to take away.\n")
                .file("book/src/docs/asciidoc/chapters/01-mapping.adoc", """
                        == Mapping files

                        [[task-01-1]]
                        === Exercise 01.1: Round down to a page (10 points)

                        Write `Pages.alignDown`.
                        """);
    }

    /**
     * Adds module 02, whose toolkit code uses module 01's reference code, as it may. It has no
     * graded tests: only the architecture checks look at it.
     */
    FixtureKit withModule02() {
        return file("lessons/02-lazy-faulting/README.adoc", "Module 02.\n")
                .file("solutions/02-lazy-faulting/pom.xml", pom("solutions-02-lazy-faulting", "solutions-01-mapping"))
                .solution(MODULE_02, """
                        package mmapkit.faults;

                        import mmapkit.mapping.Pages;

                        public final class Residency {
                            private Residency() {
                            }

                            public static long firstPage(long offset) {
                                return Pages.alignDown(offset, 4096);
                            }
                        }
                        """)
                .generateExercises(MODULE_02);
    }

    /** A pom with the given artifactId and dependencies (groupId mmapkit), as a module has. */
    static String pom(String artifactId, String... dependencies) {
        StringBuilder pom = new StringBuilder("""
                <?xml version="1.0" encoding="UTF-8"?>
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <parent>
                    <groupId>mmapkit</groupId>
                    <artifactId>mmap-course-kit</artifactId>
                    <version>1.0.0-SNAPSHOT</version>
                  </parent>
                """).append("  <artifactId>").append(artifactId).append("</artifactId>\n");
        if (dependencies.length > 0) {
            pom.append("  <dependencies>\n");
            for (String dependency : dependencies) {
                pom.append("    <dependency>\n      <groupId>mmapkit</groupId>\n      <artifactId>")
                        .append(dependency).append("</artifactId>\n      <version>${project.version}</version>\n    </dependency>\n");
            }
            pom.append("  </dependencies>\n");
        }
        return pom.append("</project>\n").toString();
    }

    /** Writes a file, relative to the kit's root; a changed Java source makes its set compile again. */
    FixtureKit file(String path, String content) {
        Path file = root.resolve(path);
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        if (path.endsWith(".java")) {
            delete(outputOf(path));
        }
        return this;
    }

    /** Deletes a file or a folder with all it holds; nothing when it does not exist. */
    FixtureKit delete(String path) {
        Path target = root.resolve(path);
        if (Files.exists(target)) {
            try (Stream<Path> files = Files.walk(target)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(file);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete " + target, e);
            }
        }
        return this;
    }

    /** A Java source of {@code solutions/<module>}; its path follows from its package and type. */
    FixtureKit solution(String module, String source) {
        return file("solutions/" + module + "/src/main/java/" + javaPath(source), source);
    }

    /** A Java source of {@code exercises/<module>}, written by hand (to make it differ). */
    FixtureKit exercise(String module, String source) {
        return file("exercises/" + module + "/src/main/java/" + javaPath(source), source);
    }

    /** The same source in the solution and the exercise of a module. */
    FixtureKit toolkit(String module, String source) {
        return solution(module, source).exercise(module, source);
    }

    /** A Java source of the graded tests {@code lessons/<module>/src/test/java}. */
    FixtureKit gradedTest(String module, String source) {
        return file("lessons/" + module + "/src/test/java/" + javaPath(source), source);
    }

    /** Writes {@code exercises/<module>} from {@code solutions/<module>} with the kit's own generator. */
    FixtureKit generateExercises(String module) {
        StubGenerator.write(root.resolve("solutions").resolve(module), root.resolve("exercises").resolve(module));
        return delete("exercises/" + module + "/target");
    }

    /**
     * Records the exercise's files as they are now in its manifest, as if the generator had written
     * them: a maintainer who edited {@code exercises/} and its manifest by hand. (Without this, the
     * checks take edited exercise files for a learner's work and look at the generated exercise.)
     */
    FixtureKit manifestAsIs(String module) {
        Path exercise = root.resolve("exercises").resolve(module);
        java.util.SortedMap<Path, byte[]> files = new java.util.TreeMap<>();
        try (Stream<Path> walk = Files.walk(exercise)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                Path relative = exercise.relativize(file);
                if (!relative.startsWith("target") && !relative.toString().equals(StubGenerator.MANIFEST)) {
                    files.put(relative, Files.readAllBytes(file));
                }
            }
            Files.writeString(exercise.resolve(StubGenerator.MANIFEST), StubGenerator.manifest(files));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the manifest of " + exercise, e);
        }
        return this;
    }

    /** Compiles every source set that changed since the last build, modules in course order. */
    KitLayout build() {
        KitLayout kit = new KitLayout(root);
        List<String> earlierSolutions = new ArrayList<>();
        for (CourseModule module : kit.modules()) {
            String solutions = "solutions/" + module.folder();
            String exercises = "exercises/" + module.folder();
            compile(solutions + "/src/main/java", earlierSolutions);
            compile(exercises + "/src/main/java", earlierSolutions);
            List<String> gradedClassPath = new ArrayList<>(earlierSolutions);
            gradedClassPath.add(exercises + "/target/classes");
            compile("lessons/" + module.folder() + "/src/test/java", gradedClassPath);
            earlierSolutions.add(solutions + "/target/classes");
        }
        return kit;
    }

    private void compile(String sourceFolder, List<String> kitClassPath) {
        Path output = root.resolve(outputOf(sourceFolder + "/"));
        List<Path> sources = new KitLayout(root).javaFiles(root.resolve(sourceFolder));
        if (sources.isEmpty() || Files.isDirectory(output)) {
            return;
        }
        List<String> classPath = new ArrayList<>(kitClassPath.stream().map(path -> root.resolve(path).toString()).toList());
        classPath.add(System.getProperty("java.class.path"));
        Javac.compile("the fixture " + sourceFolder, sources, classPath, output);
    }

    /** {@code x/src/main/java/...} compiles to {@code x/target/classes}, {@code src/test/java} to test-classes. */
    private static String outputOf(String sourcePath) {
        Matcher set = Pattern.compile("^(.*?)/src/(main|test)/java/").matcher(sourcePath);
        if (!set.find()) {
            throw new IllegalArgumentException("'" + sourcePath + "' is not under a src/main/java or src/test/java folder");
        }
        return set.group(1) + "/target/" + (set.group(2).equals("main") ? "classes" : "test-classes");
    }

    private static String javaPath(String source) {
        Matcher packageName = PACKAGE.matcher(source);
        Matcher type = TYPE.matcher(source);
        if (!packageName.find() || !type.find()) {
            throw new IllegalArgumentException("a fixture source needs a package and a top-level type:\n" + source);
        }
        return packageName.group(1).replace('.', '/') + "/" + type.group(1) + ".java";
    }
}
