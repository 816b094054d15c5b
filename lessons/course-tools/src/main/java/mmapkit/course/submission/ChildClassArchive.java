package mmapkit.course.submission;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A class-data sharing archive (CDS) for the grading JVMs of a check of one's own code: the classes
 * they load from the JDK and from the tools' jars (JUnit, AssertJ ...), some 3000, parsed and verified
 * once, so that a grading JVM maps them instead of loading them, a few tenths of a second sooner.
 * The kit's own classes (in folders) stay out of it: they are loaded as usual, after the archived ones.
 *
 * <p>A first check's grading JVM writes the list of classes it loads; the next check makes the archive
 * from that list in a JVM of its own ({@code java -Xshare:dump}), beside its tests, and waits for it
 * (bounded) before it returns; the checks after it use the archive. It is kept in the compile cache,
 * named by the JDK and the tools' class path (their jars' sizes and times included): another JDK or
 * other tools make another archive. A missing, stale or damaged archive only means a grading JVM
 * starts without it ({@code -Xshare:auto}, silently); one that cannot be made is not tried again.
 */
final class ChildClassArchive {

    /** How long making the archive may take; after that it is stopped, and not tried again. */
    static final Duration MAKING_TIMEOUT = Duration.ofSeconds(60);

    /** Keeps the JVM's messages about the archive (a stale one, say) out of a grading JVM's output. */
    private static final List<String> QUIET = List.of("-Xlog:cds*=off", "-Xlog:aot*=off");

    private final GradingTools tools;
    private final Path archive;
    private final Path classList;
    private final Path failed;

    private ChildClassArchive(GradingTools tools, Path folder, String key) {
        this.tools = tools;
        this.archive = folder.resolve(key + ".jsa");
        this.classList = folder.resolve(key + ".classlist");
        this.failed = folder.resolve(key + ".failed");
    }

    /** The archive, kept in {@code folder}, of grading JVMs that run with {@code tools}. */
    static ChildClassArchive of(Path folder, GradingTools tools) {
        return new ChildClassArchive(tools, folder, key(tools));
    }

    /** SHA-256 of the JDK and of the tools' module and class path, with each entry's size and time. */
    static String key(GradingTools tools) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            List<String> parts = new ArrayList<>(List.of(System.getProperty("java.home"),
                    System.getProperty("java.vm.version"), tools.modulePathText(), tools.testLibraries()));
            List<Path> entries = new ArrayList<>(tools.modulePath());
            entries.addAll(tools.libraries());
            for (Path entry : entries) {
                File file = entry.toFile();
                parts.add(entry + " " + file.length() + " " + file.lastModified());
            }
            digest.update(String.join("\n", parts).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest.digest(), 0, 20);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java runtime has no SHA-256", e);
        }
    }

    /**
     * The options of a grading JVM: map the archive when there is one; else write the list of classes
     * it loads, when no list is waiting to be made into an archive.
     */
    List<String> jvmOptions() {
        List<String> options = new ArrayList<>(QUIET);
        if (Files.isRegularFile(archive)) {
            options.add("-XX:SharedArchiveFile=" + archive);
        } else if (!Files.exists(classList) && !Files.exists(failed) && createFolder()) {
            options.add("-XX:DumpLoadedClassList=" + classList);
        }
        return options;
    }

    /** Starts making the archive when an earlier check left its list of classes and there is none yet. */
    Optional<Making> startMaking() {
        if (Files.exists(archive) || Files.exists(failed) || !Files.isRegularFile(classList)) {
            return Optional.empty();
        }
        try {
            Path partial = Files.createTempFile(archive.getParent(), archive.getFileName().toString(), ".partial");
            Path list = Files.createTempFile(archive.getParent(), classList.getFileName().toString(), ".partial");
            Files.writeString(list, wholeLines(Files.readString(classList, StandardCharsets.UTF_8)));
            List<String> command = new ArrayList<>(List.of(tools.java().toString(), "-Xshare:dump",
                    "-XX:SharedClassListFile=" + list, "-XX:SharedArchiveFile=" + partial, "-XX:+UseSerialGC"));
            command.addAll(QUIET);
            command.addAll(List.of("--enable-native-access=ALL-UNNAMED", "--module-path", tools.modulePathText(),
                    "--add-modules", "ALL-MODULE-PATH", "-cp", tools.testLibraries()));
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            process.getOutputStream().close();
            return Optional.of(new Making(process, partial, list));
        } catch (IOException | RuntimeException e) {
            markFailed();
            return Optional.empty();
        }
    }

    /** Waits (bounded) for the archive being made and keeps it, or stops that JVM and never tries again. */
    void finish(Making making) {
        try {
            boolean ended = making.process().waitFor(MAKING_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (ended && making.process().exitValue() == 0 && Files.size(making.partial()) > 0) {
                Files.move(making.partial(), archive, StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } else {
                markFailed();
            }
        } catch (IOException | RuntimeException e) {
            markFailed();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            making.process().destroyForcibly();
            deleteQuietly(making.partial());
            deleteQuietly(making.list());
            deleteQuietly(classList);
        }
    }

    /** A JVM making the archive, into {@code partial}, from the list of classes in {@code list}. */
    record Making(Process process, Path partial, Path list) {
    }

    /** The list without a last line the grading JVM may have left unfinished when it ended. */
    private static String wholeLines(String text) {
        int end = text.lastIndexOf('\n');
        return end < 0 ? "" : text.substring(0, end + 1);
    }

    private boolean createFolder() {
        try {
            Files.createDirectories(archive.getParent());
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void markFailed() {
        try {
            Files.writeString(failed, "the class-data sharing archive could not be made; delete this file to try"
                    + " again\n");
        } catch (IOException ignored) {
            // then it is tried again next time
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a leftover in the cache folder, harmless
        }
    }
}
