package mmapkit.invariants.fuzz;

import mmapkit.device.special.HugePages;
import mmapkit.device.special.Memfd;
import mmapkit.device.special.PosixSharedMemory;
import mmapkit.device.registers.RegisterBlock;
import mmapkit.dirty.DirtyTracker;
import mmapkit.dirty.PageHashTracker;
import mmapkit.ipc.MpscRing;
import mmapkit.ipc.RingLayout;
import mmapkit.ipc.RingReader;
import mmapkit.ipc.SharedRegion;
import mmapkit.ipc.SpscRing;
import mmapkit.mapping.FileWindows;
import mmapkit.mapping.MapMode;
import mmapkit.mapping.MappedFile;
import mmapkit.mapping.Pages;
import mmapkit.mapping.RawMapping;
import mmapkit.mapping.natives.MemoryMapCalls;
import mmapkit.sync.MappedStorage;
import mmapkit.sync.RecordLog;
import mmapkit.sync.Storage;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.Array;
import java.lang.reflect.Executable;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * The arguments and receivers of one fuzz call, drawn from its {@link Random}: boundary and bad
 * values for each parameter type (negative, zero, one, around a page, huge; null; closed; heap
 * memory where native memory is needed; unaligned slices; empty files, directories, read-only
 * files, missing files), and toolkit objects made the ordinary way (a mapping of a file, a
 * memfd, a storage holding a committed log). Everything it opens it closes in {@link #closeAll()}.
 *
 * <p>Its files live in the call's own folder. The ones named {@code mapped-*} back the memory the
 * fuzz hands out as segments and storages: stores through them are memory, not file operations,
 * so the file check leaves them out.
 */
final class FuzzValues {

    static final long PAGE = Pages.size();
    static final String MAPPED_PREFIX = "mapped-";

    private static final long[] LONGS = {0, 1, -1, 2, 7, 8, 64, PAGE - 1, PAGE, PAGE + 1, 2 * PAGE, 3 * PAGE + 100,
            16 * PAGE, 2L << 20, 1L << 31, 1L << 62, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1};
    private static final int[] INTS = {0, 1, -1, 2, 3, 4, 8, 16, 64, 100, 1024, (int) PAGE, (int) PAGE + 1,
            Integer.MAX_VALUE, Integer.MIN_VALUE,
            MemoryMapCalls.PROT_READ, MemoryMapCalls.PROT_READ | MemoryMapCalls.PROT_WRITE,
            MemoryMapCalls.MAP_PRIVATE, MemoryMapCalls.MAP_SHARED, MemoryMapCalls.MAP_PRIVATE | MemoryMapCalls.MAP_FIXED,
            MemoryMapCalls.MAP_PRIVATE | MemoryMapCalls.MAP_HUGETLB, MemoryMapCalls.MAP_SHARED_VALIDATE | 0x1000000};
    private static final String[] STRINGS = {"", "fuzz", "a\0b", "x".repeat(300), "../escape", "with/slash", " ",
            "Dirty:", "7f0000000000-7f0000001000 rw-p 00000000 00:00 0", "ü"};
    private static final Duration[] DURATIONS = {Duration.ofMillis(-1), Duration.ZERO, Duration.ofNanos(1),
            Duration.ofMillis(1), Duration.ofMillis(15)};

    private final Random random;
    private final Path folder;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private int made;
    /** While making a receiver: small non-negative numbers, writable memory, no nulls. */
    private boolean friendly;
    private RawMapping own;
    private boolean returned;

    FuzzValues(Random random, Path folder) throws IOException {
        this.random = random;
        this.folder = folder;
        Files.write(folder.resolve("empty.bin"), new byte[0]);
        Files.write(folder.resolve("one-page.bin"), pattern((int) PAGE));
        Files.write(folder.resolve("odd.bin"), pattern((int) (3 * PAGE + 100)));
        Path readOnly = Files.write(folder.resolve("read-only.bin"), pattern((int) PAGE));
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r--r--r--"));
        Files.createDirectories(folder.resolve("folder"));
        Files.write(folder.resolve(MAPPED_PREFIX + "shared.bin"), pattern((int) (2 * PAGE)));
        Files.write(folder.resolve(MAPPED_PREFIX + "read-only.bin"), pattern((int) (3 * PAGE + 100)));
    }

    Path folder() {
        return folder;
    }

    /** Whether the call returned normally (for the count the fuzz reports). */
    boolean returned() {
        return returned;
    }

    void returned(boolean value) {
        returned = value;
    }

    /** The arguments for {@code target}, one per parameter. */
    Object[] arguments(Executable target) {
        Class<?>[] types = target.getParameterTypes();
        Object[] arguments = new Object[types.length];
        for (int i = 0; i < types.length; i++) {
            arguments[i] = value(types[i], 0);
        }
        return arguments;
    }

    /** An object to call an instance method on: made the ordinary way when the fuzz knows how. */
    Object receiver(Class<?> type) {
        for (int attempt = 0; attempt < 16; attempt++) {
            friendly = attempt >= 4; // bad arguments first, then ones that make an object more likely
            try {
                Object value = value(type, 0);
                if (value != null) {
                    return value;
                }
            } finally {
                friendly = false;
            }
        }
        return null;
    }

    private Object value(Class<?> type, int depth) {
        if (friendly && (type == long.class || type == int.class)) {
            long[] small = {0, 1, 2, 4, 8, 64, 128, 640, 480, 1024};
            long pick = small[random.nextInt(small.length)];
            return type == long.class ? (Object) pick : (Object) (int) pick;
        }
        if (friendly && type == MemorySegment.class) {
            return random.nextBoolean() ? anonymous(MemoryMapCalls.PROT_READ | MemoryMapCalls.PROT_WRITE).segment()
                    : ring();
        }
        if (type == long.class) {
            return random.nextInt(8) == 0 ? random.nextLong() : LONGS[random.nextInt(LONGS.length)];
        }
        if (type == int.class) {
            return random.nextInt(8) == 0 ? random.nextInt(-64, 5000) : INTS[random.nextInt(INTS.length)];
        }
        if (type == boolean.class) {
            return random.nextBoolean();
        }
        if (type == byte.class) {
            return (byte) random.nextInt(256);
        }
        if (type == short.class) {
            return (short) INTS[random.nextInt(INTS.length)];
        }
        if (type == char.class) {
            return (char) random.nextInt(128);
        }
        if (type == double.class) {
            return new double[] {0, -1, 0.5, 1e300, Double.NaN}[random.nextInt(5)];
        }
        if (type == float.class) {
            return new float[] {0, -1, 0.5f, Float.NaN}[random.nextInt(4)];
        }
        if (!friendly && random.nextInt(10) == 0) {
            return null;
        }
        if (type == String.class) {
            return STRINGS[random.nextInt(STRINGS.length)];
        }
        if (type == Path.class) {
            return path();
        }
        if (type == Duration.class) {
            return DURATIONS[random.nextInt(DURATIONS.length)];
        }
        if (type == MemorySegment.class) {
            return segment();
        }
        if (type == Optional.class) {
            return Optional.empty();
        }
        if (type.isArray()) {
            return array(type.getComponentType(), depth);
        }
        if (type.isEnum()) {
            Object[] constants = type.getEnumConstants();
            return constants[random.nextInt(constants.length)];
        }
        if (type == Object.class || type == Number.class || type == Long.class) {
            return LONGS[random.nextInt(LONGS.length)];
        }
        Object known = known(type);
        if (known != null) {
            return known;
        }
        if (type.isInterface()) {
            return proxy(type);
        }
        return depth < 2 ? made(type, depth) : null;
    }

    private Path path() {
        String[] names = {"empty.bin", "one-page.bin", "odd.bin", "read-only.bin", "folder", "missing.bin",
                "folder/missing/deeper.bin", "log.bin"};
        int pick = random.nextInt(names.length + 1);
        if (pick == names.length) {
            return Path.of("/proc/self/status");
        }
        if (names[pick].equals("log.bin")) {
            return committedLog();
        }
        return folder.resolve(names[pick]);
    }

    /** A file holding a record log with two commits: what RecordLog.open and MappedStorage.open meet. */
    private Path committedLog() {
        Path log = folder.resolve("log.bin");
        if (Files.exists(log)) {
            return log;
        }
        try (MappedStorage storage = MappedStorage.open(log, 4 * PAGE)) {
            RecordLog records = RecordLog.create(storage);
            records.append(new byte[] {1, 2, 3});
            records.commit();
            records.append(new byte[(int) PAGE]);
            records.commit();
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the fuzz's log file " + log, e);
        }
        return log;
    }

    private MemorySegment segment() {
        return switch (random.nextInt(12)) {
            case 0 -> MemorySegment.NULL;
            case 1 -> MemorySegment.ofArray(new byte[(int) PAGE]);
            case 2 -> anonymous(MemoryMapCalls.PROT_READ | MemoryMapCalls.PROT_WRITE).segment();
            case 3 -> anonymous(MemoryMapCalls.PROT_READ).segment();
            case 4 -> anonymous(MemoryMapCalls.PROT_READ | MemoryMapCalls.PROT_WRITE).segment().asSlice(1);
            case 5 -> anonymous(MemoryMapCalls.PROT_READ | MemoryMapCalls.PROT_WRITE).segment().asSlice(0, 100);
            case 6 -> anonymous(MemoryMapCalls.PROT_READ | MemoryMapCalls.PROT_WRITE).segment().asSlice(PAGE, 0);
            case 7 -> {
                RawMapping closed = RawMapping.anonymous(2 * PAGE, MemoryMapCalls.PROT_READ | MemoryMapCalls.PROT_WRITE,
                        MemoryMapCalls.MAP_PRIVATE);
                MemorySegment stale = closed.segment();
                closed.close();
                yield stale;
            }
            case 8 -> mappedFile(MapMode.SHARED).segment();
            case 9 -> mappedFile(MapMode.READ_ONLY).segment();
            case 10 -> arena().allocate(64, 8);
            default -> arena().allocate(PAGE, PAGE);
        };
    }

    /** The call's own two pages for the raw bindings ({@link OwnMemoryCalls}), made once per call. */
    RawMapping own(int prot) {
        if (own == null || !own.isOpen()) {
            own = anonymous(prot);
        }
        return own;
    }

    /** Two pages holding an initialised ring of the smallest capacity, with whatever records the fuzz offers. */
    private MemorySegment ring() {
        MemorySegment memory = anonymous(MemoryMapCalls.PROT_READ | MemoryMapCalls.PROT_WRITE).segment()
                .asSlice(0, RingLayout.bytes(RingLayout.MIN_CAPACITY));
        RingLayout.initialise(memory, RingLayout.MIN_CAPACITY);
        return memory;
    }

    private RawMapping anonymous(int prot) {
        return keep(RawMapping.anonymous(2 * PAGE, prot, MemoryMapCalls.MAP_PRIVATE));
    }

    private MappedFile mappedFile(MapMode mode) {
        Path file = folder.resolve(MAPPED_PREFIX + (mode == MapMode.SHARED ? "shared.bin" : "read-only.bin"));
        try {
            return keep(MappedFile.map(file, mode));
        } catch (IOException e) {
            throw new IllegalStateException("cannot map the fuzz's file " + file, e);
        }
    }

    private Arena arena() {
        return keep(Arena.ofShared());
    }

    /** Toolkit objects the fuzz makes the ordinary way; a closed one now and then. */
    private Object known(Class<?> type) {
        boolean closed = random.nextInt(6) == 0;
        Object value = switch (type.getSimpleName()) {
            case "RawMapping" -> anonymous(random.nextBoolean() ? MemoryMapCalls.PROT_READ
                    : MemoryMapCalls.PROT_READ | MemoryMapCalls.PROT_WRITE);
            case "MappedFile" -> mappedFile(random.nextBoolean() ? MapMode.SHARED : MapMode.READ_ONLY);
            case "FileWindows" -> attempt(() -> FileWindows.open(folder.resolve(MAPPED_PREFIX + "read-only.bin"),
                    MapMode.READ_ONLY, PAGE));
            case "DirtyTracker" -> DirtyTracker.over(mappedFile(MapMode.SHARED).pageSpan());
            case "PageHashTracker" -> PageHashTracker.snapshot(anonymous(MemoryMapCalls.PROT_READ | MemoryMapCalls.PROT_WRITE)
                    .segment());
            case "MappedStorage", "Storage" -> storage();
            case "RecordLog" -> {
                Storage storage = storage();
                yield attempt(() -> random.nextBoolean() ? RecordLog.open(storage) : RecordLog.create(storage));
            }
            case "SharedRegion" -> attempt(() -> SharedRegion.create(folder.resolve(MAPPED_PREFIX + "region-" + made++),
                    4 * PAGE, 1));
            case "Memfd" -> Memfd.create("fuzz");
            case "PosixSharedMemory" -> attempt(() -> PosixSharedMemory.in(Files.createDirectories(folder.resolve("shm"))));
            case "HugePageRegion" -> attempt(() -> HugePages.transparent(HugePages.transparentPageSize()));
            case "SpscRing" -> new SpscRing(ring());
            case "MpscRing" -> new MpscRing(ring());
            case "RingReader" -> new RingReader(ring());
            case "RegisterBlock" -> new RegisterBlock(anonymous(MemoryMapCalls.PROT_READ | MemoryMapCalls.PROT_WRITE)
                    .segment());
            default -> null;
        };
        if (value instanceof AutoCloseable closeable && !resources.contains(closeable)) {
            keep(closeable);
        }
        if (closed && value instanceof AutoCloseable closeable) {
            closeQuietly(closeable);
        }
        return value;
    }

    private Storage storage() {
        Path file = folder.resolve(MAPPED_PREFIX + "log.bin");
        try {
            if (!Files.exists(file)) {
                Files.copy(committedLog(), file);
            }
            long[] sizes = {PAGE, 2 * PAGE, 4 * PAGE, 8 * PAGE};
            return keep(MappedStorage.open(file, sizes[random.nextInt(sizes.length)]));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private interface Attempt {
        Object make() throws Exception;
    }

    private static Object attempt(Attempt attempt) {
        try {
            return attempt.make();
        } catch (Exception e) {
            return null;
        }
    }

    /** An object of a type the fuzz does not know: from one of its public constructors or factories. */
    private Object made(Class<?> type, int depth) {
        if (!Modifier.isPublic(type.getModifiers()) || FuzzTargets.leftOut(type.getPackageName())
                || !type.getName().startsWith("mmapkit.")) {
            return null;
        }
        List<Executable> makers = new ArrayList<>(Arrays.asList(type.getConstructors()));
        for (Method method : type.getMethods()) {
            if (Modifier.isStatic(method.getModifiers()) && method.getReturnType() == type
                    && !FuzzTargets.LEFT_OUT_MEMBERS.containsKey(type.getSimpleName() + "." + method.getName())) {
                makers.add(method);
            }
        }
        if (makers.isEmpty()) {
            return null;
        }
        makers.sort(Comparator.comparing(FuzzTargets::signature));
        Executable maker = makers.get(random.nextInt(makers.size()));
        Object[] arguments = new Object[maker.getParameterCount()];
        Class<?>[] types = maker.getParameterTypes();
        for (int i = 0; i < types.length; i++) {
            arguments[i] = value(types[i], depth + 1);
        }
        try {
            Object value = FuzzTargets.invoke(maker, null, arguments);
            if (value instanceof AutoCloseable closeable) {
                keep(closeable);
            }
            return value;
        } catch (Throwable t) {
            return null;
        }
    }

    private Object array(Class<?> component, int depth) {
        if (component == byte.class) {
            int[] lengths = {0, 1, 3, 100, (int) PAGE + 1};
            byte[] bytes = new byte[lengths[random.nextInt(lengths.length)]];
            random.nextBytes(bytes);
            return bytes;
        }
        int length = random.nextInt(4);
        Object array = Array.newInstance(component, length);
        for (int i = 0; i < length; i++) {
            Object element = value(component, depth + 1);
            if (element != null || !component.isPrimitive()) {
                Array.set(array, i, element);
            }
        }
        return array;
    }

    /** An implementation of an interface (a callback) whose methods do nothing and return zero, false or null. */
    private Object proxy(Class<?> type) {
        if (!type.getName().startsWith("java.util.function.") && !type.getName().startsWith("mmapkit.")) {
            return null;
        }
        return Proxy.newProxyInstance(type.getClassLoader() == null ? FuzzValues.class.getClassLoader()
                : type.getClassLoader(), new Class<?>[] {type}, (proxy, method, arguments) -> {
                    Class<?> returns = method.getReturnType();
                    if (method.getName().equals("toString")) {
                        return "a callback that does nothing";
                    }
                    if (returns == boolean.class) {
                        return false;
                    }
                    if (returns == int.class) {
                        return 0;
                    }
                    if (returns == long.class) {
                        return 0L;
                    }
                    return null;
                });
    }

    private <T extends AutoCloseable> T keep(T resource) {
        resources.add(resource);
        return resource;
    }

    void closeQuietly(Object value) {
        if (value instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception | Error ignored) {
                // closing twice, or closing what a failed call left half made: neither is the fuzz's concern
            }
        }
    }

    /** Closes everything the call was given, last made first. */
    void closeAll() {
        List<AutoCloseable> reversed = new ArrayList<>(resources);
        Collections.reverse(reversed);
        reversed.forEach(this::closeQuietly);
        resources.clear();
    }

    /** A short, stable description of an argument for the CALL line. */
    static String describe(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof Path path) {
            return "Path " + path.getFileName();
        }
        if (value instanceof MemorySegment segment) {
            return "MemorySegment[" + (segment.isNative() ? "native" : "heap") + ", " + segment.byteSize() + " bytes"
                    + (segment.isNative() && segment.byteSize() > 0 ? ", page offset " + segment.address() % PAGE : "")
                    + (segment.isReadOnly() ? ", read-only" : "") + (segment.scope().isAlive() ? "" : ", closed") + "]";
        }
        if (value instanceof String text) {
            String shown = text.length() > 20 ? text.substring(0, 17) + "...(" + text.length() + ")" : text;
            return "\"" + shown.replace("\0", "\\0").replace("\n", "\\n") + "\"";
        }
        if (value instanceof byte[] bytes) {
            return "byte[" + bytes.length + "]";
        }
        if (value.getClass().isArray()) {
            int length = Array.getLength(value);
            List<String> elements = new ArrayList<>();
            for (int i = 0; i < length; i++) {
                elements.add(describe(Array.get(value, i)));
            }
            return value.getClass().getComponentType().getSimpleName() + elements;
        }
        if (Proxy.isProxyClass(value.getClass())) {
            return "callback";
        }
        String shown;
        try {
            shown = String.valueOf(value);
        } catch (RuntimeException e) {
            shown = "(its toString throws " + e.getClass().getSimpleName() + ")";
        }
        String text = value.getClass().getSimpleName() + " " + shown;
        text = text.replaceAll("0x[0-9a-f]{6,}", "0x…").replaceAll("[\\p{Cntrl}]", "?");
        return text.length() > 120 ? text.substring(0, 117) + "..." : text;
    }

    private static byte[] pattern(int size) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (i * 31 + 7);
        }
        return bytes;
    }
}
