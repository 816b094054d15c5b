package mmapkit.ipc;

import static mmapkit.ipc.IpcFiles.VERSION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import mmapkit.course.Task;
import mmapkit.course.TimeBudget;
import mmapkit.ipc.process.StoreWriter;
import mmapkit.mapping.process.ChildJvm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

@Task(id = "05.2", points = 15, title = "Create and attach to a shared region")
class SharedRegionTest {

    private static final long SIZE = 8192;  // not a page size: a region size, any size works
    /** Short: the refusals below wait this long for a magic that never comes. */
    private static final Duration SHORT = Duration.ofMillis(300);
    private static final Duration LONG_ENOUGH = TimeBudget.scaled(Duration.ofSeconds(15));

    private final IpcFixture fixture = IpcFixture.withOneThread();
    private final IpcFiles files = fixture.files();

    @AfterEach
    void cleanUp() throws InterruptedException {
        fixture.close();
    }

    private static ByteBuffer header(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        return ByteBuffer.wrap(Arrays.copyOf(bytes, SharedRegion.HEADER_SIZE)).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** What a refused attach did instead, to open a message: "" when it threw. */
    private static String instead(Throwable thrown) {
        return thrown == null ? "attach returned a region instead of refusing it: " : "";
    }

    /** A magic as a reader wants to see it: hex, and its eight bytes as text ("MMKITIPC"). */
    private static String magic(long value) {
        byte[] bytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, value).array();
        StringBuilder text = new StringBuilder();
        for (byte b : bytes) {
            text.append(b >= 0x20 && b < 0x7f ? (char) b : '.');
        }
        return String.format("0x%016x (\"%s\")", value, text);
    }

    @Test
    void createWritesTheHeaderAndPublishesTheMagic() throws Exception {
        Path file = files.path("header.region");
        long before = System.currentTimeMillis();
        try (SharedRegion region = SharedRegion.create(file, SIZE, 3)) {
            long after = System.currentTimeMillis();
            assertThat(Files.size(file)).as("the file is as large as the region, header included").isEqualTo(SIZE);
            ByteBuffer header = header(file);
            assertThat(magic(header.getLong((int) SharedRegion.MAGIC_OFFSET))).as("bytes 0..7: the magic \"MMKITIPC\"")
                    .isEqualTo(magic(SharedRegion.MAGIC));
            assertThat(header.getInt((int) SharedRegion.VERSION_OFFSET)).as("bytes 8..11: the version").isEqualTo(3);
            assertThat(header.getInt((int) SharedRegion.HEADER_SIZE_OFFSET)).as("bytes 12..15: the header size")
                    .isEqualTo(SharedRegion.HEADER_SIZE);
            assertThat(header.getLong((int) SharedRegion.SIZE_OFFSET)).as("bytes 16..23: the region size").isEqualTo(SIZE);
            assertThat(header.getLong((int) SharedRegion.CREATOR_PID_OFFSET)).as("bytes 24..31: the creator's pid")
                    .isEqualTo(ProcessHandle.current().pid());
            assertThat(header.getLong((int) SharedRegion.CREATED_MILLIS_OFFSET)).as("bytes 32..39: the creation time")
                    .isBetween(before, after);
            assertThat(Arrays.copyOfRange(header.array(), 40, SharedRegion.HEADER_SIZE)).as("bytes 40..127 are reserved: zero")
                    .containsOnly(0);
            assertThat(region.isCreator()).isTrue();
            assertThat(region.data().byteSize()).as("the data is everything after the 128-byte header")
                    .isEqualTo(SIZE - SharedRegion.HEADER_SIZE);
            assertThat(region.data().toArray(ValueLayout.JAVA_BYTE)).as("create initialises the data with zeros").containsOnly(0);
        }
    }

    @Test
    void aStoreByAnotherProcessIsSeenThroughThisMappingWithoutMsync() throws Exception {
        long value = 0x5EED_0000_1234_5678L;
        try (SharedRegion region = files.region("store.region", 4096);  // not a page size: a region size, any size works
                ChildJvm writer = ChildJvm.start(StoreWriter.class, TimeBudget.scaled(Duration.ofSeconds(30)),
                        IpcFiles.childArgs(region, "64", String.valueOf(value)))) {
            writer.awaitLine("stored"::equals, TimeBudget.scaled(Duration.ofSeconds(25)));
            assertThat(writer.waitFor()).as("StoreWriter exits normally; it printed:%n%s", writer.output()).isZero();
            assertThat(region.data().get(ValueLayout.JAVA_LONG, 64))
                    .as("the child attached to %s with its own mapping and stored %#x at offset 64 of the data; this"
                            + " process's mapping shows it at once: both map the same shared-memory pages, and no"
                            + " msync, no write(2), no copy was needed", region.file(), value)
                    .isEqualTo(value);
        }
    }

    @Test
    void attachWaitsForARegionThatIsCreatedLater() throws Exception {
        Path file = files.path("later.region");
        long start = System.nanoTime();
        Future<SharedRegion> attached =
                fixture.executor().submit(() -> SharedRegion.attach(file, SIZE, VERSION, LONG_ENOUGH));
        Thread.sleep(300);
        assertThat(attached.isDone()).as("attach(..., %s) must wait while the file does not exist; it ended with: %s",
                LONG_ENOUGH, attached.isDone() ? outcome(attached) : "").isFalse();
        try (SharedRegion created = SharedRegion.create(file, SIZE, VERSION,
                data -> data.set(ValueLayout.JAVA_LONG, 0, 4242L));
                SharedRegion region = attached.get(LONG_ENOUGH.toSeconds(), TimeUnit.SECONDS)) {
            long waitedMillis = (System.nanoTime() - start) / 1_000_000;
            assertThat(waitedMillis).as("attach returned after the creation, 300 ms after it started").isGreaterThanOrEqualTo(250);
            assertThat(created.isCreator()).as("the region create() returned is its creator").isTrue();
            assertThat(region.isCreator()).as("the attached region was not created by attach").isFalse();
            assertThat(region.version()).isEqualTo(VERSION);
            assertThat(region.creatorPid()).isEqualTo(ProcessHandle.current().pid());
            assertThat(region.data().get(ValueLayout.JAVA_LONG, 0))
                    .as("the attacher sees what the creator's initialiser wrote: the magic it acquire-loaded was"
                            + " release-stored after the initialiser ran").isEqualTo(4242L);
        }
    }

    @Test
    void attachWaitsWhileTheFileIsEmptyOrUnpublished() throws Exception {
        Path file = files.path("staged.region");
        Files.createFile(file); // stage 1: the creator made the file, nothing more
        Future<SharedRegion> attached =
                fixture.executor().submit(() -> SharedRegion.attach(file, SIZE, VERSION, LONG_ENOUGH));
        Thread.sleep(200);
        assertThat(attached.isDone()).as("an empty file is a region being created (mapping it and reading the header"
                + " would raise SIGBUS): attach must wait; it ended with: %s", attached.isDone() ? outcome(attached) : "")
                .isFalse();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(new byte[] {0}), SIZE - 1); // stage 2: the size, all zeros, no magic
            Thread.sleep(200);
            assertThat(attached.isDone()).as("a file of the right size whose magic is 0 is not published yet: attach"
                    + " must go on waiting; it ended with: %s", attached.isDone() ? outcome(attached) : "").isFalse();
            ByteBuffer header = ByteBuffer.allocate(SharedRegion.HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
            header.putInt((int) SharedRegion.VERSION_OFFSET, VERSION).putInt((int) SharedRegion.HEADER_SIZE_OFFSET,
                    SharedRegion.HEADER_SIZE).putLong((int) SharedRegion.SIZE_OFFSET, SIZE)
                    .putLong((int) SharedRegion.CREATOR_PID_OFFSET, 1);
            header.position(8);
            channel.write(header, 8); // stage 3: the header but the magic
            channel.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, SharedRegion.MAGIC), 0); // last
        }
        try (SharedRegion region = attached.get(LONG_ENOUGH.toSeconds(), TimeUnit.SECONDS)) {
            assertThat(region.creatorPid()).as("attached once the magic appeared, reading the header written before it")
                    .isEqualTo(1);
        }
    }

    @Test
    void theInitialiserRunsBeforeTheRegionIsPublished() throws Exception {
        Path file = files.path("init.region");
        AtomicReference<Long> magicDuringInit = new AtomicReference<>();
        AtomicReference<Throwable> attachDuringInit = new AtomicReference<>();
        AtomicReference<Long> dataSize = new AtomicReference<>();
        try (SharedRegion region = SharedRegion.create(file, SIZE, VERSION, data -> {
            dataSize.set(data.byteSize());
            data.set(ValueLayout.JAVA_LONG, 8, 77L);
            try {
                magicDuringInit.set(header(file).getLong(0));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            attachDuringInit.set(catchThrowable(() -> SharedRegion.attach(file, SIZE, VERSION, SHORT).close()));
        })) {
            assertThat(dataSize.get()).as("the initialiser gets the data, without the header")
                    .isEqualTo(SIZE - SharedRegion.HEADER_SIZE);
            assertThat(magic(magicDuringInit.get())).as("while the initialiser runs, the file's magic is still 0: the"
                    + " magic is written last, so nobody attaches to a half-initialised region").isEqualTo(magic(0));
            assertThat(attachDuringInit.get()).as("an attach during the initialiser waits %s for the magic, then is"
                    + " refused", SHORT).isInstanceOf(RegionMismatchException.class);
            assertThat(((RegionMismatchException) attachDuringInit.get()).field()).isEqualTo("magic");
            assertThat(magic(header(file).getLong(0))).as("after create the magic is there")
                    .isEqualTo(magic(SharedRegion.MAGIC));
            assertThat(region.data().get(ValueLayout.JAVA_LONG, 8)).isEqualTo(77L);
        }
    }

    @Test
    void attachingWithAnotherVersionIsRefusedNamingTheField() throws Exception {
        try (SharedRegion region = files.region("version.region", 1024)) {
            Throwable refused = catchThrowable(() -> SharedRegion.attach(region.file(), region.whole().byteSize(), 6, SHORT));
            assertThat(refused).as(instead(refused) + "the region has version %d, this attacher understands 6", VERSION)
                    .isInstanceOf(RegionMismatchException.class)
                    .hasMessageContaining("version").hasMessageContaining("6").hasMessageContaining(String.valueOf(VERSION));
            assertThat(((RegionMismatchException) refused).field()).as("field()").isEqualTo("version");
        }
    }

    @Test
    void attachingWithAnotherSizeIsRefusedNamingTheField() throws Exception {
        try (SharedRegion region = files.region("size.region", SIZE - SharedRegion.HEADER_SIZE)) {
            long expected = SIZE / 2; // any other region size
            Throwable smaller = catchThrowable(() -> SharedRegion.attach(region.file(), expected, VERSION, SHORT));
            assertThat(smaller).as(instead(smaller) + "a region of %d bytes, attached expecting %d", SIZE, expected)
                    .isInstanceOf(RegionMismatchException.class).hasMessageContaining("size")
                    .hasMessageContaining(String.valueOf(expected)).hasMessageContaining(String.valueOf(SIZE));
            assertThat(((RegionMismatchException) smaller).field()).as("field()").isEqualTo("size");

            Throwable larger = catchThrowable(() -> SharedRegion.attach(region.file(), 2 * SIZE, VERSION, SHORT));
            assertThat(larger).as(instead(larger) + "a region of %d bytes, attached expecting %d: after waiting %s for it to grow,"
                    + " refused", SIZE, 2 * SIZE, SHORT).isInstanceOf(RegionMismatchException.class);
            assertThat(((RegionMismatchException) larger).field()).as("field()").isEqualTo("size");
        }
    }

    @Test
    void aFileThatStaysShorterThanTheRegionIsRefusedOnItsSizeAndNotGrown() throws Exception {
        Path file = files.path("short.region");
        byte[] start = new byte[1024];
        Files.write(file, start); // exists, but never reaches SIZE: a creator that died before giving it its size
        long start0 = System.nanoTime();
        Throwable refused = catchThrowable(() -> SharedRegion.attach(file, SIZE, VERSION, SHORT));
        long millis = (System.nanoTime() - start0) / 1_000_000;
        assertThat(refused).as(instead(refused) + "a file of 1024 bytes that stays shorter than the region's %d bytes for the whole %s:"
                + " attach waits for the size before it maps the file, then is refused", SIZE, SHORT)
                .isInstanceOf(RegionMismatchException.class);
        assertThat(((RegionMismatchException) refused).field()).as("field(): the size is what never came (an attacher"
                + " that mapped the short file grew it and then found no magic)").isEqualTo("size");
        assertThat(Files.size(file)).as("attach never writes: mapping a short file SHARED grows it, which an attacher must"
                + " not do; wait for the file to reach its size before you map it").isEqualTo(1024);
        assertThat(millis).as("milliseconds until the refusal: after the timeout of %s, not at once", SHORT)
                .isGreaterThanOrEqualTo(SHORT.toMillis() - 20);
    }

    @Test
    void aFileWithoutTheMagicIsRefused() throws Exception {
        Path file = files.path("garbage.bin");
        byte[] garbage = new byte[(int) SIZE];
        new Random(5).nextBytes(garbage);
        Files.write(file, garbage);
        Throwable refused = catchThrowable(() -> SharedRegion.attach(file, SIZE, VERSION, SHORT));
        assertThat(refused).as(instead(refused) + "a file of the right size that holds no magic: not a region of this kit (or one whose"
                + " creator died before publishing it)").isInstanceOf(RegionMismatchException.class)
                .hasMessageContaining("magic");
        assertThat(((RegionMismatchException) refused).field()).as("field()").isEqualTo("magic");
        assertThat(Files.readAllBytes(file)).as("a refused attach changes nothing in the file").isEqualTo(garbage);
    }

    @Test
    void anotherHeaderSizeIsRefusedNamingTheField() throws Exception {
        Path file = files.path("header-size.region");
        SharedRegion.create(file, SIZE, VERSION).close();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 256),
                    SharedRegion.HEADER_SIZE_OFFSET);
        }
        Throwable refused = catchThrowable(() -> SharedRegion.attach(file, SIZE, VERSION, SHORT));
        assertThat(refused).as(instead(refused) + "a header that says it is 256 bytes long: the data would not start where this process"
                + " thinks").isInstanceOf(RegionMismatchException.class);
        assertThat(((RegionMismatchException) refused).field()).as("field()").isEqualTo("header size");
    }

    @Test
    void attachingNeverWritesTheHeader() throws Exception {
        try (SharedRegion region = files.region("readonly-header.region", 4096,  // not a page size: any region size works
                data -> data.set(ValueLayout.JAVA_LONG, 0, 9L))) {
            Path file = region.file();
            long size = region.whole().byteSize();
            byte[] before = Files.readAllBytes(file);
            try (SharedRegion attached = SharedRegion.attach(file, size, VERSION, LONG_ENOUGH)) {
                assertThat(attached.data().get(ValueLayout.JAVA_LONG, 0)).isEqualTo(9L);
            }
            catchThrowable(() -> SharedRegion.attach(file, size, VERSION + 1, SHORT));
            catchThrowable(() -> SharedRegion.attach(file, size - 8, VERSION, SHORT));
            assertThat(Files.readAllBytes(file)).as("one attach and two refused ones leave every byte as it was: an"
                    + " attacher that rewrote the header (or zeroed the data) would reset state other processes use")
                    .isEqualTo(before);
        }
    }

    @Test
    void attachingToAFileThatNeverAppearsTimesOut() {
        Path file = files.path("never.region");
        long start = System.nanoTime();
        Throwable refused = catchThrowable(() -> SharedRegion.attach(file, SIZE, VERSION, SHORT));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(refused).as(instead(refused) + "no file within %s", SHORT).isInstanceOf(NoSuchFileException.class);
        assertThat(millis).as("attach waits its timeout for the file (the creator may be late), and not much longer")
                .isGreaterThanOrEqualTo(SHORT.toMillis() * 9 / 10).isLessThan(SHORT.toMillis() + 5_000);
        assertThat(Files.exists(file)).as("attach never creates the file").isFalse();
    }

    @Test
    void createRefusesAFileThatExistsAndLeavesItAlone() throws Exception {
        Path other = files.path("someone-else.txt");
        Files.writeString(other, "someone else's data");
        assertThatThrownBy(() -> SharedRegion.create(other, SIZE, VERSION),
                "a file that exists may be another program's, or a region other processes use: one region, one"
                        + " creator")
                .isInstanceOf(FileAlreadyExistsException.class);
        assertThat(Files.readString(other)).as("and it is left as it was").isEqualTo("someone else's data");

        try (SharedRegion first = files.region("twice.region", 1024)) {
            first.data().set(ValueLayout.JAVA_LONG, 0, 31L);
            assertThatThrownBy(() -> SharedRegion.create(first.file(), first.whole().byteSize(), VERSION),
                    "creating a region a second time")
                    .isInstanceOf(FileAlreadyExistsException.class);
            assertThat(first.data().get(ValueLayout.JAVA_LONG, 0)).as("the first region keeps its data").isEqualTo(31L);
            assertThat(Files.exists(first.file())).as("and its file").isTrue();
        }
    }

    @Test
    void createRefusesABadSizeOrVersion() {
        for (long size : new long[] {SharedRegion.HEADER_SIZE, 100, 4100}) {
            Path file = files.path("bad-size.region");
            assertThatThrownBy(() -> SharedRegion.create(file, size, VERSION), "size %d: a multiple of 8 larger than the header", size)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("size").hasMessageContaining(String.valueOf(size));
        }
        assertThatThrownBy(() -> SharedRegion.create(files.path("bad-version.region"), SIZE, 0), "version 0")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("version");
    }

    @Test
    void closingUnmapsButKeepsTheFileAndItsData() throws Exception {
        Path file;
        try (SharedRegion region = files.region("kept.region", 1024)) {
            file = region.file();
            region.data().set(ValueLayout.JAVA_LONG, 1016, 5L);
        }
        assertThat(Files.exists(file)).as("close() unmaps; the file stays for the other processes").isTrue();
        try (SharedRegion again = SharedRegion.attach(file, IpcFiles.regionSize(1024), VERSION, SHORT)) {
            assertThat(again.data().get(ValueLayout.JAVA_LONG, 1016)).as("what was stored before close").isEqualTo(5L);
        }
    }

    private static String outcome(Future<SharedRegion> done) {
        try {
            SharedRegion region = done.get();
            region.close();
            return "a region " + region;
        } catch (Exception e) {
            return String.valueOf(e.getCause() == null ? e : e.getCause());
        }
    }
}
