package mmapkit.course.stubs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

class StubGeneratorTest {

    private static final Path FILE = Path.of("Pages.java");

    @Test
    void aRegionBecomesItsStubAndTheRestStays() {
        String stub = StubGenerator.stubJava(FILE, """
                package p;

                import java.util.ArrayDeque;
                import java.util.List;

                /** Uses {@link List}. */
                final class Pages {
                    static long alignDown(long offset) {
                        // SOLUTION-BEGIN 01.1
                        ArrayDeque<Long> unused = new ArrayDeque<>();
                        return offset & -4096;
                        // SOLUTION-STUB
                        // throw new UnsupportedOperationException("TODO 01.1: round down");
                        // SOLUTION-END
                    }
                }
                """);
        assertThat(stub).isEqualTo("""
                package p;

                import java.util.List;

                /** Uses {@link List}. */
                final class Pages {
                    static long alignDown(long offset) {
                        // TODO 01.1 (see hint 01.1)
                        throw new UnsupportedOperationException("TODO 01.1: round down");
                    }
                }
                """);
    }

    @Test
    void eachStubGetsATodoCommentAnIdeListsButARegionWithoutStubVanishesWithoutOne() {
        String stub = StubGenerator.stubJava(FILE, """
                final class Pages {
                    // SOLUTION-BEGIN 01.3
                    private static long helper() { return 1; }
                    // SOLUTION-END
                    static long size() {
                      // SOLUTION-BEGIN 01.2
                      return 4096;
                      // SOLUTION-STUB
                      // throw new UnsupportedOperationException("TODO 01.2: the page size");
                      // SOLUTION-END
                    }
                }
                """);
        assertThat(stub).isEqualTo("""
                final class Pages {
                    static long size() {
                      // TODO 01.2 (see hint 01.2)
                      throw new UnsupportedOperationException("TODO 01.2: the page size");
                    }
                }
                """);
    }

    @Test
    void aFileWithoutRegionsIsCopiedByteForByte() {
        String source = "package p;\n\nimport java.util.ArrayDeque;\n\nfinal class Given {\n}";
        assertThat(StubGenerator.stubJava(FILE, source)).isEqualTo(source);
    }

    @Test
    void aSolutionOnlyFileIsLeftOut() {
        assertThat(StubGenerator.stubJava(FILE, "package p;\n// SOLUTION-ONLY-FILE\nfinal class Helper {\n}\n")).isNull();
    }

    @Test
    void brokenMarkersAreNamedWithTheirLine() {
        assertThatThrownBy(() -> StubGenerator.stubJava(FILE, "class A {\n// SOLUTION-BEGIN 01.1\nint x;\n}\n"))
                .hasMessage("Pages.java:2: SOLUTION-BEGIN region is never closed by SOLUTION-END");
        assertThatThrownBy(() -> StubGenerator.stubJava(FILE, "// SOLUTION-BEGIN one\n// SOLUTION-END\n"))
                .hasMessage("Pages.java:1: SOLUTION-BEGIN needs a task id such as 01.2, found 'one'");
        assertThatThrownBy(() -> StubGenerator.stubJava(FILE, "// SOLUTION-BEGIN 01.1\n// SOLUTION-STUB\nreturn 1;\n// SOLUTION-END\n"))
                .hasMessage("Pages.java:3: a stub line must be a // comment, found 'return 1;'");
        assertThatThrownBy(() -> StubGenerator.stubJava(FILE, "// SOLUTION-BEGN 01.1\n"))
                .hasMessage("Pages.java:1: unknown marker '// SOLUTION-BEGN 01.1'");
    }

    @Test
    void anExercisePomKeepsWarningsAndJavadocSlipsInTheLearnersCodeFromFailingTheBuild() {
        String pom = StubGenerator.exercisePom(Path.of("pom.xml"), """
                <project>
                  <parent><artifactId>mmap-course-kit</artifactId></parent>
                  <artifactId>solutions-01-mapping</artifactId>
                  <name>01 mapping (reference solution)</name>
                  <description>Pages.</description>

                  <dependencies/>
                </project>
                """);
        assertThat(pom).contains("<artifactId>exercises-01-mapping</artifactId>", "<name>01 mapping (exercises)</name>")
                .contains("<description>Pages.</description>\n\n  <properties>\n")
                .contains("<kit.failOnWarning>false</kit.failOnWarning>", "<kit.doclint>-Xdoclint:none</kit.doclint>",
                        "<kit.style.skip>true</kit.style.skip>")
                .contains("</properties>\n\n  <dependencies/>");
    }
}
