package mmapkit.course.cli;

import static org.assertj.core.api.Assertions.assertThat;

import mmapkit.course.grading.RealKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The {@code course} launcher: it says which JDK it uses and why, and works from any folder. */
class LauncherTest {

    @TempDir
    Path dir;

    private record Run(int status, String out, String err) {
    }

    private Run course(Path workingDirectory, Path script, Map<String, String> environment, String... args)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(new java.util.ArrayList<>(List.of("bash", script.toString())));
        builder.command().addAll(List.of(args));
        builder.directory(workingDirectory.toFile());
        // the JDK of this test first on PATH: the launcher must find a JDK 25 there
        builder.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":/usr/bin:/bin");
        builder.environment().remove("JAVA_HOME");
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().close();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the launcher ends within 60 s").isTrue();
        return new Run(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    /** A folder that looks like a JDK 17 home: release file, bin/java and bin/javac. */
    private Path oldJdk() throws IOException {
        Path home = dir.resolve("jdk-17");
        Files.createDirectories(home.resolve("bin"));
        Files.writeString(home.resolve("release"), "JAVA_VERSION=\"17.0.12\"\n");
        for (String tool : List.of("java", "javac")) {
            Path file = Files.writeString(home.resolve("bin").resolve(tool), "#!/bin/sh\nexit 1\n");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return home;
    }

    @Test
    void aJavaHomeThatIsTooOldIsReportedWithTheJdkUsedAndWhy() throws Exception {
        Path kit = RealKit.root();
        Path old = oldJdk();
        Run run = course(kit, kit.resolve("course"), Map.of("JAVA_HOME", old.toString()), "--jdk");
        assertThat(run.status()).isZero();
        assertThat(run.err()).startsWith("course: JAVA_HOME is " + old + ", a JDK 17, older than the 25 the kit needs;"
                + " using the JDK ").contains("(found as the java on PATH)");
        assertThat(run.out()).startsWith("kit: " + kit + "\nJDK ");
    }

    @Test
    void itRunsFromASubfolderAndThroughALinkOnThePath() throws Exception {
        Path kit = RealKit.root();
        Run fromSubfolder = course(kit.resolve("lessons/01-mapping"), Path.of("../../course"), Map.of(), "--jdk");
        assertThat(fromSubfolder.status()).isZero();
        assertThat(fromSubfolder.out()).startsWith("kit: " + kit + "\n");
        assertThat(fromSubfolder.err()).isEmpty();

        Path link = Files.createSymbolicLink(dir.resolve("course"), kit.resolve("course"));
        Run throughLink = course(dir, link, Map.of(), "--jdk");
        assertThat(throughLink.status()).isZero();
        assertThat(throughLink.out()).startsWith("kit: " + kit + "\n");
    }
}
