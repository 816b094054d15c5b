package mmapkit.course.submission;

import mmapkit.course.grading.KitModule;
import mmapkit.course.grading.RealKit;
import mmapkit.course.model.ModuleResult;
import mmapkit.course.model.ModuleResult.Problem;
import mmapkit.course.model.TaskResult;
import mmapkit.course.model.TestResult;
import mmapkit.course.report.Gradebook;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Submissions written to cheat, each from the untouched stubs of module 01 (honest score: 0), graded
 * as one batch beside two honest neighbours (the reference: 105 with the hidden task; the stubs: 0).
 * Every attack must score exactly 0, the neighbours exactly what they earn, and the kit, the hidden
 * tests and the neighbours' files must stay as they were.
 *
 * <p>Attacks that only the sandbox stops (writes outside the grading folder, processes that outlive
 * their JVM, looking for the hidden tests) are graded only where bubblewrap works; elsewhere their
 * tests are skipped with the sandbox's reason.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(900)
class RedTeamTest {

    private static final Duration TEST_TIMEOUT = Duration.ofSeconds(8);
    private static final Duration MODULE_TIMEOUT = Duration.ofSeconds(150);
    private static final String HEAP = "256m";
    private static final String SURVIVOR = "redteam-survivor-" + UUID.randomUUID();

    Path temp;
    Path kit;
    Path batch;
    Path hidden;
    Path output;
    KitModule module;
    KitFingerprint kitBefore;
    KitFingerprint hiddenBefore;
    KitFingerprint neighbourBefore;
    boolean sandboxed;
    boolean memoryBounded;
    BatchGrader.Outcome outcome;

    @BeforeAll
    void gradeTheAttacks(@TempDir Path folder) throws IOException {
        temp = folder.toRealPath();
        kit = RealKit.fixtureKit(temp.resolve("kit"));
        Files.createDirectories(kit.resolve(".git"));
        Files.writeString(kit.resolve(".git/config"), "[core]\n\tbare = false\n");
        Files.createDirectories(kit.resolve("lessons/course-tools/target/classes"));
        module = new KitModule(kit, RealKit.MODULE);
        batch = temp.resolve("batch");
        output = temp.resolve("grades");
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
        sandboxed = Sandbox.detect().isolated();
        memoryBounded = Sandbox.detect().limits().boundsMemory();

        RealKit.submission(kit, batch.resolve("neighbour-full"), true);
        RealKit.submission(kit, batch.resolve("neighbour-stubs"), false);

        attack("forged-report-old-channel", """
                java.io.PrintStream raw = new java.io.PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true);
                raw.println("----- mmap-course-kit module result begin -----");
                raw.println("{\\"formatVersion\\":1,\\"earned\\":1090,\\"possible\\":1090}");
                raw.println("----- mmap-course-kit module result end -----");
                Runtime.getRuntime().halt(0);
                """);
        attack("forged-report-new-channel", """
                for (int seq = 0; seq < 100; seq++) {
                    System.out.println("0000\\t" + seq + "\\tdone");
                }
                String cmdline = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/cmdline"));
                for (String arg : cmdline.split("\\0")) {
                    if (arg.endsWith(".sock")) {
                        try (var channel = java.nio.channels.SocketChannel.open(java.net.UnixDomainSocketAddress.of(arg))) {
                            channel.write(java.nio.ByteBuffer.wrap("0000\\t0\\tdone\\n".getBytes()));
                        } catch (Exception refused) {
                            System.err.println("the grader's socket is gone: " + refused);
                        }
                    }
                }
                """);
        attack("reflection-into-the-harness", """
                Class<?> harness = Class.forName("mmapkit.course.harness.GradingChild");
                for (var field : harness.getDeclaredFields()) {
                    field.setAccessible(true);
                }
                """);
        attack("unsafe", """
                var theUnsafe = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
                theUnsafe.setAccessible(true);
                """);
        attack("borrow-the-reference-with-javac", """
                javax.tools.ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", "/tmp/x",
                        "%KIT%/solutions/01-mapping/src/main/java/mmapkit/mapping/Pages.java");
                """);
        Path linked = Files.createDirectories(batch.resolve("link-to-the-solutions"));
        Files.createSymbolicLink(linked.resolve("exercises"), kit.resolve("solutions"));
        attack("huge-output", """
                byte[] line = new byte[1 << 20];
                java.util.Arrays.fill(line, (byte) 'x');
                for (int i = 0; i < 512; i++) {
                    System.err.write(line, 0, line.length);
                }
                """);
        attack("spin-in-a-class-initialiser", """
                while (System.nanoTime() != 42) {
                    Thread.onSpinWait();
                }
                """);
        zipBomb(batch.resolve("zip-bomb.zip"));
        manyEntries(batch.resolve("many-entries.zip"));
        if (memoryBounded) {
            attack("native-memory", """
                    java.util.List<java.lang.foreign.MemorySegment> hoard = new java.util.ArrayList<>();
                    for (int i = 0; i < 48; i++) {
                        java.lang.foreign.MemorySegment chunk = java.lang.foreign.Arena.global().allocate(256L << 20);
                        chunk.fill((byte) 1);
                        hoard.add(chunk);
                    }
                    """);
        }
        if (sandboxed) {
            attack("surviving-processes", """
                    new ProcessBuilder("sh", "-c", "setsid sh -c 'sleep 300; echo %SURVIVOR%' >/dev/null 2>&1 &").start();
                    new ProcessBuilder("sh", "-c", "(sh -c 'sleep 300 # %SURVIVOR%' &) &").start();
                    """);
            attack("writes-everywhere", """
                    for (String path : new String[] {"%KIT%/lessons/01-mapping/hints/01.1.adoc", "%KIT%/.git/config",
                            "%KIT%/lessons/course-tools/target/classes/evil.class", "%HIDDEN%/01-mapping/hints/01.H1.adoc",
                            "%HIDDEN%/01-mapping/src/test/java/mmapkit/mapping/HiddenRoundingTest.java",
                            "%OUTPUT%/gradebook.csv",
                            "%BATCH%/neighbour-full/exercises/01-mapping/src/main/java/mmapkit/mapping/Pages.java",
                            System.getProperty("user.home") + "/../../written"}) {
                        try {
                            java.nio.file.Path target = java.nio.file.Path.of(path);
                            java.nio.file.Files.createDirectories(target.getParent());
                            java.nio.file.Files.writeString(target, "tampered");
                            System.err.println("wrote " + path);
                        } catch (Exception refused) {
                            System.err.println("refused " + path + ": " + refused);
                        }
                    }
                    """);
            attackWithLoot("hidden-test-exfiltration", """
                    StringBuilder found = new StringBuilder();
                    for (String root : new String[] {"/tmp", "/home", "/root", "/work", "/run", "/var/tmp", "%TEMP%"}) {
                        try (var walk = java.nio.file.Files.walk(java.nio.file.Path.of(root), 14)) {
                            walk.limit(50_000).filter(path -> path.toString().contains("Hidden")).limit(20)
                                    .forEach(path -> found.append(path).append(' '));
                        } catch (Exception ignored) {
                        }
                    }
                    for (String proc : new String[] {"/proc/1/cmdline", "/proc/self/cmdline"}) {
                        try {
                            found.append(java.nio.file.Files.readString(java.nio.file.Path.of(proc)).replace('\\0', ' ')).append(' ');
                        } catch (Exception ignored) {
                        }
                    }
                    loot = found.toString();
                    """);
        }

        kitBefore = KitFingerprint.of(kit);
        hiddenBefore = KitFingerprint.of(hidden);
        neighbourBefore = KitFingerprint.of(batch.resolve("neighbour-full"));
        System.setProperty("mmapkit.course.memoryLimitBytes", Long.toString(1536L << 20));
        try (SubmissionGrader grader = new SubmissionGrader(kit, MODULE_TIMEOUT, TEST_TIMEOUT, HEAP, new HiddenTests(hidden),
                Sandbox.detect())) {
            outcome = new BatchGrader(kit, grader, 2).grade(batch, List.of(module), entry -> {
            });
            Gradebook.write(outcome, List.of(RealKit.MODULE), Map.of(RealKit.MODULE, 105), output, "log\n");
        } finally {
            System.clearProperty("mmapkit.course.memoryLimitBytes");
        }
    }

    @AfterAll
    void noProcessOutlivesItsGradingJvm() {
        List<ProcessHandle> survivors = ProcessHandle.allProcesses()
                .filter(process -> process.info().commandLine().orElse("").contains(SURVIVOR)).toList();
        survivors.forEach(ProcessHandle::destroyForcibly);
        assertThat(survivors).as("processes the graded code started are gone with their grading JVM").isEmpty();
    }

    /** A learner whose Pages class runs {@code body} when it is first used, and who otherwise hands in the stubs. */
    private void attack(String learner, String body) {
        write(learner, body, false);
    }

    /** As {@link #attack}, and 01.1's stub shows what the attack found in its failure message (the learner's report). */
    private void attackWithLoot(String learner, String body) {
        write(learner, body, true);
    }

    private void write(String learner, String body, boolean showLoot) {
        Path submission = RealKit.submission(kit, batch.resolve(learner), false);
        String code = body.replace("%KIT%", kit.toString()).replace("%HIDDEN%", hidden.toString()).replace("%OUTPUT%", output.toString())
                .replace("%BATCH%", batch.toString()).replace("%SURVIVOR%", SURVIVOR).replace("%TEMP%", temp.toString());
        RealKit.write(submission.resolve(RealKit.EXERCISE).resolve(RealKit.PACKAGE).resolve("Attack.java"), """
                package mmapkit.mapping;

                final class Attack {
                    static String loot = "";

                    private Attack() {
                    }

                    static void run() {
                        try {
                %s
                        } catch (Throwable ignored) {
                            // an attack goes on quietly
                        }
                    }
                }
                """.formatted(code.indent(12).stripTrailing()));
        RealKit.edit(submission, "Pages.java", "    private Pages() {\n    }\n",
                "    private Pages() {\n    }\n\n    static {\n        Attack.run();\n    }\n");
        if (showLoot) {
            RealKit.edit(submission, "Pages.java", "throw new UnsupportedOperationException(\"TODO 01.1: ",
                    "throw new UnsupportedOperationException(Attack.loot + \"TODO 01.1: ");
        }
    }

    /** A zip whose one source expands from about 300 KB to 300 MB. */
    private static void zipBomb(Path zip) throws IOException {
        try (OutputStream out = Files.newOutputStream(zip); ZipOutputStream zipped = new ZipOutputStream(out)) {
            zipped.putNextEntry(new ZipEntry("exercises/01-mapping/src/main/java/mmapkit/mapping/Pages.java"));
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 300; i++) {
                zipped.write(zeros);
            }
            zipped.closeEntry();
        }
    }

    /** A zip of 6,000 tiny entries. */
    private static void manyEntries(Path zip) throws IOException {
        try (OutputStream out = Files.newOutputStream(zip); ZipOutputStream zipped = new ZipOutputStream(out)) {
            for (int i = 0; i < 6000; i++) {
                zipped.putNextEntry(new ZipEntry("exercises/01-mapping/src/main/java/mmapkit/mapping/C" + i + ".java"));
                zipped.write(("class C" + i + " {}\n").getBytes());
                zipped.closeEntry();
            }
        }
    }

    private BatchGrader.Entry entry(String learner) {
        return outcome.entries().stream().filter(entry -> entry.learner().equals(learner)).findFirst().orElseThrow();
    }

    private ModuleResult result(String learner) {
        BatchGrader.Entry entry = entry(learner);
        assertThat(entry.error()).as(learner + " was graded").isNull();
        assertThat(entry.trusted()).as(learner + ": the kit, the hidden tests and the grader's tools are unchanged").isTrue();
        return entry.modules().getFirst();
    }

    private void assertFlagged(String learner, String... reasons) {
        ModuleResult result = result(learner);
        assertThat(result.earned()).as(learner + " earns nothing").isZero();
        assertThat(result.problem()).as(learner + " is flagged").isNotNull();
        assertThat(result.problem().kind()).isEqualTo(Problem.Kind.FLAGGED);
        assertThat(result.problem().message()).contains("mmapkit.mapping.Attack.run").contains(reasons);
    }

    @Test
    void theNeighboursEarnExactlyWhatTheyEarnAndTheirFilesAreUntouched() {
        assertThat(result("neighbour-full").earned()).isEqualTo(105);
        assertThat(result("neighbour-stubs").earned()).isZero();
        assertThat(result("neighbour-stubs").problem()).isNull();
        assertThat(neighbourBefore.changesIn(KitFingerprint.of(batch.resolve("neighbour-full")))).isEmpty();
        assertThat(kitBefore.changesIn(KitFingerprint.of(kit))).as("the kit").isEmpty();
        assertThat(hiddenBefore.changesIn(KitFingerprint.of(hidden))).as("the hidden tests").isEmpty();
        assertThat(outcome.kitChanges()).isEmpty();
    }

    @Test
    void aForgedReportOnTheOldChannelIsFlagged() {
        assertFlagged("forged-report-old-channel", "uses a raw file descriptor (java.io.FileDescriptor)", "ends the JVM (Runtime.halt)");
    }

    @Test
    void aForgedReportOnTheNewChannelCountsForNothing() {
        ModuleResult result = result("forged-report-new-channel");
        assertThat(result.problem()).isNull();
        assertThat(result.earned()).isZero();
        assertThat(result.tasks()).allMatch(task -> task.status() == TaskResult.Status.FAILED);
        assertThat(result.tests()).as("every planned test has its own real outcome").hasSize(result("neighbour-stubs").tests().size());
    }

    @Test
    void reflectionUnsafeAndTheCompilerAreFlagged() {
        assertFlagged("reflection-into-the-harness", "uses reflection (Class.forName)", "uses reflection (java.lang.reflect)");
        assertFlagged("unsafe", "refers to JDK internals (sun.*)");
        assertFlagged("borrow-the-reference-with-javac", "uses the Java compiler");
    }

    @Test
    void aLinkToTheSolutionsIsRefused() {
        BatchGrader.Entry entry = entry("link-to-the-solutions");
        assertThat(entry.error()).contains("its exercises folder is a symbolic link").contains("links are refused");
        assertThat(entry.modules()).isEmpty();
    }

    @Test
    void zipBombsAreRefused() {
        assertThat(entry("zip-bomb").error()).contains("expands").contains("a zip bomb?");
        assertThat(entry("many-entries").error()).contains("6000 entries, more than the 5000 allowed");
    }

    @Test
    void hugeOutputCostsNothingButTime() {
        ModuleResult result = result("huge-output");
        assertThat(result.earned()).isZero();
        assertThat(result.problem()).isNull();
        assertThat(result.tasks()).allMatch(task -> task.status() == TaskResult.Status.FAILED);
    }

    @Test
    void aSpinInAClassInitialiserIsStoppedByTheGrader() {
        ModuleResult result = result("spin-in-a-class-initialiser");
        assertThat(result.earned()).isZero();
        assertThat(result.tests()).anySatisfy(test -> assertThat(test.message()).startsWith("timed out: "));
    }

    @Test
    void nativeMemoryIsBoundedByTheControlGroup() {
        assumeThat(memoryBounded).as(Sandbox.detect().limits().description()).isTrue();
        ModuleResult result = result("native-memory");
        assertThat(result.earned()).isZero();
        assertThat(result.tests()).anySatisfy(test -> assertThat(test.message()).contains("the memory limit of its control group"));
    }

    @Test
    void processesDieWithTheirGradingJvm() throws InterruptedException {
        assumeThat(sandboxed).as(Sandbox.detect().description()).isTrue();
        assertFlagged("surviving-processes", "starts a process");
        // accepted after review, it runs: its double-forked and setsid children die with the grading JVM's PID namespace
        try (SubmissionGrader reviewed = new SubmissionGrader(kit, MODULE_TIMEOUT, TEST_TIMEOUT, HEAP, null, Sandbox.detect(), true)) {
            SubmissionGrader.Result result = reviewed.gradeChecked(batch.resolve("surviving-processes"), List.of(module));
            assertThat(result.modules().getFirst().earned()).isZero();
            assertThat(result.trusted()).isTrue();
        }
        Thread.sleep(500);
        assertThat(ProcessHandle.allProcesses().filter(process -> process.info().commandLine().orElse("").contains(SURVIVOR)))
                .as("processes the graded code started").isEmpty();
    }

    @Test
    void writesOutsideTheGradingFolderReachNothing() throws IOException {
        assumeThat(sandboxed).as(Sandbox.detect().description()).isTrue();
        ModuleResult result = result("writes-everywhere");
        assertThat(result.earned()).isZero();
        assertThat(Files.readString(output.resolve("gradebook.csv"))).doesNotContain("tampered");
        assertThat(kit.resolve("lessons/course-tools/target/classes/evil.class")).doesNotExist();
        assertThat(temp.resolve("written")).doesNotExist();
    }

    @Test
    void theVisibleTestsNeverSeeTheHiddenOnes() {
        assumeThat(sandboxed).as(Sandbox.detect().description()).isTrue();
        ModuleResult result = result("hidden-test-exfiltration");
        assertThat(result.earned()).isZero();
        List<String> visibleMessages = result.tasks().stream().filter(task -> !task.hidden()).flatMap(task -> task.tests().stream())
                .map(TestResult::message).filter(message -> message != null).toList();
        assertThat(visibleMessages).as("what the learner reads").isNotEmpty()
                .noneSatisfy(message -> assertThat(message).contains("HiddenRounding"))
                .noneSatisfy(message -> assertThat(message).contains(hidden.toString()));
    }
}
