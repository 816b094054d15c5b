package mmapkit.course.submission;

import mmapkit.course.grading.HostClassPath;
import mmapkit.course.grading.TaskInfo;
import mmapkit.course.grading.TestPlan;
import mmapkit.course.harness.Wire;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Test plans of compiled graded tests, kept between checks of one's own code: discovering a plan
 * starts the JUnit Platform in the command's JVM, which costs about as much as the rest of a quick
 * check. A plan depends on the compiled tests alone (the code under test only has to let them
 * compile), so it is keyed by the bytes of their class files and by the grader's libraries (JUnit's
 * version among them): it stays valid while the learner edits their code, and a change to the
 * tests, or to JUnit, makes a new one.
 *
 * <p>A plan that cannot be read, or that does not match its key, is discovered again; one that
 * cannot be written is just not kept. A check never depends on the cache.
 */
final class CachedTestPlans {

    /** The first line of a kept plan; a new layout of the file gets a new number. */
    private static final String HEADER = "mmap-course-test-plan\t1";

    private final Path folder;

    /** Plans kept in {@code folder} (made when the first plan is kept). */
    CachedTestPlans(Path folder) {
        this.folder = folder;
    }

    /** The plan of {@code testClasses}: the kept one, or discovered (with {@code classPath}) and kept. */
    TestPlan plan(Path testClasses, List<Path> classPath) {
        String key = key(testClasses);
        Path file = folder.resolve(key + ".plan");
        Optional<TestPlan> kept = read(file, key);
        if (kept.isPresent()) {
            return kept.get();
        }
        TestPlan plan = TestPlan.discover(testClasses, classPath);
        write(file, key, plan);
        return plan;
    }

    /** SHA-256 of the test classes (names and bytes, in a fixed order) and of the grader's libraries' names. */
    static String key(Path testClasses) {
        try (Stream<Path> walk = Files.walk(testClasses)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String library : HostClassPath.libraries()) {
                update(digest, "library " + Path.of(library).getFileName());
            }
            for (Path file : walk.filter(path -> path.toString().endsWith(".class")).sorted().toList()) {
                update(digest, "class " + testClasses.relativize(file));
                byte[] bytes = Files.readAllBytes(file);
                update(digest, Integer.toString(bytes.length));
                digest.update(bytes);
            }
            return HexFormat.of().formatHex(digest.digest(), 0, 20);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the compiled tests in " + testClasses, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java runtime has no SHA-256", e);
        }
    }

    private static void update(MessageDigest digest, String text) {
        digest.update((text + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** The plan kept in {@code file}, or empty when there is none or it is damaged. */
    static Optional<TestPlan> read(Path file, String key) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            if (lines.size() < 2 || !lines.get(0).equals(HEADER) || !lines.get(1).equals("key\t" + key)) {
                return Optional.empty();
            }
            Map<String, TaskInfo> tasks = new LinkedHashMap<>();
            List<TestPlan.PlannedTest> tests = new ArrayList<>();
            List<String> classes = new ArrayList<>();
            boolean ended = false;
            for (String line : lines.subList(2, lines.size())) {
                List<String> fields = Arrays.stream(line.split("\t", -1)).map(Wire::decode).toList();
                switch (fields.getFirst()) {
                    case "task" -> tasks.put(fields.get(1), new TaskInfo(fields.get(1), fields.get(2),
                            Integer.parseInt(fields.get(3)), fields.subList(4, fields.size())));
                    case "test" -> tests.add(new TestPlan.PlannedTest(fields.get(1), fields.get(2), fields.get(3),
                            fields.get(4), fields.get(5)));
                    case "class" -> classes.add(fields.get(1));
                    case "end" -> ended = true;
                    default -> {
                        return Optional.empty();
                    }
                }
            }
            if (!ended || tests.stream().anyMatch(test -> !tasks.containsKey(test.taskId()))) {
                return Optional.empty();
            }
            return Optional.of(new TestPlan(tasks, tests, classes));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // damaged (a field missing, a number that is none, bad percent-encoding)
        }
    }

    /** Keeps {@code plan} in {@code file}, whole or not at all; a failure only means it is discovered next time. */
    static void write(Path file, String key, TestPlan plan) {
        StringBuilder text = new StringBuilder(HEADER).append('\n').append("key\t").append(key).append('\n');
        for (TaskInfo task : plan.tasks().values()) {
            List<String> fields = new ArrayList<>(List.of("task", task.id(), task.title(),
                    Integer.toString(task.points())));
            fields.addAll(task.testClasses());
            line(text, fields);
        }
        for (TestPlan.PlannedTest test : plan.tests()) {
            line(text, List.of("test", test.uniqueId(), test.classId(), test.taskId(), test.testClass(), test.name()));
        }
        plan.testClasses().forEach(name -> line(text, List.of("class", name)));
        text.append("end\n");
        try {
            Files.createDirectories(file.getParent());
            Path partial = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".partial");
            try {
                Files.writeString(partial, text, StandardCharsets.UTF_8);
                Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(partial);
            }
        } catch (IOException | UnsupportedOperationException e) {
            // not kept: the next check discovers the plan again
        }
    }

    private static void line(StringBuilder text, List<String> fields) {
        text.append(String.join("\t", fields.stream().map(Wire::encode).toList())).append('\n');
    }
}
