package mmapkit.course.submission;

import mmapkit.course.grading.RealKit;
import mmapkit.course.model.ModuleResult;
import mmapkit.course.model.TaskResult;
import mmapkit.course.model.TestResult;
import mmapkit.course.grading.KitModule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import mmapkit.course.model.ModuleResult.Problem;
import mmapkit.course.report.Gradebook;
import mmapkit.course.report.JsonReport;
import mmapkit.course.report.GradeReport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The grader against prepared submissions of the real kit's module 01: the reference code (full
 * points), the untouched stubs (none), a compile error, endless loops (one that ignores
 * interrupts), {@code System.exit} in one task's code, unbounded allocation, edited and deleted
 * tests, and code that writes to the kit. They are graded as one batch (with hidden tests), so
 * this is also the batch test: the gradebook, each learner's report, and the kit unchanged.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(400)
class PreparedSubmissionsTest {

    private static final Duration TEST_TIMEOUT = Duration.ofSeconds(8);
    private static final Duration MODULE_TIMEOUT = Duration.ofSeconds(120);
    private static final String HEAP = "256m";

    Path temp;

    Path kit;
    Path batch;
    Path hidden;
    KitModule module;
    KitFingerprint kitBefore;
    BatchGrader.Outcome outcome;
    Path gradebook;

    @BeforeAll
    void gradeTheBatch(@TempDir Path folder) throws IOException {
        temp = folder;
        kit = RealKit.fixtureKit(temp.resolve("kit"));
        module = new KitModule(kit, RealKit.MODULE);
        batch = temp.resolve("batch");
        hidden = temp.resolve("hidden");
        RealKit.write(hidden.resolve(RealKit.MODULE + "/src/test/java/mmapkit/mapping/HiddenRoundingTest.java"), """
                package mmapkit.mapping;

                import static org.assertj.core.api.Assertions.assertThat;

                import mmapkit.course.Task;
                import org.junit.jupiter.api.Test;

                @Task(id = "01.H1", points = 5, title = "Round one byte up to a whole page")
                class HiddenRoundingTest {
                    @Test
                    void oneByteRoundsUpToOnePage() {
                        assertThat(Pages.alignUp(1)).as("alignUp(1)").isEqualTo(Pages.size());
                    }
                }
                """);
        RealKit.write(hidden.resolve(RealKit.MODULE + "/hints/01.H1.adoc"), "Round up, not down.\n");

        RealKit.submission(kit, batch.resolve("full"), true);
        RealKit.zip(batch.resolve("full"), "learner-main", batch.resolve("zipped.zip"));
        RealKit.submission(kit, batch.resolve("stubs"), false);

        Path partial = RealKit.submission(kit, batch.resolve("partial"), false);
        RealKit.copy(kit.resolve("solutions/" + RealKit.MODULE + "/src/main/java/mmapkit/mapping/Pages.java"),
                partial.resolve(RealKit.EXERCISE + "/mmapkit/mapping/Pages.java"));

        Path broken = RealKit.submission(kit, batch.resolve("compile-error"), true);
        RealKit.edit(broken, "Pages.java", "public static long alignDown(long offset) {",
                "public static long alignDown(long offset) {\n        int x = \"text\";");

        Path exit = RealKit.submission(kit, batch.resolve("exit"), true);
        RealKit.edit(exit, "MappedFile.java", "    public void grow(long newLength) throws IOException {\n",
                "    public void grow(long newLength) throws IOException {\n"
                        + "        System.out.println(\"growing: giving up\");\n        System.exit(3);\n");

        Path oom = RealKit.submission(kit, batch.resolve("oom"), true);
        RealKit.edit(oom, "MappedFile.java", "    public void force() {\n", """
                    public void force() {
                        java.util.List<long[]> hoard = new java.util.ArrayList<>();
                        while (hoard.size() >= 0) {
                            hoard.add(new long[1 << 16]);
                        }
                """);

        Path loops = RealKit.submission(kit, batch.resolve("loops"), true);
        RealKit.edit(loops, "FileWindows.java", "    public long size() {\n", """
                    public long size() {
                        while (size >= 0) { // an endless wait that an interrupt would end
                            try {
                                Thread.sleep(20);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }
                """);
        RealKit.edit(loops, "FileWindows.java", "    public long windowsMapped() {\n", """
                    public long windowsMapped() {
                        long spins = 0;
                        while (windowsMapped >= 0) { // spins, and ignores interrupts
                            spins++;
                            Thread.interrupted();
                        }
                        windowsMapped += spins;
                """);

        Path tamper = RealKit.submission(kit, batch.resolve("tamper-tests"), false);
        RealKit.write(tamper.resolve("lessons/" + RealKit.MODULE + "/src/test/java/mmapkit/mapping/PageArithmeticTest.java"), """
                package mmapkit.mapping;

                @mmapkit.course.Task(id = "01.1", points = 10, title = "Do page arithmetic")
                class PageArithmeticTest {
                    @org.junit.jupiter.api.Test
                    void passes() {
                    }
                }
                """);
        RealKit.write(tamper.resolve("lessons/" + RealKit.MODULE + "/pom.xml"), "<project>not the kit's</project>\n");
        RealKit.write(tamper.resolve("pom.xml"), "<project>not the kit's</project>\n");

        RealKit.write(batch.resolve("empty/README.md"), "nothing yet\n");
        RealKit.zip(batch.resolve("evil.zip"), Map.of("exercises/01-mapping/src/main/java/mmapkit/mapping/Pages.java", "class Pages {}\n",
                "exercises/../../escaped.txt", "gotcha\n"));

        kitBefore = KitFingerprint.of(kit);
        SubmissionGrader grader = new SubmissionGrader(kit, MODULE_TIMEOUT, TEST_TIMEOUT, HEAP, new HiddenTests(hidden), Sandbox.detect());
        outcome = new BatchGrader(kit, grader, 2).grade(batch, List.of(module), entry -> {
        });
        gradebook = temp.resolve("grades");
        Gradebook.write(outcome, List.of(RealKit.MODULE), Map.of(RealKit.MODULE, 105), gradebook, "log\n");
    }

    private BatchGrader.Entry entry(String learner) {
        return outcome.entries().stream().filter(entry -> entry.learner().equals(learner)).findFirst().orElseThrow();
    }

    private ModuleResult result(String learner) {
        BatchGrader.Entry entry = entry(learner);
        assertThat(entry.error()).as(learner + " was graded").isNull();
        assertThat(entry.trusted()).as(learner + ": the kit is unchanged").isTrue();
        assertThat(entry.modules()).hasSize(1);
        return entry.modules().getFirst();
    }

    private static Map<String, TaskResult.Status> statuses(ModuleResult result) {
        Map<String, TaskResult.Status> statuses = new LinkedHashMap<>();
        result.tasks().forEach(task -> statuses.put(task.id(), task.status()));
        return statuses;
    }

    private static TaskResult task(ModuleResult result, String id) {
        return result.tasks().stream().filter(task -> task.id().equals(id)).findFirst().orElseThrow();
    }

    @Test
    @Order(1)
    void theReferenceCodeEarnsEveryPointHiddenTaskIncluded() {
        ModuleResult full = result("full");
        assertThat(full.problem()).isNull();
        assertThat(full.earned()).isEqualTo(105);
        assertThat(full.possible()).isEqualTo(105);
        assertThat(full.tasks()).hasSize(10).allMatch(TaskResult::done);
        TaskResult hiddenTask = task(full, "01.H1");
        assertThat(hiddenTask.hidden()).isTrue();
        assertThat(hiddenTask.hint()).isEqualTo("hidden:01-mapping/hints/01.H1.adoc");
        assertThat(full.tasks().stream().filter(TaskResult::hidden)).hasSize(1);
        assertThat(task(full, "01.1").hint()).isEqualTo("lessons/01-mapping/hints/01.1.adoc");
    }

    @Test
    @Order(2)
    void aZipOfTheSameCodeGetsTheSameReport() throws IOException {
        assertThat(render("zipped")).isEqualTo(render("full"));
        assertThat(Files.readString(gradebook.resolve("zipped.json")).replace("\"learner\" : \"zipped\"", "\"learner\" : \"full\""))
                .isEqualTo(Files.readString(gradebook.resolve("full.json")));
    }

    @Test
    @Order(3)
    void untouchedStubsEarnNothingAndEditedOrDeletedTestsChangeNothing() {
        ModuleResult stubs = result("stubs");
        assertThat(stubs.problem()).isNull();
        assertThat(stubs.earned()).isZero();
        assertThat(stubs.tasks()).allMatch(task -> task.status() == TaskResult.Status.FAILED);
        assertThat(task(stubs, "01.1").firstFailure().message()).contains("TODO 01.1");
        assertThat(stubs.tests()).hasSize(61);
        assertThat(render("tamper-tests")).as("the submission's own tests and poms are ignored").isEqualTo(render("stubs"));
    }

    @Test
    @Order(4)
    void onlyTheSolvedTaskEarnsItsPoints() {
        ModuleResult partial = result("partial");
        assertThat(partial.earned()).isEqualTo(15);
        assertThat(statuses(partial)).containsEntry("01.1", TaskResult.Status.PASSED).containsEntry("01.H1", TaskResult.Status.PASSED)
                .containsEntry("01.2", TaskResult.Status.FAILED);
    }

    @Test
    @Order(5)
    void aCompileErrorEarnsNothingWithTheCompilersMessage() {
        ModuleResult broken = result("compile-error");
        assertThat(broken.problem().kind()).isEqualTo(Problem.Kind.COMPILE_ERROR);
        assertThat(broken.problem().message()).contains("exercises/01-mapping/src/main/java/mmapkit/mapping/Pages.java:")
                .contains("error: incompatible types: java.lang.String cannot be converted to int").doesNotContain(temp.toString());
        assertThat(broken.earned()).isZero();
        assertThat(broken.possible()).isEqualTo(105);
        assertThat(broken.tasks()).allMatch(task -> task.status() == TaskResult.Status.NOT_RUN);
    }

    @Test
    @Order(6)
    void systemExitIsFlaggedAndAcceptedAfterReviewFailsTheTestsItHappensIn() {
        ModuleResult flagged = result("exit");
        assertThat(flagged.problem().kind()).isEqualTo(Problem.Kind.FLAGGED);
        assertThat(flagged.problem().message()).contains("mmapkit.mapping.MappedFile.grow (line ").contains("ends the JVM (System.exit)");
        assertThat(flagged.earned()).isZero();

        SubmissionGrader reviewed = new SubmissionGrader(kit, MODULE_TIMEOUT, TEST_TIMEOUT, HEAP,
                new HiddenTests(hidden), Sandbox.detect(), true);
        ModuleResult exit = reviewed.grade(batch.resolve("exit"), List.of(module)).getFirst();
        assertThat(exit.problem()).isNull();
        assertThat(exit.earned()).as("all but 01.5 and 01.7, whose tests call grow()").isEqualTo(85);
        assertThat(statuses(exit)).containsEntry("01.7", TaskResult.Status.FAILED).containsEntry("01.5", TaskResult.Status.FAILED)
                .containsEntry("01.8", TaskResult.Status.PASSED).containsEntry("01.H1", TaskResult.Status.PASSED);
        TaskResult grow = task(exit, "01.7");
        assertThat(grow.failedTests()).isEqualTo(grow.tests().size()).isEqualTo(6);
        assertThat(grow.firstFailure().message())
                .startsWith("the test ended the grading JVM: it ended with status 3 (System.exit, Runtime.halt or a crash)")
                .endsWith("its last output:\ngrowing: giving up");
        assertThat(exit.tests()).as("every test graded once").hasSize(61);
    }

    @Test
    @Order(7)
    void memoryExhaustionFailsTheTestItHappensIn() {
        ModuleResult oom = result("oom");
        assertThat(oom.problem()).isNull();
        assertThat(oom.earned()).as("all but the tasks whose tests call force()").isEqualTo(70);
        assertThat(statuses(oom)).containsEntry("01.3", TaskResult.Status.FAILED).containsEntry("01.4", TaskResult.Status.FAILED)
                .containsEntry("01.5", TaskResult.Status.FAILED).containsEntry("01.6", TaskResult.Status.PASSED);
        assertThat(task(oom, "01.3").firstFailure().message()).startsWith(
                "the grading JVM ran out of memory in this test (java.lang.OutOfMemoryError: Java heap space, with a heap of 256m)");
        assertThat(task(oom, "01.3").failedTests()).isEqualTo(1);
    }

    @Test
    @Order(8)
    void endlessLoopsFailTheirTestsEvenWhenTheyIgnoreInterrupts() {
        ModuleResult loops = result("loops");
        assertThat(loops.problem()).isNull();
        assertThat(loops.earned()).isEqualTo(90);
        TaskResult windows = task(loops, "01.6");
        assertThat(windows.status()).isEqualTo(TaskResult.Status.FAILED);
        List<TestResult> failed = windows.tests().stream().filter(TestResult::failed).toList();
        assertThat(failed).extracting(TestResult::name)
                .containsExactlyInAnyOrder("windowsReadAndWriteAFileLargerThanTheBudget()", "movingAwayFromAWindowUnmapsIt()");
        assertThat(failed)
                .allSatisfy(test -> assertThat(test.message()).startsWith("timed out: ").contains("timed out after 8000 milliseconds"));
        assertThat(task(loops, "01.7").done()).as("the tests after a loop ran in a fresh JVM").isTrue();
    }

    @Test
    @Order(9)
    void missingWorkAndABadZipAreReportedNotGraded() {
        ModuleResult empty = result("empty");
        assertThat(empty.problem().kind()).isEqualTo(Problem.Kind.NOT_SUBMITTED);
        assertThat(empty.possible()).as("the hidden task counts for everyone").isEqualTo(105);
        assertThat(entry("evil").error())
                .contains("holds the entry 'exercises/../../escaped.txt', which points outside the folder it unpacks to");
        assertThat(batch.getParent().resolve("escaped.txt")).doesNotExist();
    }

    @Test
    @Order(10)
    void theGradebookHasARowPerLearnerAndTheKitIsUnchanged() throws IOException {
        String csv = Files.readString(gradebook.resolve("gradebook.csv"));
        List<String> rows = csv.lines().toList();
        assertThat(csv).endsWith("\r\n");
        assertThat(rows.subList(0, 2)).containsExactly("learner,01-mapping,total,status", "(possible points),105,105,");
        String unsandboxed = Sandbox.detect().isolated() ? "" : "; UNSANDBOXED";
        assertThat(rows.subList(2, rows.size())).hasSize(11).containsSubsequence(
                "compile-error,0,0,01-mapping compile error" + unsandboxed,
                "empty,0,0,01-mapping not submitted" + unsandboxed);
        String ok = Sandbox.detect().isolated() ? "ok" : "ok; UNSANDBOXED";
        String flagged = Sandbox.detect().isolated() ? "01-mapping flagged" : "01-mapping flagged; UNSANDBOXED";
        assertThat(rows).contains("exit,0,0," + flagged, "full,105,105," + ok, "loops,90,90," + ok, "oom,70,70," + ok,
                "partial,15,15," + ok, "stubs,0,0," + ok, "tamper-tests,0,0," + ok, "zipped,105,105," + ok);
        assertThat(rows.get(4)).startsWith("evil,0,0,\"not graded: the submission ").contains("evil.zip is refused: it holds the entry");
        assertThat(rows.subList(2, rows.size()).stream().map(row -> row.substring(0, row.indexOf(','))).toList()).isSorted();

        for (String learner : List.of("full", "stubs", "exit", "evil")) {
            assertThat(gradebook.resolve(learner + ".md")).content().startsWith("# Grades: " + learner + "\n");
            JsonNode json = new ObjectMapper().readTree(gradebook.resolve(learner + ".json").toFile());
            assertThat(json.path("learner").asText()).isEqualTo(learner);
            assertThat(json.path("trusted").asBoolean()).isTrue();
        }
        JsonNode exit = new ObjectMapper().readTree(gradebook.resolve("exit.json").toFile());
        assertThat(exit.path("modules").get(0).path("problem").path("kind").asText()).isEqualTo("FLAGGED");
        assertThat(exit.path("modules").get(0).path("taskResults").get(9).path("hidden").asBoolean()).isTrue();
        JsonNode oom = new ObjectMapper().readTree(gradebook.resolve("oom.json").toFile());
        JsonNode map = oom.path("modules").get(0).path("taskResults").get(2);
        assertThat(map.path("id").asText()).isEqualTo("01.3");
        assertThat(map.path("earned").asInt()).isZero();
        assertThat(map.path("firstFailure").asText()).contains(" > ").contains("ran out of memory in this test");
        assertThat(gradebook.resolve("full.md")).content().contains("| 01.H1 (hidden) | Round one byte up to a whole page | 5 / 5 |");
        assertThat(gradebook.resolve("batch-log.txt")).exists();

        assertThat(outcome.kitChanges()).isEmpty();
        assertThat(kitBefore.changesIn(KitFingerprint.of(kit))).as("the kit's files after the batch").isEmpty();
    }

    @Test
    @Order(11)
    void gradingTheSameSubmissionAgainGivesTheSameBytes() {
        SubmissionGrader grader = new SubmissionGrader(kit, MODULE_TIMEOUT, TEST_TIMEOUT, HEAP, new HiddenTests(hidden), Sandbox.detect());
        List<ModuleResult> again = grader.grade(batch.resolve("exit"), List.of(module));
        assertThat(JsonReport.render(new GradeReport("submission", again))).isEqualTo(render("exit"));
    }

    /** Code that writes to the kit it can find (its absolute path), and climbs out of its working folder. */
    private Path attacker() {
        Path attack = RealKit.submission(kit, temp.resolve("attack-" + System.nanoTime()), true);
        RealKit.edit(attack, "Pages.java", "public final class Pages {", """
                public final class Pages {
                    static {
                        java.nio.file.Path kit = java.nio.file.Path.of("%s");
                        try {
                            java.nio.file.Path test = kit.resolve("lessons/01-mapping/src/test/java/mmapkit/mapping")
                                    .resolve("PageArithmeticTest.java");
                            java.nio.file.Files.writeString(test, "package mmapkit.mapping;\\n"
                                    + "@mmapkit.course.Task(id = \\"01.1\\", points = 10, title = \\"x\\")\\n"
                                    + "class PageArithmeticTest {}\\n");
                            java.nio.file.Files.deleteIfExists(kit.resolve("lessons/01-mapping/hints/01.1.adoc"));
                        } catch (java.io.IOException | RuntimeException e) {
                            System.err.println("could not change the kit: " + e);
                        }
                        try {
                            java.nio.file.Path outside = java.nio.file.Path.of(System.getProperty("user.dir"), "../../escaped.txt");
                            java.nio.file.Files.writeString(outside, "x");
                        } catch (java.io.IOException | RuntimeException e) {
                            System.err.println("could not climb out: " + e);
                        }
                    }
                """.formatted(kit.toString().replace("\\", "\\\\")));
        return attack;
    }

    @Test
    @Order(12)
    void withoutASandboxAWriteToTheKitMakesTheResultUntrusted() throws IOException {
        Map<String, byte[]> saved = new TreeMap<>();
        List<String> changed = List.of("lessons/01-mapping/src/test/java/mmapkit/mapping/PageArithmeticTest.java",
                "lessons/01-mapping/hints/01.1.adoc");
        for (String file : changed) {
            saved.put(file, Files.readAllBytes(kit.resolve(file)));
        }
        try {
            SubmissionGrader grader = new SubmissionGrader(kit, MODULE_TIMEOUT, TEST_TIMEOUT, HEAP, null,
                    Sandbox.none("turned off for this test"));
            Path attack = attacker();
            assertThatThrownBy(() -> grader.grade(attack, List.of(module))).isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("the kit's files changed while the submission was graded, so its result cannot be trusted")
                    .hasMessageContaining("deleted: lessons/01-mapping/hints/01.1.adoc");
            for (Map.Entry<String, byte[]> file : saved.entrySet()) {
                Files.write(kit.resolve(file.getKey()), file.getValue());
            }
            SubmissionGrader.Result result = grader.gradeChecked(attack, List.of(module));
            assertThat(result.trusted()).isFalse();
            assertThat(result.kitChanges()).containsExactly("deleted: lessons/01-mapping/hints/01.1.adoc",
                    "changed: lessons/01-mapping/src/test/java/mmapkit/mapping/PageArithmeticTest.java");
        } finally {
            for (Map.Entry<String, byte[]> file : saved.entrySet()) {
                Files.write(kit.resolve(file.getKey()), file.getValue());
            }
        }
        assertThat(kitBefore.changesIn(KitFingerprint.of(kit))).isEmpty();
    }

    @Test
    @Order(13)
    void inTheSandboxTheKitIsReadOnlyForTheGradedCode() {
        assumeThat(Sandbox.detect().isolated()).as("this machine has bubblewrap and lets it make namespaces: "
                + Sandbox.detect().description()).isTrue();
        SubmissionGrader grader = new SubmissionGrader(kit, MODULE_TIMEOUT, TEST_TIMEOUT, HEAP, null, Sandbox.detect());
        SubmissionGrader.Result result = grader.gradeChecked(attacker(), List.of(module));
        assertThat(result.kitChanges()).isEmpty();
        assertThat(result.modules().getFirst().earned()).isEqualTo(100);
        assertThat(kitBefore.changesIn(KitFingerprint.of(kit))).isEmpty();
    }

    private String render(String learner) {
        return JsonReport.render(new GradeReport("submission", List.of(result(learner))));
    }
}
