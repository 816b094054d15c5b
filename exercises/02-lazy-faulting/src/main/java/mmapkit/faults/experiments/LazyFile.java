package mmapkit.faults.experiments;

import mmapkit.faults.ResidencyMap;
import mmapkit.faults.ResidencyPicture;
import mmapkit.faults.bench.ScratchFolder;
import mmapkit.faults.bench.Summary;
import mmapkit.faults.bench.Table;
import mmapkit.faults.natives.ResidencyCalls;
import mmapkit.faults.pager.LazyRegion;
import mmapkit.faults.pager.PageSource;
import mmapkit.mapping.Pages;
import mmapkit.mapping.process.ChildJvm;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Experiment: a file served lazily by a pager in user space, with userfaultfd. With a {@link LazyRegion}
 * over {@link PageSource#file}: which pages arrive, in which order, what one fault costs to serve, and
 * what happens when the handler forces garbage collections while readers wait in faults, once with
 * reads in native code (the kit's design) and once, in a child JVM given 5 s, with reads in Java code.
 */
public final class LazyFile {

    private static final long PAGE = Pages.size();
    private static final int PAGES = 1024;
    private static final String TOUCH_IN_JAVA = "--touch-in-java";

    private LazyFile() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 1 && args[0].equals(TOUCH_IN_JAVA)) {
            touchInJava();
            return;
        }
        Path folder = ScratchFolder.fresh(ScratchFolder.onDisk(), "lazy-file-");
        try {
            Path file = folder.resolve("served.bin");
            writeNumberedPages(file);
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                firstTouches(channel);
                latency(channel);
            }
            garbageCollections();
            javaTouch();
        } finally {
            ScratchFolder.deleteTree(folder);
        }
    }

    /** Every page starts with its own number (8 bytes), the rest is ones. */
    private static void writeNumberedPages(Path file) throws IOException {
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ByteBuffer page = ByteBuffer.allocate((int) PAGE).order(ByteOrder.nativeOrder());
            for (long number = 0; number < PAGES; number++) {
                page.clear();
                while (page.hasRemaining()) {
                    page.put((byte) 1);
                }
                page.putLong(0, number).rewind();
                out.write(page, number * PAGE);
            }
        }
    }

    private static void firstTouches(FileChannel channel) {
        System.out.printf("A %d-page file on %s, served lazily into a region of anonymous memory.%n", PAGES,
                ScratchFolder.fileSystemType(Path.of(System.getProperty("java.io.tmpdir"))));
        // tag::lazy-file[]
        try (LazyRegion region = LazyRegion.open(PAGES, PageSource.file(channel));
             Arena arena = Arena.ofConfined()) {
            MemorySegment number = arena.allocate(Long.BYTES);
            for (long page : new long[] {5, 60, 3, 4, 41}) {
                region.read(page * PAGE, number); // the first touch of the page: a fault, served from the file
                System.out.printf("read page %3d: it starts with %3d; faults so far %d%n", page,
                        number.get(ValueLayout.JAVA_LONG_UNALIGNED, 0), region.faults());
            }
            region.read(5 * PAGE, number); // page 5 is there: no fault
            System.out.println("page 5 again: faults so far " + region.faults());
            System.out.println("pages in the order served: " + region.pageOrder());
            ResidencyMap resident = residency(region, arena);
            System.out.println("resident (mincore): " + resident.residentCount() + " of " + PAGES + " pages");
            System.out.println("the first 64 pages:");
            System.out.println(ResidencyPicture.render(firstPages(resident, 64), 64));
        }
        // end::lazy-file[]
    }

    private static ResidencyMap residency(LazyRegion region, Arena arena) {
        MemorySegment vector = arena.allocate(region.pageCount());
        ResidencyCalls.mincore(region.address(), region.pageCount() * PAGE, vector);
        return ResidencyMap.fromVector(vector.toArray(ValueLayout.JAVA_BYTE));
    }

    private static ResidencyMap firstPages(ResidencyMap map, int pages) {
        byte[] vector = new byte[pages];
        for (int page = 0; page < pages; page++) {
            vector[page] = (byte) (map.isResident(page) ? 1 : 0);
        }
        return ResidencyMap.fromVector(vector);
    }

    private static void latency(FileChannel channel) {
        List<Long> order = new ArrayList<>();
        for (long page = 0; page < PAGES; page++) {
            order.add(page);
        }
        Collections.shuffle(order, new Random(4));
        double[] first = new double[PAGES];
        double[] again = new double[PAGES];
        try (LazyRegion region = LazyRegion.open(PAGES, PageSource.file(channel)); Arena arena = Arena.ofConfined()) {
            MemorySegment one = arena.allocate(1);
            // tag::fault-latency[]
            for (int i = 0; i < PAGES; i++) {
                long offset = order.get(i) * PAGE;
                long start = System.nanoTime();
                region.read(offset, one); // missing: a fault, a message, pread, UFFDIO_COPY, a wake-up
                long served = System.nanoTime();
                region.read(offset, one); // there now: a plain copy
                long end = System.nanoTime();
                first[i] = (served - start) / 1e3;
                again[i] = (end - served) / 1e3;
            }
            // end::fault-latency[]
        }
        Summary firstTouch = Summary.of("µs", false, first);
        Summary secondTouch = Summary.of("µs", false, again);
        System.out.println();
        System.out.printf("Reading one byte of each of the %d pages, in random order, the file in the page cache:%n", PAGES);
        Table table = Table.of(2, "read of one byte", "unit", "median", "p90", "p99");
        table.row("first touch: fault served from user space", "µs", firstTouch.median(), firstTouch.p90(), firstTouch.p99());
        table.row("second touch: page already there", "µs", secondTouch.median(), secondTouch.p90(), secondTouch.p99());
        System.out.print(table.toText());
    }

    /** Four readers wait in faults while the handler forces a collection before every page. */
    private static void garbageCollections() throws InterruptedException {
        PageSource collecting = (page, into) -> {
            System.gc(); // a safepoint: every thread in Java code must stop first
            PageSource.pattern().fill(page, into);
        };
        long start = System.nanoTime();
        int right;
        try (LazyRegion region = LazyRegion.open(64, collecting)) {
            List<Thread> readers = new ArrayList<>();
            int[] correct = new int[4];
            for (int r = 0; r < 4; r++) {
                int reader = r;
                readers.add(Thread.ofPlatform().start(() -> {
                    for (long page = reader * 16L; page < reader * 16L + 16; page++) {
                        if (region.read(page * PAGE, 1)[0] == PageSource.patternByte(page)) {
                            correct[reader]++;
                        }
                    }
                }));
            }
            for (Thread reader : readers) {
                reader.join(30_000);
            }
            right = correct[0] + correct[1] + correct[2] + correct[3];
        }
        System.out.println();
        System.out.printf("A System.gc() in the handler before each of 64 pages, 4 readers waiting in faults, reads in native"
                + " code:%n%d of 64 pages read right in %d ms.%n", right, (System.nanoTime() - start) / 1_000_000);
    }

    /** The same, with reads in Java code, in a child JVM that gets 5 s. */
    private static void javaTouch() throws InterruptedException {
        boolean ended;
        String output;
        try (ChildJvm child = ChildJvm.start(LazyFile.class, Duration.ofSeconds(5), TOUCH_IN_JAVA)) {
            ended = child.awaitExit().isPresent();
            output = child.output().strip();
        }
        System.out.println();
        System.out.println("The same with reads in Java code (MemorySegment.get on the region), in a child JVM:");
        System.out.println(ended ? "it ended: " + output
                : "after 5 s it had not ended: the reader waits in a fault taken in Java code, the handler waits in"
                + "\nSystem.gc() for a safepoint, and the safepoint waits for the reader. Killed. It printed: "
                + (output.isEmpty() ? "nothing" : output));
    }

    @SuppressWarnings("restricted") // a segment over the region's raw address: the very access this shows to deadlock
    // tag::java-touch[]
    private static void touchInJava() {
        PageSource collecting = (page, into) -> {
            System.gc();
            PageSource.pattern().fill(page, into);
        };
        try (LazyRegion region = LazyRegion.open(8, collecting)) {
            MemorySegment inJava = MemorySegment.ofAddress(region.address()).reinterpret(8 * PAGE);
            long sum = 0;
            for (long page = 0; page < 8; page++) {
                sum += inJava.get(ValueLayout.JAVA_BYTE, page * PAGE); // a fault taken in Java code: never do this
            }
            System.out.println("read 8 pages, sum " + sum);
        }
    }
    // end::java-touch[]
}
