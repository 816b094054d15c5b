package mmapkit.ipc;

import mmapkit.mapping.MapMode;
import mmapkit.mapping.MappedFile;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Objects;

/**
 * A file that several processes map shared, with a header that makes creating and attaching safe.
 * Every process that maps the file maps the same page-cache (or, under {@code /dev/shm}, shmem)
 * pages, so a store by one is seen by the others at once, without {@code msync}.
 *
 * {@snippet :
 * // process A
 * try (SharedRegion region = SharedRegion.create(Path.of("/dev/shm/demo"), 1 << 20, 1)) {
 *     Atomics.setRelease(region.data(), 0, 42);
 * }
 * // process B
 * try (SharedRegion region = SharedRegion.attach(Path.of("/dev/shm/demo"), 1 << 20, 1, Duration.ofSeconds(5))) {
 *     Atomics.getAcquire(region.data(), 0);    // 42
 * }
 * }
 *
 * <h2>The header (little-endian, as on x86-64 and arm64)</h2>
 * <pre>
 * offset  size  field
 * 0       8     magic "MMKITIPC", written last, with a release store
 * 8       4     layout version, chosen by the program
 * 12      4     header size: 128; the data starts there
 * 16      8     region size: the bytes of the whole file
 * 24      8     process id of the creator
 * 32      8     creation time, milliseconds since 1970
 * 40      88    zero, reserved
 * </pre>
 *
 * <h2>The protocol</h2>
 * The creator makes the file (refusing one that exists, so two creators cannot both initialise
 * it), gives it its size, maps it, writes every header field but the magic and whatever initial
 * data it needs, and only then publishes the magic with a release store. A process that attaches
 * waits (bounded) for the file to exist and reach its size (mapping it earlier and touching a page
 * past its end would raise SIGBUS), maps it, waits (bounded) until an acquire load sees the magic,
 * and only then reads the rest: the release/acquire pair guarantees it sees the header and the data
 * the creator wrote before publishing. It checks the version and the size, and never writes to the
 * header: attaching must not reset state that other processes use.
 *
 * <p>A process that cuts the file later makes every other one's next touch of a page past the new
 * end raise SIGBUS, which the JDK turns into an {@link InternalError}; the JVM lives on.
 */
public final class SharedRegion implements AutoCloseable {

    /** "MMKITIPC" in ASCII, as a little-endian long. */
    public static final long MAGIC = ByteBuffer.wrap("MMKITIPC".getBytes(StandardCharsets.US_ASCII))
            .order(ByteOrder.LITTLE_ENDIAN).getLong();
    /** Where the header fields are. */
    public static final long MAGIC_OFFSET = 0;
    public static final long VERSION_OFFSET = 8;
    public static final long HEADER_SIZE_OFFSET = 12;
    public static final long SIZE_OFFSET = 16;
    public static final long CREATOR_PID_OFFSET = 24;
    public static final long CREATED_MILLIS_OFFSET = 32;
    /** The bytes of the header; the data starts here, on a cache-line (and 128-byte) boundary. */
    public static final int HEADER_SIZE = 128;

    private static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final MappedFile file;
    private final MemorySegment whole;
    private final boolean creator;

    private SharedRegion(MappedFile file, boolean creator) {
        this.file = file;
        this.whole = file.segment();
        this.creator = creator;
    }

    /**
     * Creates {@code file} as a region of {@code size} bytes (header included), initialises it with
     * zeros and publishes it.
     *
     * @param size    bytes of the whole region, a multiple of 8 and more than {@link #HEADER_SIZE}
     * @param version the layout version that attaching processes must expect, positive
     * @throws IllegalArgumentException for a bad size or version (the message names it)
     * @throws java.nio.file.FileAlreadyExistsException when the file exists: one region, one creator
     * @throws IOException              when the file cannot be made or mapped (it is deleted again)
     */
    public static SharedRegion create(Path file, long size, int version) throws IOException {
        return create(file, size, version, data -> { });
    }

    /**
     * As {@link #create(Path, long, int)}, running {@code initialiser} on the data before the
     * region is published: attaching processes never see the data half initialised.
     */
    public static SharedRegion create(Path file, long size, int version, java.util.function.Consumer<MemorySegment> initialiser)
            throws IOException {
        // SOLUTION-BEGIN 05.2
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(initialiser, "initialiser");
        if (size <= HEADER_SIZE || size % 8 != 0) {
            throw new IllegalArgumentException("size " + size + " must be a multiple of 8 larger than the header of "
                    + HEADER_SIZE + " bytes");
        }
        if (version <= 0) {
            throw new IllegalArgumentException("version " + version + " must be positive");
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            channel.truncate(0); // created empty; the mapping below gives it its size
        }
        MappedFile mapped = null;
        try {
            mapped = MappedFile.map(file, MapMode.SHARED, 0, size); // grows the file to size, zero-filled
            MemorySegment whole = mapped.segment();
            whole.set(INT_LE, VERSION_OFFSET, version);
            whole.set(INT_LE, HEADER_SIZE_OFFSET, HEADER_SIZE);
            whole.set(LONG_LE, SIZE_OFFSET, size);
            whole.set(LONG_LE, CREATOR_PID_OFFSET, ProcessHandle.current().pid());
            whole.set(LONG_LE, CREATED_MILLIS_OFFSET, System.currentTimeMillis());
            initialiser.accept(whole.asSlice(HEADER_SIZE));
            Atomics.setRelease(whole, MAGIC_OFFSET, MAGIC); // last: publishes everything above
            return new SharedRegion(mapped, true);
        } catch (IOException | RuntimeException | Error e) {
            if (mapped != null) {
                mapped.close();
            }
            Files.deleteIfExists(file);
            throw e;
        }
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 05.2: create, size, initialise, then publish the magic (see hint 05.2)");
        // SOLUTION-END
    }

    /**
     * Attaches to the region in {@code file}, waiting at most {@code timeout} for it to be created
     * and published.
     *
     * @param size    the region size this process expects (header included)
     * @param version the layout version this process understands
     * @throws RegionMismatchException  when the magic, the version, the header size or the size is
     *                                  not the expected one (also when the file exists but stays smaller
     *                                  than {@code size} until the timeout: field "size"); the message
     *                                  names the field, the value found and the one expected
     * @throws NoSuchFileException      when the file did not appear within the timeout
     * @throws IOException              when it cannot be mapped
     * @throws InterruptedException     when interrupted while waiting
     */
    public static SharedRegion attach(Path file, long size, int version, Duration timeout)
            throws IOException, InterruptedException {
        // SOLUTION-BEGIN 05.2
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(timeout, "timeout");
        long deadline = System.nanoTime() + timeout.toNanos();
        long fileSize = -1;
        while (true) { // bounded: until the deadline
            fileSize = Files.exists(file) ? Files.size(file) : -1;
            if (fileSize >= HEADER_SIZE && fileSize >= size) {
                break;
            }
            if (System.nanoTime() - deadline > 0) {
                if (fileSize < 0) {
                    throw new NoSuchFileException(file.toString(), null, "no region appeared within " + timeout);
                }
                throw new RegionMismatchException("size", "region " + file + " has size " + fileSize
                        + " after " + timeout + ", expected " + size);
            }
            Thread.sleep(1);
        }
        MappedFile mapped = MappedFile.map(file, MapMode.SHARED, 0, fileSize);
        try {
            MemorySegment whole = mapped.segment();
            long magic = Atomics.getAcquire(whole, MAGIC_OFFSET);
            while (magic != MAGIC && System.nanoTime() - deadline < 0) {
                Thread.onSpinWait();
                Thread.sleep(0, 100_000);
                magic = Atomics.getAcquire(whole, MAGIC_OFFSET); // acquire: then the header is complete
            }
            if (magic != MAGIC) {
                throw new RegionMismatchException("magic", "region " + file + " has magic 0x" + Long.toHexString(magic)
                        + ", expected 0x" + Long.toHexString(MAGIC) + " (\"MMKITIPC\"): not a region of this kit, or its"
                        + " creator has not published it within " + timeout);
            }
            expect(file, "version", whole.get(INT_LE, VERSION_OFFSET), version);
            expect(file, "header size", whole.get(INT_LE, HEADER_SIZE_OFFSET), HEADER_SIZE);
            expect(file, "size", whole.get(LONG_LE, SIZE_OFFSET), size);
            if (fileSize != size) {
                throw new RegionMismatchException("size", "region " + file + " is a file of " + fileSize
                        + " bytes, expected " + size);
            }
            return new SharedRegion(mapped, false);
        } catch (RuntimeException | Error e) {
            mapped.close();
            throw e;
        }
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 05.2: wait for the file and the magic, then check the header (see hint 05.2)");
        // SOLUTION-END
    }

    // SOLUTION-BEGIN 05.2
    private static void expect(Path file, String field, long found, long expected) {
        if (found != expected) {
            throw new RegionMismatchException(field, "region " + file + " has " + field + " " + found + ", expected "
                    + expected);
        }
    }
    // SOLUTION-END

    /** The data: everything after the header, starting on a 128-byte boundary. */
    public MemorySegment data() {
        return whole.asSlice(HEADER_SIZE);
    }

    /** The whole region, header included. */
    public MemorySegment whole() {
        return whole;
    }

    /** The layout version in the header. */
    public int version() {
        return whole.get(INT_LE, VERSION_OFFSET);
    }

    /** The process id of the creator. */
    public long creatorPid() {
        return whole.get(LONG_LE, CREATOR_PID_OFFSET);
    }

    /** Whether this process created the region (rather than attached to it). */
    public boolean isCreator() {
        return creator;
    }

    /** The file. */
    public Path file() {
        return file.file();
    }

    /** Unmaps the region; the file and its data stay for the other processes. */
    @Override
    public void close() {
        file.close();
    }

    @Override
    public String toString() {
        return "SharedRegion[" + file.file() + ", " + whole.byteSize() + " bytes, version " + version()
                + (creator ? ", created here" : ", attached") + "]";
    }
}
