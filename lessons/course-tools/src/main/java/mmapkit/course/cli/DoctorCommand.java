package mmapkit.course.cli;

import mmapkit.course.grading.Grader;
import mmapkit.course.grading.HostClassPath;
import mmapkit.course.grading.KitModule;
import mmapkit.course.model.Target;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code ./course doctor}: what this machine's kernel does where kernels differ, and what that
 * means for the graded tests.
 *
 * <p>It prints the kernel release, the architecture, the page size and the JDK in use; then every
 * probe of the kit's catalogue with its answer in plain words; then, per probe, the graded tests
 * that depend on it and whether they adapt or skip here. The probes are the toolkit's own code
 * (the experiment {@value #REPORT} of the last module), so they run in a child JVM on the class path
 * of the reference solutions, compiled from source as {@code ./course run --solutions} does; the
 * tests that depend on a probe are found in the graded tests' sources by the calls that ask it.
 *
 * <p>Exit status: 0 when the report was made, 1 when the probes could not run (the reason is printed).
 */
@Command(name = "doctor", description = "What this machine's kernel does where kernels differ: kernel, architecture, page"
        + " size, JDK, every kernel probe of the kit in plain words, and the graded tests that adapt or skip here.")
final class DoctorCommand implements Callable<Integer> {

    /** The simple name of the toolkit's probe report (a main in an experiments package). */
    static final String REPORT = "WhatThisKernelDoes";

    private static final Pattern TASK = Pattern.compile("@Task\\(\\s*id\\s*=\\s*\"([^\"]+)\"");
    /** A method declaration line: the name before its parameters, ending in an opening brace. */
    private static final Pattern METHOD = Pattern.compile("^\\s+[\\w<>\\[\\], ?]*?\\b(\\w+)\\s*\\([^;]*\\)\\s*(throws [\\w., ]+)?\\{\\s*$");

    @ParentCommand
    CourseCli cli;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "120",
            description = "stop the probes after this long (default: ${DEFAULT-VALUE})")
    long timeoutSeconds;

    /** One line of the probe report. */
    record ProbeLine(String module, List<String> calls, String name, String value, boolean usual, String reason) {

        static ProbeLine parse(String line) {
            String[] fields = line.split("\t", -1);
            if (fields.length != 6) {
                throw new IllegalStateException("the probe report printed '" + line + "': expected 6 tab-separated fields");
            }
            return new ProbeLine(fields[0], List.of(fields[1].split(",")), fields[2], fields[3], fields[4].equals("usual"),
                    fields[5]);
        }
    }

    /** A graded test class that depends on a probe: its task, its name, and whether it skips or adapts. */
    record Dependent(String task, String testClass, boolean skips) {

        @Override
        public String toString() {
            return task + " " + testClass + (skips ? " (may skip)" : " (adapts)");
        }
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = cli.spec.commandLine().getOut();
        if (timeoutSeconds <= 0) {
            throw new IllegalArgumentException("--timeout " + timeoutSeconds + " must be a positive number of seconds");
        }
        Path root = cli.root();
        List<KitModule> modules = KitModule.all(root);
        KitModule owner = modules.stream().filter(module -> report(module) != null).reduce((first, second) -> second)
                .orElseThrow(() -> new IllegalStateException("no module of this kit has the probe report " + REPORT
                        + " in solutions/NN/src/main/java/**/experiments"));
        out.println("Kernel       " + System.getProperty("os.name") + " " + System.getProperty("os.version"));
        out.println("Architecture " + System.getProperty("os.arch"));
        out.println("JDK          " + Runtime.version() + " (" + System.getProperty("java.vendor") + ") in "
                + System.getProperty("java.home"));
        out.flush();
        List<String> lines;
        try {
            lines = runReport(owner);
        } catch (IllegalStateException e) {
            out.println();
            out.println("The probes could not run: " + e.getMessage());
            return 1;
        }
        List<ProbeLine> probes = lines.stream().map(ProbeLine::parse).toList();
        probes.stream().filter(probe -> probe.name().equals("page size")).findFirst()
                .ifPresent(probe -> out.println("Page size    " + probe.value() + " bytes"));
        out.println();
        out.println("Kernel probes (" + owner.relative(reportFile(owner)) + "), by the module that owns them:");
        Map<ProbeLine, Set<Dependent>> dependents = dependents(modules, probes);
        for (ProbeLine probe : probes) {
            out.println();
            out.println("  " + probe.module() + " " + probe.name() + ": " + probe.value()
                    + (probe.usual() ? "" : "   <- differs from the usual case"));
            out.println("       " + probe.reason());
            Set<Dependent> tests = dependents.get(probe);
            if (tests.isEmpty()) {
                out.println("       graded tests: none depends on it");
            } else {
                out.println("       graded tests that depend on it: "
                        + String.join(", ", tests.stream().map(Dependent::toString).toList()));
                out.println("       here: " + (probe.usual()
                        ? "the usual case, so they run as written"
                        : "not the usual case, so they adapt their expectation to this answer, or skip with the reason above"));
            }
        }
        List<ProbeLine> differing = probes.stream().filter(probe -> !probe.usual()).toList();
        out.println();
        out.println(differing.isEmpty() ? "This machine behaves as the book's build machine in every probed respect."
                : "Where this machine differs: " + String.join(", ", differing.stream().map(ProbeLine::name).toList())
                        + ". A correct solution still earns full points; the book's outputs may differ there.");
        return 0;
    }

    /** Runs the probe report of {@code owner}'s reference code in a JVM of its own and returns its lines. */
    private List<String> runReport(KitModule owner) throws IOException, InterruptedException {
        List<String> classPath = new ArrayList<>(cli.grader(Grader.DEFAULT_TEST_TIMEOUT).classPath(owner, Target.SOLUTIONS)
                .stream().map(Path::toString).toList());
        classPath.addAll(HostClassPath.libraries());
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", String.join(File.pathSeparator, classPath), report(owner), "--tsv");
        Process process = new ProcessBuilder(command).start();
        CompletableFuture<String> stdout = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
        CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
        try {
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                throw new IllegalStateException(report(owner) + " did not end within " + timeoutSeconds + " s (--timeout)");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(report(owner) + " ended with status " + process.exitValue() + ":\n"
                        + stderr.join().strip());
            }
            return stdout.join().lines().filter(line -> !line.isBlank()).toList();
        } finally {
            process.destroyForcibly();
        }
    }

    private static String readAll(java.io.InputStream stream) {
        try {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The class name of the probe report in {@code module}'s reference code, or null when it has none. */
    private static String report(KitModule module) {
        Path file = reportFile(module);
        if (file == null) {
            return null;
        }
        String relative = module.toolkitSources(Target.SOLUTIONS).relativize(file).toString();
        return relative.substring(0, relative.length() - ".java".length()).replace(File.separatorChar, '.');
    }

    private static Path reportFile(KitModule module) {
        Path sources = module.toolkitSources(Target.SOLUTIONS);
        if (!Files.isDirectory(sources)) {
            return null;
        }
        try (Stream<Path> walk = Files.walk(sources)) {
            return walk.filter(path -> path.getFileName().toString().equals(REPORT + ".java")
                    && path.getParent().getFileName().toString().equals("experiments")).findFirst().orElse(null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + sources, e);
        }
    }

    /**
     * Per probe, the graded test classes that ask it: directly, or through a helper class of their
     * module (a test source without {@code @Task}) whose method asks it.
     */
    static Map<ProbeLine, Set<Dependent>> dependents(List<KitModule> modules, List<ProbeLine> probes) throws IOException {
        Map<ProbeLine, Set<Dependent>> result = new LinkedHashMap<>();
        probes.forEach(probe -> result.put(probe, new LinkedHashSet<>()));
        for (KitModule module : modules) {
            Map<Path, String> sources = new LinkedHashMap<>();
            if (!Files.isDirectory(module.gradedTestSources())) {
                continue;
            }
            try (Stream<Path> walk = Files.walk(module.gradedTestSources())) {
                for (Path file : walk.filter(path -> path.toString().endsWith(".java")).sorted().toList()) {
                    sources.put(file, Files.readString(file));
                }
            }
            for (ProbeLine probe : probes) {
                Set<String> calls = new LinkedHashSet<>(probe.calls());
                // calls of helpers (test sources without @Task) that ask the probe count as asking it
                sources.forEach((file, text) -> {
                    if (!TASK.matcher(text).find()) {
                        String helper = file.getFileName().toString().replace(".java", "");
                        for (String call : probe.calls()) {
                            helperMethodsCalling(text, call).forEach(method -> calls.add(helper + "." + method));
                        }
                    }
                });
                sources.forEach((file, text) -> {
                    Matcher task = TASK.matcher(text);
                    if (task.find()) {
                        List<String> lines = text.lines().toList();
                        for (int index = 0; index < lines.size(); index++) {
                            for (String call : calls) {
                                if (lines.get(index).matches(".*\\b" + Pattern.quote(call) + "\\b.*")) {
                                    // a call inside an assumption's statement: the statement may start a line or two above
                                    boolean skips = String.join("\n", lines.subList(Math.max(0, index - 2), index + 1))
                                            .contains("assume");
                                    result.get(probe).add(new Dependent(task.group(1),
                                            file.getFileName().toString().replace(".java", ""), skips));
                                }
                            }
                        }
                    }
                });
            }
        }
        // one entry per test class: "may skip" wins over "adapts"
        result.replaceAll((probe, found) -> {
            Set<Dependent> merged = new LinkedHashSet<>();
            for (Dependent dependent : found) {
                if (dependent.skips() || !found.contains(new Dependent(dependent.task(), dependent.testClass(), true))) {
                    merged.add(dependent);
                }
            }
            return merged;
        });
        return result;
    }

    /** The names of the methods of a helper's source whose bodies contain {@code call}. */
    static List<String> helperMethodsCalling(String text, String call) {
        List<String> methods = new ArrayList<>();
        String method = null;
        for (String line : text.lines().toList()) {
            Matcher declaration = METHOD.matcher(line);
            if (declaration.matches() && !List.of("if", "for", "while", "switch", "catch", "try", "synchronized")
                    .contains(declaration.group(1))) {
                method = declaration.group(1);
            }
            if (method != null && line.matches(".*\\b" + Pattern.quote(call) + "\\b.*") && !methods.contains(method)) {
                methods.add(method);
            }
        }
        return methods;
    }
}
