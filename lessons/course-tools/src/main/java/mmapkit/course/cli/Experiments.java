package mmapkit.course.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The experiments of a module (the classes with a {@code main} in its {@code experiments}
 * package), what each shows, and which tasks its code runs through.
 *
 * <p>What it shows is the first sentence of the class's Javadoc. The tasks are found in the
 * sources, without compiling: from the experiment's {@code main}, every method of the module it
 * can reach (static calls {@code Type.name(...)}, calls {@code .name(...)} on a module type the
 * caller names, calls within a class, {@code new Type(...)}, and the {@code close()} of a
 * try-with-resources), and in those methods the task ids of their solution regions
 * ({@code SOLUTION-BEGIN NN.T}) or stubs ({@code TODO NN.T}). A task is unfinished when a reached
 * method still throws its TODO stub. Calls are matched by name, so the list may hold a task too
 * many (a method of the same name on another module type the caller also names), never one too few
 * for the calls it sees.
 */
final class Experiments {

    /** One experiment: its class, what it shows, the tasks it runs through, and those still stubs. */
    record Experiment(String className, String shows, SortedSet<String> tasks, SortedSet<String> unfinished,
                      Map<String, String> stubs) {

        String simpleName() {
            return className.substring(className.lastIndexOf('.') + 1);
        }
    }

    /** A method: its type, name, source text and the same text with literals and comments blanked. */
    private record Method(String type, String name, String body, String code) {
    }

    private static final Pattern TYPE_DECLARATION = Pattern.compile("\\b(?:class|record|enum|interface)\\s+([A-Z]\\w*)");
    private static final Pattern CALL_NAME = Pattern.compile("(\\w+)\\s*\\($");
    private static final Pattern QUALIFIED_CALL = Pattern.compile("\\b([A-Z]\\w*)\\s*\\.\\s*(\\w+)\\s*\\(");
    private static final Pattern MEMBER_CALL = Pattern.compile("\\.\\s*(\\w+)\\s*\\(");
    private static final Pattern PLAIN_CALL = Pattern.compile("(?<![.\\w])([a-z]\\w*)\\s*\\(");
    private static final Pattern CONSTRUCTION = Pattern.compile("\\bnew\\s+([A-Z]\\w*)\\s*[(<]");
    private static final Pattern RESOURCE = Pattern.compile("(?:\\btry\\s*\\(|;)\\s*(?:final\\s+)?([A-Z]\\w*)\\s+\\w+\\s*=");
    private static final Pattern TASK_MARK = Pattern.compile("(?:SOLUTION-BEGIN|TODO) (\\d{2}\\.\\d+)");
    private static final Pattern STUB = Pattern.compile("UnsupportedOperationException\\(\\s*\"(TODO (\\d{2}\\.\\d+)[^\"]*)\"");
    private static final Pattern JAVADOC = Pattern.compile(
            "/\\*\\*(.*?)\\*/\\s*(?:@\\w+(?:\\([^)]*\\))?\\s*)*public\\s+(?:final\\s+)?class", Pattern.DOTALL);
    private static final Set<String> KEYWORDS = Set.of("if", "for", "while", "switch", "catch", "synchronized", "return",
            "new", "throw", "super", "this", "try", "else", "do", "assert", "yield");

    private final Map<String, List<Method>> methodsByType = new HashMap<>();
    private final Map<String, String> sourceByType = new HashMap<>();

    private Experiments(Path sources) {
        try (Stream<Path> walk = Files.walk(sources)) {
            for (Path file : walk.filter(path -> path.toString().endsWith(".java")).sorted().toList()) {
                read(Files.readString(file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + sources, e);
        }
    }

    /** The experiments in a module's sources ({@code src/main/java}), by class name; none when the folder is missing. */
    static List<Experiment> of(Path sources) {
        if (!Files.isDirectory(sources)) {
            return List.of();
        }
        Experiments module = new Experiments(sources);
        List<Experiment> experiments = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(sources)) {
            for (Path file : walk.filter(path -> path.toString().endsWith(".java")
                    && path.getParent().getFileName().toString().equals("experiments")).sorted().toList()) {
                String source = Files.readString(file);
                if (source.contains("static void main(")) {
                    String relative = sources.relativize(file).toString();
                    String className = relative.substring(0, relative.length() - ".java".length()).replace(java.io.File.separatorChar, '.');
                    experiments.add(module.experiment(className, source));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + sources, e);
        }
        return experiments;
    }

    /** The experiments, each with the tasks the same experiment of {@code reference} needs added. */
    static List<Experiment> withTasksOf(List<Experiment> experiments, List<Experiment> reference) {
        return experiments.stream().map(experiment -> {
            SortedSet<String> tasks = new TreeSet<>(experiment.tasks());
            reference.stream().filter(other -> other.className().equals(experiment.className()))
                    .forEach(other -> tasks.addAll(other.tasks()));
            return new Experiment(experiment.className(), experiment.shows(), tasks, experiment.unfinished(), experiment.stubs());
        }).toList();
    }

    private Experiment experiment(String className, String source) {
        String type = className.substring(className.lastIndexOf('.') + 1);
        SortedSet<String> tasks = new TreeSet<>();
        SortedSet<String> unfinished = new TreeSet<>();
        Map<String, String> stubs = new HashMap<>();
        for (Method method : reached(type)) {
            Matcher mark = TASK_MARK.matcher(method.body());
            while (mark.find()) {
                tasks.add(mark.group(1));
            }
            Matcher stub = STUB.matcher(method.body());
            while (stub.find()) {
                tasks.add(stub.group(2));
                unfinished.add(stub.group(2));
                stubs.putIfAbsent(stub.group(2), method.type() + "." + method.name() + " still throws \"" + stub.group(1) + "\"");
            }
        }
        return new Experiment(className, shows(source), tasks, unfinished, stubs);
    }

    /** Every method of the module reachable from the experiment's own methods. */
    private Set<Method> reached(String experimentType) {
        Set<Method> reached = new LinkedHashSet<>();
        Deque<Method> work = new ArrayDeque<>(methodsByType.getOrDefault(experimentType, List.of()));
        while (!work.isEmpty()) {
            Method method = work.pop();
            if (reached.add(method)) {
                work.addAll(callees(method));
            }
        }
        return reached;
    }

    private List<Method> callees(Method caller) {
        String body = caller.code();
        String callerSource = sourceByType.getOrDefault(caller.type(), "");
        List<String> named = methodsByType.keySet().stream()
                .filter(type -> Pattern.compile("\\b" + type + "\\b").matcher(callerSource).find()).toList();
        List<Method> callees = new ArrayList<>();
        Matcher qualified = QUALIFIED_CALL.matcher(body);
        while (qualified.find()) {
            callees.addAll(methods(qualified.group(1), qualified.group(2)));
        }
        Matcher member = MEMBER_CALL.matcher(body);
        while (member.find()) {
            for (String type : named) {
                callees.addAll(methods(type, member.group(1)));
            }
        }
        Matcher plain = PLAIN_CALL.matcher(body);
        while (plain.find()) {
            if (!KEYWORDS.contains(plain.group(1))) {
                callees.addAll(methods(caller.type(), plain.group(1)));
            }
        }
        Matcher construction = CONSTRUCTION.matcher(body);
        while (construction.find()) {
            callees.addAll(methods(construction.group(1), construction.group(1)));
        }
        Matcher resource = RESOURCE.matcher(body);
        while (resource.find()) {
            callees.addAll(methods(resource.group(1), "close"));
        }
        return callees;
    }

    private List<Method> methods(String type, String name) {
        return methodsByType.getOrDefault(type, List.of()).stream().filter(method -> method.name().equals(name)).toList();
    }

    /** Splits a source into its types' methods: a {@code {...}} right after {@code name(...)} in a type's body. */
    private void read(String source) {
        String code = withoutLiteralsAndComments(source);
        Deque<String> types = new ArrayDeque<>();
        Deque<Integer> typeDepths = new ArrayDeque<>();
        int depth = 0;
        String pendingType = null;
        for (int i = 0; i < code.length(); i++) {
            char c = code.charAt(i);
            if (c == '{') {
                String header = code.substring(lastBoundary(code, i), i);
                Matcher declaration = TYPE_DECLARATION.matcher(header);
                String typeName = null;
                while (declaration.find()) {
                    typeName = declaration.group(1);
                }
                if (typeName != null && !header.contains("(")
                        || typeName != null && header.matches("(?s).*\\brecord\\s+\\w+\\s*(<[^>]*>)?\\s*\\(.*")) {
                    pendingType = typeName;
                }
                if (pendingType != null) {
                    types.push(pendingType);
                    typeDepths.push(depth);
                    sourceByType.merge(pendingType, code, (a, b) -> a);
                    pendingType = null;
                    depth++;
                    continue;
                }
                if (!types.isEmpty() && depth == typeDepths.peek() + 1) {
                    int close = matching(code, i);
                    String signature = header.replaceAll("@[\\w.]+\\s*(\\([^)]*\\))?", " ").strip(); // annotations have parentheses too
                    int paren = signature.indexOf('(');
                    if (paren > 0) {
                        Matcher name = CALL_NAME.matcher(signature.substring(0, paren + 1));
                        if (name.find()) {
                            methodsByType.computeIfAbsent(types.peek(), type -> new ArrayList<>())
                                    .add(new Method(types.peek(), name.group(1), source.substring(i, close + 1),
                                            code.substring(i, close + 1)));
                        }
                    }
                    i = close;
                    continue;
                }
                depth++;
            } else if (c == '}') {
                depth--;
                if (!typeDepths.isEmpty() && depth == typeDepths.peek()) {
                    types.pop();
                    typeDepths.pop();
                }
            }
        }
    }

    /** Where the declaration before {@code index} starts: after the last {@code ;}, {@code {} or {@code }}. */
    private static int lastBoundary(String code, int index) {
        for (int i = index - 1; i >= 0; i--) {
            char c = code.charAt(i);
            if (c == ';' || c == '{' || c == '}') {
                return i + 1;
            }
        }
        return 0;
    }

    private static int matching(String code, int open) {
        int depth = 0;
        for (int i = open; i < code.length(); i++) {
            if (code.charAt(i) == '{') {
                depth++;
            } else if (code.charAt(i) == '}' && --depth == 0) {
                return i;
            }
        }
        return code.length() - 1;
    }

    /** The source with string, text block, character literals and comments blanked (same length, same lines). */
    static String withoutLiteralsAndComments(String source) {
        StringBuilder out = new StringBuilder(source);
        int i = 0;
        while (i < source.length()) {
            int end;
            if (source.startsWith("//", i)) {
                end = source.indexOf('\n', i);
                end = end < 0 ? source.length() : end;
            } else if (source.startsWith("/*", i)) {
                end = source.indexOf("*/", i + 2);
                end = end < 0 ? source.length() : end + 2;
            } else if (source.startsWith("\"\"\"", i)) {
                end = source.indexOf("\"\"\"", i + 3);
                end = end < 0 ? source.length() : end + 3;
            } else if (source.charAt(i) == '"' || source.charAt(i) == '\'') {
                char quote = source.charAt(i);
                end = i + 1;
                while (end < source.length() && source.charAt(end) != quote && source.charAt(end) != '\n') {
                    end += source.charAt(end) == '\\' ? 2 : 1;
                }
                end = Math.min(end + 1, source.length());
            } else {
                i++;
                continue;
            }
            for (int k = i; k < end; k++) {
                if (out.charAt(k) != '\n') {
                    out.setCharAt(k, ' ');
                }
            }
            i = end;
        }
        return out.toString();
    }

    /** The first sentence of the class's Javadoc, without "Experiment:" and tags, on one line. */
    static String shows(String source) {
        Matcher javadoc = JAVADOC.matcher(source);
        if (!javadoc.find()) {
            return "";
        }
        String text = javadoc.group(1).replaceAll("(?m)^\\s*\\*\\s?", " ").replaceAll("\\{@\\w+\\s+([^}]*)}", "$1")
                .replaceAll("<[^>]+>", "").replaceAll("\\s+", " ").strip();
        text = text.replaceFirst("^Experiment:\\s*", "");
        Matcher sentence = Pattern.compile("^(.*?[.;:])(\\s|$)").matcher(text);
        String first = sentence.find() ? sentence.group(1) : text;
        return first.endsWith(";") || first.endsWith(":") ? first.substring(0, first.length() - 1) : first;
    }
}
