package mmapkit.course.submission;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.classfile.Attributes;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeElement;
import java.lang.classfile.MethodModel;
import java.lang.classfile.attribute.SourceFileAttribute;
import java.lang.classfile.constantpool.ClassEntry;
import java.lang.classfile.constantpool.MemberRefEntry;
import java.lang.classfile.constantpool.PoolEntry;
import java.lang.classfile.constantpool.StringEntry;
import java.lang.classfile.constantpool.Utf8Entry;
import java.lang.classfile.instruction.ConstantInstruction;
import java.lang.classfile.instruction.FieldInstruction;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.classfile.instruction.LineNumber;
import java.lang.classfile.instruction.NewObjectInstruction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Reads the learner's compiled classes (with the JDK's class-file API: nothing is loaded or run)
 * and finds what no exercise of the kit needs and what would let code reach the grading harness,
 * the grader, the JVM's internals or the machine: the course tools, JUnit, AssertJ, JDK
 * internals, reflection, class loaders, raw file descriptors, starting or signalling processes,
 * ending the JVM, replacing the standard streams, the Java compiler, and native symbols looked up
 * by a computed name or not in the module's list.
 *
 * <p>What the reference solution's own exercise code uses is allowed for that module ({@link
 * #allowancesOf}): the rules never flag the reference, and a learner may use whatever the exercise
 * needs. Classes must lie in the module's own packages and must not take the name of a graded test.
 */
public final class IntegrityScan {

    /**
     * One thing the scan found.
     *
     * @param rule   what it broke, as a key ({@code class java/io/FileDescriptor}, {@code method java/lang/Runtime.halt},
     *               {@code symbol write}); the reference's own uses of a key are allowed
     * @param where  the class, method and line (when the class file has line numbers)
     * @param reason in plain words
     */
    public record Finding(String rule, String where, String reason) {
        @Override
        public String toString() {
            return where + ": " + reason;
        }
    }

    /** Class-name prefixes (internal form) the learner's code must not refer to, and why. */
    private static final Map<String, String> DENIED_CLASSES = new LinkedHashMap<>();
    /** {@code owner.name} of methods the learner's code must not call, and why. */
    private static final Map<String, String> DENIED_METHODS = new LinkedHashMap<>();

    static {
        DENIED_CLASSES.put("mmapkit/course/", "refers to the course tools (the grader)");
        DENIED_CLASSES.put("org/junit/", "refers to JUnit (the test framework)");
        DENIED_CLASSES.put("org/opentest4j/", "refers to the test framework's exceptions");
        DENIED_CLASSES.put("org/assertj/", "refers to AssertJ (the tests' assertions)");
        DENIED_CLASSES.put("org/apiguardian/", "refers to the test framework");
        DENIED_CLASSES.put("sun/", "refers to JDK internals (sun.*)");
        DENIED_CLASSES.put("jdk/internal/", "refers to JDK internals (jdk.internal.*)");
        DENIED_CLASSES.put("com/sun/", "refers to JDK internals (com.sun.*)");
        DENIED_CLASSES.put("javax/tools/", "uses the Java compiler");
        DENIED_CLASSES.put("java/lang/instrument/", "uses instrumentation");
        DENIED_CLASSES.put("java/lang/reflect/", "uses reflection (java.lang.reflect)");
        DENIED_CLASSES.put("java/lang/ClassLoader", "uses a class loader");
        DENIED_CLASSES.put("java/net/URLClassLoader", "uses a class loader");
        DENIED_CLASSES.put("java/security/SecureClassLoader", "uses a class loader");
        DENIED_CLASSES.put("java/io/FileDescriptor", "uses a raw file descriptor (java.io.FileDescriptor)");
        DENIED_CLASSES.put("java/lang/ProcessBuilder", "starts a process");
        DENIED_CLASSES.put("java/lang/Process", "starts or controls a process");
        DENIED_CLASSES.put("java/lang/Runtime$Version", null); // harmless: keeps java/lang/Runtime's methods apart
        DENIED_METHODS.put("java/lang/Runtime.exec", "starts a process (Runtime.exec)");
        DENIED_METHODS.put("java/lang/Runtime.halt", "ends the JVM (Runtime.halt)");
        DENIED_METHODS.put("java/lang/Runtime.exit", "ends the JVM (Runtime.exit)");
        DENIED_METHODS.put("java/lang/Runtime.load", "loads a native library");
        DENIED_METHODS.put("java/lang/Runtime.loadLibrary", "loads a native library");
        DENIED_METHODS.put("java/lang/Runtime.addShutdownHook", "adds a shutdown hook");
        DENIED_METHODS.put("java/lang/System.exit", "ends the JVM (System.exit)");
        DENIED_METHODS.put("java/lang/System.load", "loads a native library");
        DENIED_METHODS.put("java/lang/System.loadLibrary", "loads a native library");
        DENIED_METHODS.put("java/lang/System.setOut", "replaces the standard output");
        DENIED_METHODS.put("java/lang/System.setErr", "replaces the standard error");
        DENIED_METHODS.put("java/lang/System.setIn", "replaces the standard input");
        for (String name : List.of("forName", "getDeclaredField", "getDeclaredFields", "getDeclaredMethod", "getDeclaredMethods",
                "getDeclaredConstructor", "getDeclaredConstructors", "getField", "getFields", "getMethod", "getMethods",
                "getConstructor", "getConstructors", "getClassLoader", "newInstance", "getModule")) {
            DENIED_METHODS.put("java/lang/Class." + name, "uses reflection (Class." + name + ")");
        }
        DENIED_METHODS.put("java/lang/invoke/MethodHandles.privateLookupIn", "opens another class to reflection (privateLookupIn)");
        for (String name : List.of("destroy", "destroyForcibly", "parent", "allProcesses", "children", "descendants")) {
            DENIED_METHODS.put("java/lang/ProcessHandle." + name, "reaches other processes (ProcessHandle." + name + ")");
        }
        DENIED_METHODS.put("java/lang/Thread.getAllStackTraces", "inspects every thread of the JVM");
        DENIED_METHODS.put("java/lang/foreign/SymbolLookup.libraryLookup", "loads a native library");
        DENIED_METHODS.put("java/lang/foreign/SymbolLookup.loaderLookup", "looks up native symbols of loaded libraries");
        DENIED_METHODS.put("java/lang/foreign/Linker.downcallHandle", "calls native code (Linker.downcallHandle)");
        DENIED_METHODS.put("java/lang/foreign/Linker.upcallStub", "lets native code call Java (Linker.upcallStub)");
        DENIED_METHODS.put("java/lang/foreign/MemorySegment.reinterpret", "resizes a memory segment to any address range (reinterpret)");
        DENIED_METHODS.put("java/lang/foreign/AddressLayout.withTargetLayout", "dereferences raw addresses (withTargetLayout)");
    }

    /** What a module's exercises may use: the rules the reference's exercise code itself hits, and the native symbols it looks up. */
    public record Allowances(Set<String> rules) {
        public Allowances {
            rules = Set.copyOf(rules);
        }

        public static final Allowances NONE = new Allowances(Set.of());
    }

    private IntegrityScan() {
    }

    /**
     * What the reference solution's exercise classes use: scanned with no allowances, the rules
     * they hit become the module's allowances (so the reference never trips the scan).
     *
     * @param classes       the reference's compiled classes
     * @param exerciseFiles paths (relative to the source root, with {@code /}) of the source files that hold exercises
     */
    public static Allowances allowancesOf(Path classes, Set<String> exerciseFiles) {
        Set<String> rules = new TreeSet<>();
        for (Finding finding : findings(classes, exerciseFiles::contains, Allowances.NONE)) {
            rules.add(finding.rule());
        }
        return new Allowances(rules);
    }

    /**
     * Scans the learner's classes.
     *
     * @param classes        the compiled submission
     * @param learnerFiles   which source files (relative path with {@code /}) are the learner's: only their classes are scanned
     * @param ownPackages    the module's packages (internal form, such as {@code mmapkit/mapping}); classes elsewhere are flagged
     * @param reservedNames  binary names (internal form) of the graded test classes, which learner classes must not take
     */
    public static List<Finding> scan(Path classes, Predicate<String> learnerFiles, Set<String> ownPackages, Set<String> reservedNames,
                                     Allowances allowances) {
        List<Finding> found = new ArrayList<>();
        for (Path file : classFiles(classes)) {
            ClassModel model = parse(file);
            String name = model.thisClass().asInternalName();
            if (!learnerFiles.test(sourcePath(model))) {
                continue;
            }
            String packageName = name.contains("/") ? name.substring(0, name.lastIndexOf('/')) : "";
            if (ownPackages.stream().noneMatch(own -> packageName.equals(own) || packageName.startsWith(own + "/"))) {
                found.add(new Finding("package " + packageName, name.replace('/', '.'), "lies outside the module's packages "
                        + ownPackages.stream().map(own -> own.replace('/', '.')).sorted().toList()));
            }
            if (reservedNames.contains(name)) {
                found.add(new Finding("test-name " + name, name.replace('/', '.'), "has the name of a graded test class"));
            }
        }
        found.addAll(findings(classes, learnerFiles, allowances));
        return List.copyOf(new LinkedHashSet<>(found));
    }

    private static List<Finding> findings(Path classes, Predicate<String> included, Allowances allowances) {
        List<Finding> found = new ArrayList<>();
        for (Path file : classFiles(classes)) {
            ClassModel model = parse(file);
            if (!included.test(sourcePath(model))) {
                continue;
            }
            String className = model.thisClass().asInternalName().replace('/', '.');
            Set<String> seen = new LinkedHashSet<>();
            for (MethodModel method : model.methods()) {
                String where = className + "." + method.methodName().stringValue();
                method.code().ifPresent(code -> {
                    int line = -1;
                    String lastString = null;
                    for (CodeElement element : code) {
                        if (element instanceof LineNumber number) {
                            line = number.line();
                            continue;
                        }
                        String at = where + (line > 0 ? " (line " + line + ")" : "");
                        if (element instanceof InvokeInstruction invoke) {
                            checkMember(invoke.owner().asInternalName(), invoke.name().stringValue(), at, allowances, found, seen);
                            if (isSymbolLookup(invoke)) {
                                checkSymbol(lastString, at, allowances, found, seen);
                            }
                        } else if (element instanceof FieldInstruction field) {
                            checkClass(field.owner().asInternalName(), at, allowances, found, seen);
                        } else if (element instanceof NewObjectInstruction created) {
                            checkClass(created.className().asInternalName(), at, allowances, found, seen);
                        }
                        lastString = element instanceof ConstantInstruction.LoadConstantInstruction load
                                && load.constantEntry() instanceof StringEntry string ? string.stringValue() : null;
                    }
                });
            }
            // every other reference: types in signatures, catch clauses, class literals, annotations
            for (PoolEntry entry : model.constantPool()) {
                if (entry instanceof ClassEntry type) {
                    checkClass(elementType(type.asInternalName()), className, allowances, found, seen);
                } else if (entry instanceof MemberRefEntry member) {
                    checkMember(member.owner().asInternalName(), member.name().stringValue(), className, allowances, found, seen);
                } else if (entry instanceof Utf8Entry utf8) {
                    String text = utf8.stringValue();
                    for (int at = text.indexOf('L'); at >= 0; at = text.indexOf('L', at + 1)) {
                        int end = text.indexOf(';', at);
                        if (end > at && (at == 0 || "()[;<".indexOf(text.charAt(at - 1)) >= 0 || Character.isLetter(text.charAt(at - 1)))) {
                            String candidate = text.substring(at + 1, end);
                            if (candidate.contains("/") && !candidate.contains(" ")) {
                                checkClass(candidate, className, allowances, found, seen);
                            }
                        }
                    }
                }
            }
        }
        return found;
    }

    private static boolean isSymbolLookup(InvokeInstruction invoke) {
        String owner = invoke.owner().asInternalName();
        String name = invoke.name().stringValue();
        return owner.equals("java/lang/foreign/SymbolLookup") && (name.equals("find") || name.equals("findOrThrow"));
    }

    private static void checkSymbol(String constant, String where, Allowances allowances, List<Finding> found, Set<String> seen) {
        if (constant == null) {
            add(new Finding("symbol (computed)", where, "looks up a native symbol by a computed name; exercises name theirs as constants"),
                    allowances, found, seen);
        } else {
            add(new Finding("symbol " + constant, where, "looks up the native symbol '" + constant
                    + "', which this module's exercises do not need"), allowances, found, seen);
        }
    }

    private static void checkMember(String owner, String name, String where, Allowances allowances, List<Finding> found, Set<String> seen) {
        checkClass(owner, where, allowances, found, seen);
        if (owner.equals("java/lang/invoke/MethodHandles$Lookup")) {
            // every lambda names Lookup in its bootstrap method; only calling it reaches into classes
            add(new Finding("method " + owner + "." + name, where, "looks up members reflectively (MethodHandles.Lookup." + name + ")"),
                    allowances, found, seen);
            return;
        }
        String reason = DENIED_METHODS.get(owner + "." + name);
        if (reason != null) {
            add(new Finding("method " + owner + "." + name, where, reason), allowances, found, seen);
        }
    }

    private static void checkClass(String internalName, String where, Allowances allowances, List<Finding> found, Set<String> seen) {
        String best = null;
        for (String prefix : DENIED_CLASSES.keySet()) {
            boolean matches = prefix.endsWith("/") ? internalName.startsWith(prefix)
                    : internalName.equals(prefix) || internalName.startsWith(prefix + "$");
            if (matches && (best == null || prefix.length() > best.length())) {
                best = prefix;
            }
        }
        if (best != null && DENIED_CLASSES.get(best) != null) {
            add(new Finding("class " + best, where, DENIED_CLASSES.get(best) + " (" + internalName.replace('/', '.') + ")"),
                    allowances, found, seen);
        }
    }

    private static void add(Finding finding, Allowances allowances, List<Finding> found, Set<String> seen) {
        // one finding per rule and class: the first place, with its method and line, is the one to look at
        if (!allowances.rules().contains(finding.rule()) && seen.add(finding.rule())) {
            found.add(finding);
        }
    }

    private static String elementType(String internalName) {
        String name = internalName;
        while (name.startsWith("[")) {
            name = name.substring(1);
        }
        return name.startsWith("L") && name.endsWith(";") ? name.substring(1, name.length() - 1) : name;
    }

    /** The source file a class was compiled from, relative to the source root ({@code mmapkit/mapping/Pages.java}). */
    static String sourcePath(ClassModel model) {
        String name = model.thisClass().asInternalName();
        String folder = name.contains("/") ? name.substring(0, name.lastIndexOf('/') + 1) : "";
        String file = model.findAttribute(Attributes.sourceFile()).map(SourceFileAttribute::sourceFile)
                .map(Utf8Entry::stringValue).orElse(name.substring(folder.length()).replaceAll("\\$.*", "") + ".java");
        return folder + file;
    }

    private static ClassModel parse(Path file) {
        try {
            return ClassFile.of().parse(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** The internal names of the classes in a compiled folder. */
    static Set<String> classNames(Path classes) {
        Set<String> names = new TreeSet<>();
        for (Path file : classFiles(classes)) {
            names.add(parse(file).thisClass().asInternalName());
        }
        return names;
    }

    /** The top two package levels of every class in a compiled folder ({@code mmapkit/mapping}). */
    static Set<String> packageRoots(Path classes) {
        Set<String> roots = new TreeSet<>();
        for (String name : classNames(classes)) {
            String[] parts = name.split("/");
            if (parts.length >= 3) {
                roots.add(parts[0] + "/" + parts[1]);
            }
        }
        return roots;
    }

    private static List<Path> classFiles(Path classes) {
        if (!Files.isDirectory(classes)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(classes)) {
            return walk.filter(path -> path.toString().endsWith(".class") && Files.isRegularFile(path)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + classes, e);
        }
    }
}
