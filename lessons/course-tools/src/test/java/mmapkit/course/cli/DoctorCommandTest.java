package mmapkit.course.cli;

import static org.assertj.core.api.Assertions.assertThat;

import mmapkit.course.grading.KitModule;
import mmapkit.course.grading.RealKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

class DoctorCommandTest {

    @TempDir
    Path kit;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return CourseCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    /** A copy of the real kit's reference code and graded tests (so the compile cache is the copy's own). */
    private Path copyOfTheKit() {
        Path real = RealKit.root();
        for (KitModule module : KitModule.all(real)) {
            copy(real.resolve("lessons/" + module.folder() + "/src/test"), kit.resolve("lessons/" + module.folder() + "/src/test"));
            copy(real.resolve("solutions/" + module.folder() + "/src/main"), kit.resolve("solutions/" + module.folder() + "/src/main"));
        }
        copy(real.resolve("pom.xml"), kit.resolve("pom.xml"));
        return kit;
    }

    @Test
    void doctorPrintsTheMachineEveryProbeAndTheTestsThatDependOnIt() throws IOException {
        Path copy = copyOfTheKit();
        int status = run("--kit", copy.toString(), "doctor");
        assertThat(status).as("doctor's exit status; it printed:%n%s%n%s", out, err).isZero();
        String report = out.toString();
        assertThat(report).contains("Kernel       Linux " + System.getProperty("os.version"))
                .contains("Architecture " + System.getProperty("os.arch"))
                .contains("JDK          " + Runtime.version())
                .containsPattern("Page size    \\d+ bytes");
        for (String probe : List.of("01 architecture: ", "01 page size: ", "02 zero page on read faults: ",
                "02 transparent huge pages: ", "02 large folios for unadvised anonymous memory: ",
                "02 MADV_POPULATE_READ/WRITE: ", "02 fault-around: ", "03 cachestat: ", "03 soft-dirty bits: ",
                "06 read-only shared map of a write-sealed memfd: ", "06 hugetlb pages free: ", "06 map_files openable: ")) {
            assertThat(report).as("the report names the probe '%s' with its answer", probe).contains("  " + probe);
        }
        assertThat(report).as("the tests that depend on a probe, directly or through a helper of their module")
                .contains("06.1 ZeroAndAnonymousMemoryTest (adapts)")
                .contains("02.1 FaultCountsTest (adapts)")
                .contains("02.4 AdviseAndPopulateTest (may skip)")
                .contains("04.2 MsyncTest (may skip)")
                .contains("05.4 FutexMutexTest (adapts)");
        assertThat(report).containsAnyOf("behaves as the book's build machine", "Where this machine differs: ");
    }

    @Test
    void aKitWithoutTheProbeReportIsToldSo() {
        Path fixture = RealKit.fixtureKit(kit); // module 01 only: no WhatThisKernelDoes
        assertThat(run("--kit", fixture.toString(), "doctor")).isEqualTo(2);
        assertThat(err.toString()).startsWith("course: no module of this kit has the probe report WhatThisKernelDoes");
        assertThat(run("--kit", fixture.toString(), "doctor", "--timeout", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("--timeout 0 must be a positive number of seconds");
    }

    @Test
    void testsThatAskAProbeThroughAHelperOfTheirModuleDependOnIt() throws IOException {
        Path tests = kit.resolve("lessons/02-lazy-faulting/src/test/java/mmapkit/faults");
        Files.createDirectories(tests);
        Files.writeString(tests.resolve("Kernel.java"), """
                final class Kernel {
                    static void onePagePerFault(MemorySegment segment) {
                        FaultProbes.onePagePerAnonymousFault(segment.address(), segment.byteSize());
                    }

                    static long read(MemorySegment segment) {
                        return 0;
                    }
                }
                """);
        Files.writeString(tests.resolve("CountTest.java"), """
                @Task(id = "02.1", points = 15, title = "Count")
                class CountTest {
                    void counts() {
                        Kernel.onePagePerFault(segment);
                    }
                }
                """);
        Files.writeString(tests.resolve("PopulateTest.java"), """
                @Task(id = "02.4", points = 10, title = "Populate")
                class PopulateTest {
                    void populates() {
                        assumeTrue(FaultProbes.populateAdvice().holds(), FaultProbes.populateAdvice().reason());
                        Kernel.read(segment);
                    }
                }
                """);
        DoctorCommand.ProbeLine folios = DoctorCommand.ProbeLine.parse("02\tFaultProbes.anonymousFolioSizes,"
                + "FaultProbes.onePagePerAnonymousFault\tlarge folios\t[]\tusual\tone page per fault");
        DoctorCommand.ProbeLine populate = DoctorCommand.ProbeLine.parse("02\tFaultProbes.populateAdvice\tpopulate\tfalse"
                + "\tdiffers\tno MADV_POPULATE_READ before 5.14");
        Map<DoctorCommand.ProbeLine, Set<DoctorCommand.Dependent>> found =
                DoctorCommand.dependents(KitModule.all(kit), List.of(folios, populate));
        assertThat(found.get(folios)).containsExactly(new DoctorCommand.Dependent("02.1", "CountTest", false));
        assertThat(found.get(populate)).containsExactly(new DoctorCommand.Dependent("02.4", "PopulateTest", true));
        assertThat(populate.usual()).isFalse();
        assertThat(DoctorCommand.helperMethodsCalling(Files.readString(tests.resolve("Kernel.java")),
                "FaultProbes.onePagePerAnonymousFault")).containsExactly("onePagePerFault");
    }

    private static void copy(Path from, Path to) {
        try {
            if (Files.isRegularFile(from)) {
                Files.createDirectories(to.getParent());
                Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
                return;
            }
            if (!Files.isDirectory(from)) {
                return;
            }
            try (Stream<Path> walk = Files.walk(from)) {
                for (Path source : walk.toList()) {
                    Path target = to.resolve(from.relativize(source).toString());
                    if (Files.isDirectory(source)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
