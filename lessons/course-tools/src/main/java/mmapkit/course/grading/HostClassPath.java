package mmapkit.course.grading;

import java.io.File;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The libraries of the JVM the grader runs in (JUnit, AssertJ, the course tools), without any
 * module of the kit itself.
 *
 * <p>A build or an IDE may put the kit's own modules on the class path (the invariants module
 * depends on them to order the reactor). Graded code must never see those: an exercise would
 * compile against the solution's classes, and a test would run against them.
 */
public final class HostClassPath {

    private static final Pattern KIT_MODULE_JAR = Pattern.compile("(solutions|exercises|lessons)-\\d{2}-[a-z0-9-]+?(-\\d.*)?\\.jar");
    private static final Pattern KIT_MODULE_FOLDER = Pattern.compile(".*/(solutions|exercises|lessons)/\\d{2}-[a-z0-9-]+/target/.*");

    private HostClassPath() {
    }

    /** The class path entries of this JVM that are libraries, not modules of the kit. */
    public static List<String> libraries() {
        return Arrays.stream(System.getProperty("java.class.path", "").split(File.pathSeparator))
                .filter(entry -> !entry.isBlank())
                .filter(entry -> !isKitModule(entry))
                .toList();
    }

    static boolean isKitModule(String entry) {
        String name = Path.of(entry).getFileName() == null ? entry : Path.of(entry).getFileName().toString();
        return KIT_MODULE_JAR.matcher(name).matches() || KIT_MODULE_FOLDER.matcher(entry.replace(File.separatorChar, '/') + "/").matches();
    }

    /**
     * True for classes the graded code brings itself and must load from its own class path:
     * everything of the kit ({@code mmapkit.}) except the course tools.
     */
    static boolean isGradedCode(String className) {
        return className.startsWith("mmapkit.") && !className.startsWith("mmapkit.course.");
    }
}
