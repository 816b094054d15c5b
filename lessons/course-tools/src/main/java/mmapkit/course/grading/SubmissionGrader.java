package mmapkit.course.grading;

import mmapkit.course.grading.ModuleResult.Problem;
import mmapkit.course.report.JsonReport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Grades a learner's submission (a folder, a git working copy or a zip) against the graded tests
 * of the instructor's kit.
 *
 * <p>Only the learner's exercise sources, {@code exercises/NN-name/src/main/java}, are taken
 * from the submission. For each module a staged copy of the kit is made in a temporary folder:
 * the module's graded tests and hints and the reference code of earlier modules from the
 * instructor's kit, the exercise sources from the submission. A child JVM
 * ({@link ModuleGradingJvm}, same {@code java} and class path as this one, a fixed heap, a fresh
 * working directory) grades it and reports the result as JSON. When it does not report within
 * the module timeout it is destroyed and the module earns 0, as it does when the child ends
 * before reporting ({@code System.exit}, a crash). The temporary folder is deleted afterwards.
 */
public final class SubmissionGrader {

    /** What reports call the code under test. */
    public static final String TARGET = "submission";

    /** How long grading one module may take before its JVM is stopped. */
    public static final Duration DEFAULT_MODULE_TIMEOUT = Duration.ofSeconds(600);

    /** The heap of a grading JVM: memory exhaustion stays in it. */
    public static final String DEFAULT_MAX_HEAP = "1g";

    private static final int STDERR_LINES_SHOWN = 15;

    private final Path kitRoot;
    private final Duration moduleTimeout;
    private final Duration testTimeout;
    private final String maxHeap;

    public SubmissionGrader(Path kitRoot, Duration moduleTimeout, Duration testTimeout) {
        this(kitRoot, moduleTimeout, testTimeout, DEFAULT_MAX_HEAP);
    }

    /** @param maxHeap the {@code -Xmx} of each grading JVM, such as {@code 1g} */
    public SubmissionGrader(Path kitRoot, Duration moduleTimeout, Duration testTimeout, String maxHeap) {
        this.kitRoot = kitRoot.toAbsolutePath().normalize();
        this.moduleTimeout = moduleTimeout;
        this.testTimeout = testTimeout;
        this.maxHeap = maxHeap;
    }

    /**
     * Grades these modules (of the instructor's kit) of one submission, in order.
     *
     * @throws IllegalArgumentException when the submission does not exist, is neither folder nor zip,
     *                                  or is a zip with an entry outside its folder
     */
    public List<ModuleResult> grade(Path submission, List<KitModule> modules) {
        if (!Files.exists(submission)) {
            throw new IllegalArgumentException("the submission " + submission + " does not exist");
        }
        Path scratch = createTemp("mmap-course-submission-");
        try {
            Path sources;
            if (Files.isDirectory(submission)) {
                sources = submission.toAbsolutePath().normalize();
            } else if (submission.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".zip")) {
                sources = rootOf(unzip(submission, scratch.resolve("unzipped")));
            } else {
                throw new IllegalArgumentException("the submission " + submission + " is neither a folder nor a .zip");
            }
            List<ModuleResult> results = new ArrayList<>();
            for (KitModule module : modules) {
                results.add(gradeModule(sources, module, scratch.resolve(module.folder())));
            }
            return results;
        } finally {
            deleteTree(scratch);
        }
    }

    private ModuleResult gradeModule(Path submission, KitModule module, Path scratch) {
        String exercise = "exercises/" + module.folder() + "/src/main/java";
        Path submitted = submission.resolve(exercise);
        if (!Files.isDirectory(submitted, LinkOption.NOFOLLOW_LINKS)) {
            return Grader.notGraded(module, TARGET, Problem.Kind.NOT_SUBMITTED, "the submission has no " + exercise);
        }
        Path kit = scratch.resolve("kit");
        Path work = scratch.resolve("work");
        try {
            stage(module, submitted, kit);
            Files.createDirectories(work.resolve("tmp"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stage module " + module + " of the submission in " + scratch, e);
        }
        return runChild(module, kit, scratch.resolve("cache"), work);
    }

    /** A kit of this module alone: its tests and hints, earlier modules' reference code, the submitted exercise. */
    private void stage(KitModule module, Path submitted, Path kit) throws IOException {
        for (KitModule other : KitModule.all(kitRoot)) {
            Files.createDirectories(kit.resolve("lessons").resolve(other.folder()));
            if (other.folder().compareTo(module.folder()) < 0) {
                copyTree(kitRoot.resolve("solutions").resolve(other.folder()).resolve("src/main"),
                        kit.resolve("solutions").resolve(other.folder()).resolve("src/main"));
            }
        }
        Path lesson = kitRoot.resolve("lessons").resolve(module.folder());
        copyTree(lesson.resolve("src/test"), kit.resolve("lessons").resolve(module.folder()).resolve("src/test"));
        copyTree(lesson.resolve("hints"), kit.resolve("lessons").resolve(module.folder()).resolve("hints"));
        Path exercise = kit.resolve("exercises").resolve(module.folder()).resolve("src/main");
        copyTree(submitted, exercise.resolve("java"));
        copyTree(kitRoot.resolve("exercises").resolve(module.folder()).resolve("src/main/resources"), exercise.resolve("resources"));
    }

    private ModuleResult runChild(KitModule module, Path kit, Path cache, Path work) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + maxHeap,
                "-XX:+UseSerialGC",
                "--enable-native-access=ALL-UNNAMED",
                "-Djava.io.tmpdir=" + work.resolve("tmp"),
                "-cp", System.getProperty("java.class.path"),
                ModuleGradingJvm.class.getName(),
                kit.toString(), module.folder(), cache.toString(), Long.toString(testTimeout.toMillis())));
        Path stdout = work.getParent().resolve("stdout.txt");
        Path stderr = work.getParent().resolve("stderr.txt");
        ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile())
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile());
        Process process = null;
        try {
            process = builder.start();
            process.getOutputStream().close();
            if (!process.waitFor(moduleTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                destroy(process);
                return Grader.notGraded(module, TARGET, Problem.Kind.TIMED_OUT, "timed out: grading module " + module
                        + " took longer than " + seconds(moduleTimeout) + " (an endless loop, or a wait that is never woken?); its JVM was stopped");
            }
            String out = Files.readString(stdout, StandardCharsets.UTF_8);
            int begin = out.lastIndexOf(ModuleGradingJvm.BEGIN);
            int end = begin < 0 ? -1 : out.indexOf(ModuleGradingJvm.END, begin);
            if (process.exitValue() != 0 || begin < 0 || end < 0) {
                return Grader.notGraded(module, TARGET, Problem.Kind.GRADING_JVM_FAILED, "the grading JVM ended with status "
                        + process.exitValue() + " before reporting (does the code call System.exit, or exhaust memory?)"
                        + tail(stderr));
            }
            List<ModuleResult> reported = JsonReport.parse(out.substring(begin + ModuleGradingJvm.BEGIN.length(), end)).modules();
            if (reported.size() != 1 || !reported.getFirst().module().equals(module.folder())) {
                throw new IllegalStateException("the grading JVM of module " + module + " reported " + reported.size() + " modules");
            }
            return reported.getFirst();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run the grading JVM of module " + module, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while grading module " + module, e);
        } finally {
            if (process != null) {
                destroy(process);
            }
        }
    }

    private static void destroy(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String seconds(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }

    /** The last lines the grading JVM wrote to its standard error, if any. */
    private static String tail(Path stderr) {
        try {
            List<String> lines = Files.readAllLines(stderr, StandardCharsets.UTF_8);
            if (lines.isEmpty()) {
                return "";
            }
            List<String> last = lines.subList(Math.max(0, lines.size() - STDERR_LINES_SHOWN), lines.size());
            return "\nits last output:\n" + String.join("\n", last);
        } catch (IOException | UncheckedIOException e) {
            return "";
        }
    }

    /**
     * Unpacks a zip into {@code into}, refusing any entry that is absolute or climbs out of it ({@code ../}).
     *
     * @throws IllegalArgumentException naming the entry, before anything is written outside
     */
    static Path unzip(Path zip, Path into) {
        Path target = into.toAbsolutePath().normalize();
        try (ZipFile file = new ZipFile(zip.toFile())) {
            Enumeration<? extends ZipEntry> entries = file.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                String name = entry.getName().replace('\\', '/');
                Path resolved = target.resolve(name).normalize();
                boolean climbs = Stream.of(name.split("/")).anyMatch(".."::equals);
                if (name.startsWith("/") || name.matches("^[A-Za-z]:.*") || climbs || !resolved.startsWith(target)) {
                    throw new IllegalArgumentException("the zip " + zip + " holds the entry '" + entry.getName()
                            + "', which points outside the folder it unpacks to: refusing to unpack it");
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(resolved);
                } else {
                    Files.createDirectories(resolved.getParent());
                    try (InputStream in = file.getInputStream(entry)) {
                        Files.copy(in, resolved, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            Files.createDirectories(target);
            return target;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot unpack the zip " + zip + ": " + e.getMessage(), e);
        }
    }

    /** The folder that holds {@code exercises/}: the unpacked root, or its only folder (a zip of the repository's folder). */
    private static Path rootOf(Path unpacked) {
        if (Files.isDirectory(unpacked.resolve("exercises"))) {
            return unpacked;
        }
        try (Stream<Path> children = Files.list(unpacked)) {
            List<Path> folders = children.filter(Files::isDirectory).toList();
            return folders.size() == 1 && Files.isDirectory(folders.getFirst().resolve("exercises")) ? folders.getFirst() : unpacked;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies the regular files under {@code from} (if it exists); symbolic links are left out. */
    private static void copyTree(Path from, Path to) throws IOException {
        if (!Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : paths.toList()) {
                Path copy = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(copy);
                } else if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(copy.getParent());
                    Files.copy(path, copy, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static Path createTemp(String prefix) {
        try {
            return Files.createTempDirectory(prefix).toAbsolutePath().normalize();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary folder", e);
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException ignored) {
                    // a file a killed JVM still held open; the temporary folder is the system's to clean
                }
            });
        } catch (IOException | UncheckedIOException ignored) {
            // as above
        }
    }
}
