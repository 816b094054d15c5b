package mmapkit.course.grading;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A one-module kit on disk for testing the grader: a reference adder, its exercise and graded tests. */
public final class DemoKit {

    public static final String MODULE = "01-demo";

    public final Path root;

    public DemoKit(Path root) {
        this.root = root;
        solution("""
                package mmapkit.demo;

                public final class Adder {
                    private Adder() {
                    }

                    public static long add(long a, long b) {
                        return a + b;
                    }

                    public static long twice(long a) {
                        // SOLUTION-BEGIN 01.2
                        return 2 * a;
                        // SOLUTION-STUB
                        // throw new UnsupportedOperationException("TODO 01.2: double it");
                        // SOLUTION-END
                    }
                }
                """);
        exercise("""
                package mmapkit.demo;

                public final class Adder {
                    private Adder() {
                    }

                    public static long add(long a, long b) {
                        return a + b;
                    }

                    public static long twice(long a) {
                        throw new UnsupportedOperationException("TODO 01.2: double it");
                    }
                }
                """);
        test("AddTest", """
                package mmapkit.demo;

                import static org.assertj.core.api.Assertions.assertThat;

                import mmapkit.course.Task;
                import org.junit.jupiter.api.Nested;
                import org.junit.jupiter.api.Test;

                @Task(id = "01.1", points = 10, title = "Add two numbers")
                class AddTest {
                    @Test
                    void addsSmallNumbers() {
                        assertThat(Adder.add(2, 3)).as("2 + 3").isEqualTo(5);
                    }

                    @Nested
                    class WithNegatives {
                        @Test
                        void addsANegativeNumber() {
                            assertThat(Adder.add(2, -3)).as("2 + -3").isEqualTo(-1);
                        }
                    }
                }
                """);
        test("TwiceTest", """
                package mmapkit.demo;

                import static org.assertj.core.api.Assertions.assertThat;

                import mmapkit.course.Task;
                import org.junit.jupiter.api.Test;

                @Task(id = "01.2", points = 15, title = "Double a number")
                class TwiceTest {
                    @Test
                    void doubles() {
                        assertThat(Adder.twice(21)).as("twice 21").isEqualTo(42);
                    }

                    @Test
                    void doublesZero() {
                        assertThat(Adder.twice(0)).as("twice 0").isZero();
                    }
                }
                """);
        file("lessons/" + MODULE + "/hints/01.2.adoc", "Multiplication is allowed.\n");
    }

    public DemoKit solution(String source) {
        return file("solutions/" + MODULE + "/src/main/java/mmapkit/demo/Adder.java", source);
    }

    public DemoKit exercise(String source) {
        return file("exercises/" + MODULE + "/src/main/java/mmapkit/demo/Adder.java", source);
    }

    public DemoKit test(String className, String source) {
        return file("lessons/" + MODULE + "/src/test/java/mmapkit/demo/" + className + ".java", source);
    }

    public DemoKit file(String path, String content) {
        try {
            Path file = root.resolve(path);
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public KitModule module() {
        return new KitModule(root, MODULE);
    }
}
