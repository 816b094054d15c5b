package mmapkit.invariants.fuzz;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What the fuzz calls: every public method and constructor of every public class of the toolkit
 * (the solutions of modules 01-06 on the class path), in a fixed order, minus the parts listed in
 * {@link #LEFT_OUT_PACKAGES} and {@link #LEFT_OUT_MEMBERS} with the reason for each.
 */
final class FuzzTargets {

    /** The toolkit's root packages, one per module. */
    static final List<String> TOOLKIT = List.of("mmapkit.mapping", "mmapkit.faults", "mmapkit.dirty", "mmapkit.sync",
            "mmapkit.ipc", "mmapkit.device");

    /**
     * Packages left out, and why: they take no input from a caller, or run for seconds on purpose, or
     * start processes, or are pure simulations that never touch memory outside the Java heap.
     */
    static final Map<String, String> LEFT_OUT_PACKAGES = Map.of(
            ".experiments", "programs for the book: main(String[]) runs a measurement for seconds",
            ".process", "main classes of child processes and their launchers (ChildJvm, Children)",
            ".bench", "the benchmark harness: runs timed trials",
            ".sim", "pure Java simulations (page replacement, page cache, device): no native memory, no files");

    /**
     * Members left out, and why. The raw bindings of the natives packages take an address or a
     * descriptor on trust, as C does (munmap or MADV_DONTNEED at a random address would wipe the
     * JVM's own memory; closing a random descriptor would close one of the JVM's): their own
     * preconditions are fuzzed through {@link OwnMemoryCalls}, with memory and descriptors of the
     * fuzz's own.
     */
    static final Map<String, String> LEFT_OUT_MEMBERS = Map.ofEntries(
            Map.entry("MemoryMapCalls.mmap", "takes an address (MAP_FIXED at a random address replaces JVM memory)"),
            Map.entry("MemoryMapCalls.munmap", "takes an address"),
            Map.entry("MemoryMapCalls.mprotect", "takes an address (PROT_NONE on the JVM's own memory would crash it)"),
            Map.entry("MemoryMapCalls.mremap", "takes an address"),
            Map.entry("AllocatorCalls.free", "takes an address (freeing what malloc did not return corrupts the heap)"),
            Map.entry("AllocatorCalls.malloc", "returns memory the fuzz cannot tell from a leak (a mapping, for large sizes)"),
            Map.entry("NativeCopy.copy", "takes an address"),
            Map.entry("UserfaultCalls.userfaultfd", "returns a bare descriptor the fuzz cannot tell from a leak"),
            Map.entry("UserfaultCalls.openForUserFaults", "returns a bare descriptor the fuzz cannot tell from a leak"),
            Map.entry("UserfaultCalls.api", "takes a descriptor"),
            Map.entry("UserfaultCalls.register", "takes a descriptor and an address"),
            Map.entry("UserfaultCalls.unregister", "takes a descriptor and an address"),
            Map.entry("UserfaultCalls.wake", "takes a descriptor and an address"),
            Map.entry("UserfaultCalls.copy", "takes a descriptor and an address"),
            Map.entry("UserfaultCalls.zeropage", "takes a descriptor and an address"),
            Map.entry("UserfaultCalls.writeProtect", "takes a descriptor and an address"),
            Map.entry("UserfaultCalls.readMessage", "takes a descriptor"),
            Map.entry("UserfaultCalls.pollReadable", "takes a descriptor"),
            Map.entry("UserfaultCalls.ioctl", "takes a descriptor"),
            Map.entry("PagemapScanCall.scan", "takes a descriptor and an address"),
            Map.entry("AdviceCalls.madvise", "takes an address"),
            Map.entry("LockCalls.mlock", "takes an address"),
            Map.entry("LockCalls.mlock2", "takes an address"),
            Map.entry("LockCalls.munlock", "takes an address"),
            Map.entry("ResourceLimitCalls.set", "sets a limit of the fuzzing JVM (a small RLIMIT_AS starves it)"),
            Map.entry("AdviceCalls.posixFadvise", "takes a descriptor"),
            Map.entry("ResidencyCalls.mincore", "takes an address"),
            Map.entry("SyncCalls.msync", "takes an address"),
            Map.entry("FutexCalls.futexWait", "takes an address"),
            Map.entry("FutexCalls.futexWake", "takes an address"),
            Map.entry("PosixFiles.close", "takes a descriptor"),
            Map.entry("PosixFiles.ftruncate", "takes a descriptor"),
            Map.entry("CachestatCall.cachestat", "takes a descriptor"),
            Map.entry("MemfdCalls.addSeals", "takes a descriptor"),
            Map.entry("MemfdCalls.getSeals", "takes a descriptor"),
            Map.entry("PosixFiles.open", "returns a bare descriptor the fuzz cannot tell from a leak"),
            Map.entry("MemfdCalls.memfdCreate", "returns a bare descriptor the fuzz cannot tell from a leak"),
            Map.entry("PosixSharedMemory.standard", "its create and open work in /dev/shm, outside the fuzz's folder"),
            Map.entry("SoftDirty.clear", "clears the soft-dirty bits of the whole process: no input"),
            Map.entry("FaultCounters.measure", "runs the caller's code: the fuzz has none to give"),
            Map.entry("MemoryCgroup.createChild", "makes a directory below the given group (a cgroup, for root):"
                    + " MemoryCgroupTest checks its arguments and its clean-up"));

    /** Classes whose instance methods are left out, because the fuzz cannot make an object of them. */
    static final Map<String, String> NO_RECEIVER = Map.of(
            "FramebufferDriver", "made only by attach() to a running device process (the left-out sim package);"
                    + " attach itself is fuzzed");

    private FuzzTargets() {
    }

    /** Every target, in a fixed order (class name, then member signature). */
    static List<Executable> all() {
        List<Executable> targets = new ArrayList<>();
        for (Class<?> type : toolkitClasses()) {
            if (!Modifier.isPublic(type.getModifiers()) || type.isInterface() || leftOut(type.getPackageName())) {
                continue;
            }
            if (!Modifier.isAbstract(type.getModifiers()) && !type.isEnum()) {
                for (Constructor<?> constructor : type.getConstructors()) {
                    targets.add(constructor);
                }
            }
            for (Method method : type.getMethods()) {
                if (method.getDeclaringClass() == type && !PublicApiFuzz.isObjectMethod(method)
                        && !method.isSynthetic() && !method.getName().equals("main")
                        && !LEFT_OUT_MEMBERS.containsKey(type.getSimpleName() + "." + method.getName())
                        && (Modifier.isStatic(method.getModifiers()) || !NO_RECEIVER.containsKey(type.getSimpleName()))
                        && !(type.isEnum() && (method.getName().equals("values") || method.getName().equals("valueOf")))) {
                    targets.add(method);
                }
            }
        }
        for (Method method : OwnMemoryCalls.class.getMethods()) {
            if (method.getDeclaringClass() == OwnMemoryCalls.class && Modifier.isStatic(method.getModifiers())) {
                targets.add(method);
            }
        }
        targets.sort(Comparator.comparing(FuzzTargets::signature));
        return targets;
    }

    static boolean leftOut(String packageName) {
        return LEFT_OUT_PACKAGES.keySet().stream().anyMatch(part -> packageName.contains(part + ".")
                || packageName.endsWith(part));
    }

    static boolean isStatic(Executable target) {
        return target instanceof Method && Modifier.isStatic(target.getModifiers());
    }

    static Object invoke(Executable target, Object receiver, Object[] arguments) throws Throwable {
        try {
            if (target instanceof Constructor<?> constructor) {
                return constructor.newInstance(arguments);
            }
            return ((Method) target).invoke(receiver, arguments);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    static String signature(Executable target) {
        return target.getDeclaringClass().getName() + "." + (target instanceof Constructor ? "<init>" : target.getName())
                + Arrays.stream(target.getParameterTypes()).map(Class::getSimpleName).collect(Collectors.joining(",", "(", ")"));
    }

    /** {@code MappedFile.map(Path one-page.bin, SHARED, -1, Long 2)}, with the receiver for an instance method. */
    static String describe(Executable target, Object receiver, Object[] arguments) {
        String name = target.getDeclaringClass().getSimpleName()
                + (target instanceof Constructor ? ".<init>" : "." + target.getName());
        String on = isStatic(target) || target instanceof Constructor ? "" : " on " + FuzzValues.describe(receiver);
        return name + Arrays.stream(arguments).map(FuzzValues::describe).collect(Collectors.joining(", ", "(", ")")) + on;
    }

    /** The public classes of the toolkit's packages, from the solutions' entries of the class path. */
    private static List<Class<?>> toolkitClasses() {
        TreeSet<String> names = new TreeSet<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path path = Path.of(entry);
            String text = path.toString().replace('\\', '/');
            if (!text.contains("solutions")) {
                continue;
            }
            try {
                if (Files.isDirectory(path)) {
                    try (Stream<Path> files = Files.walk(path)) {
                        files.map(file -> path.relativize(file).toString().replace('\\', '/'))
                                .forEach(name -> addClassName(name, names));
                    }
                } else if (text.endsWith(".jar") && Files.isRegularFile(path)) {
                    try (JarFile jar = new JarFile(path.toFile())) {
                        jar.stream().forEach(jarEntry -> addClassName(jarEntry.getName(), names));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list the classes of " + path, e);
            }
        }
        if (names.isEmpty()) {
            throw new IllegalStateException("no toolkit class on the class path (no entry with 'solutions' in it): "
                    + System.getProperty("java.class.path"));
        }
        List<Class<?>> classes = new ArrayList<>();
        for (String name : names) {
            try {
                classes.add(Class.forName(name, false, FuzzTargets.class.getClassLoader()));
            } catch (ClassNotFoundException | LinkageError e) {
                throw new IllegalStateException("cannot load toolkit class " + name, e);
            }
        }
        return classes;
    }

    private static void addClassName(String path, TreeSet<String> names) {
        if (!path.endsWith(".class") || path.endsWith("module-info.class") || path.endsWith("package-info.class")) {
            return;
        }
        String name = path.substring(0, path.length() - ".class".length()).replace('/', '.');
        String packageName = name.substring(0, Math.max(0, name.lastIndexOf('.')));
        if (TOOLKIT.stream().anyMatch(root -> name.startsWith(root + ".")) && !leftOut(packageName)) {
            names.add(name);
        }
    }
}
