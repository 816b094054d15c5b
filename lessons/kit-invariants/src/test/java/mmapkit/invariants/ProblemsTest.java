package mmapkit.invariants;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

/** A failing invariant prints a message one can read, naming what broke, not a dump. */
class ProblemsTest {

    @Test
    void noProblemPasses() {
        Problems.assertNone("exercises/01-mapping", List.of());
    }

    @Test
    void eachProblemIsOneItemNamingTheFile() {
        assertThatThrownBy(() -> Problems.assertNone("exercises/01-mapping", List.of("Pages.java: changed in the solution")))
                .hasMessage("exercises/01-mapping breaks 1 kit invariant(s):\n  - Pages.java: changed in the solution");
    }

    @Test
    void manyOrLongProblemsAreCutAndSaySo() {
        String compilerDump = IntStream.range(0, 300).mapToObj(i -> "error " + i + ": " + "x".repeat(100))
                .reduce((a, b) -> a + "\n" + b).orElseThrow();
        List<String> problems = IntStream.range(0, 50).mapToObj(i -> "task 01." + i + ": fails\n" + compilerDump).toList();
        String message = Problems.message("solutions/01-mapping", problems);
        assertThat(message).startsWith("solutions/01-mapping breaks 50 kit invariant(s):\n  - task 01.0: fails\n")
                .contains(" more characters)", "\n  ... and 40 more");
        assertThat(message.length()).isLessThan(8000);
    }
}
