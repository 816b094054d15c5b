package mmapkit.sync.sim;

import mmapkit.faults.PageRun;
import mmapkit.sync.Storage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The crash model: a page cache in front of a simulated disk that can lose power. It is how the kit
 * tests power loss, which a real machine here cannot do.
 *
 * {@snippet :
 * SimulatedPageCache cache = new SimulatedPageCache(4096, 4);  // 4 pages, all zero on "disk"
 * cache.write(0, new byte[] {1});        // page 0 dirty: in memory, not on disk
 * cache.write(8192, new byte[] {2});     // page 2 dirty
 * cache.flush(0, 1);                     // page 0 written to disk, clean again
 * SimulatedPageCache after = cache.crash(42);
 * after.read(0, 1);                      // [1]: flushed before the crash, always kept
 * after.read(8192, 1);                   // [2] or [0]: written since, kept or lost as seed 42 decides
 * }
 *
 * <h2>The model</h2>
 * Memory holds the latest bytes of every page; the disk holds what was flushed. A write changes
 * memory and marks its pages dirty. A flush copies the dirty pages of its range to the disk, whole
 * pages at a time, and marks them clean. A crash keeps the disk, and of the pages dirty at that
 * moment, a subset chosen by the seed reaches the disk in its latest state (as if the kernel's
 * write-back had got to it just in time); the rest keeps its older disk contents. A page is never
 * torn: a real device writes a page (or at least a 512-byte sector) as a whole or not at all,
 * which is what the log's checksums rely on.
 *
 * <p>{@link #cutPowerAfter} stops the program at any point between two operations: the next
 * operations throw {@link PowerCut}, and {@link #crash} then shows what the disk would hold.
 */
public final class SimulatedPageCache implements Storage {

    private final int pageSize;
    private final byte[] disk;
    private final byte[] memory;
    private final BitSet dirty = new BitSet();
    private final List<PageRun> flushes = new ArrayList<>();
    private long operations;
    private long operationsBeforeCut = Long.MAX_VALUE;

    /**
     * A cache of {@code pageCount} pages over a disk of zeros, with nothing dirty.
     *
     * @throws IllegalArgumentException for a page size or page count that is not positive, or a total
     *                                  over {@code Integer.MAX_VALUE - 8} bytes
     */
    public SimulatedPageCache(int pageSize, int pageCount) {
        this(pageSize, new byte[checkedSize(pageSize, pageCount)]);
    }

    private SimulatedPageCache(int pageSize, byte[] disk) {
        this.pageSize = pageSize;
        this.disk = disk;
        this.memory = disk.clone();
    }

    private static int checkedSize(int pageSize, int pageCount) {
        if (pageSize <= 0) {
            throw new IllegalArgumentException("pageSize " + pageSize + " must be positive");
        }
        if (pageCount <= 0) {
            throw new IllegalArgumentException("pageCount " + pageCount + " must be positive");
        }
        if ((long) pageSize * pageCount > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("pageSize " + pageSize + " times pageCount " + pageCount
                    + " is too large for one array");
        }
        return pageSize * pageCount;
    }

    /**
     * A cache over a copy of {@code diskImage}, as after a reboot: memory holds what the disk holds,
     * nothing is dirty.
     *
     * @throws IllegalArgumentException when the image is empty or not a whole number of pages
     */
    public static SimulatedPageCache overDisk(byte[] diskImage, int pageSize) {
        Objects.requireNonNull(diskImage, "diskImage");
        if (pageSize <= 0 || diskImage.length == 0 || diskImage.length % pageSize != 0) {
            throw new IllegalArgumentException("disk image of " + diskImage.length + " bytes must be a positive"
                    + " whole number of pages of " + pageSize + " bytes");
        }
        return new SimulatedPageCache(pageSize, diskImage.clone());
    }

    @Override
    public long size() {
        return disk.length;
    }

    @Override
    public int pageSize() {
        return pageSize;
    }

    /** How many pages it has. */
    public int pageCount() {
        return disk.length / pageSize;
    }

    /**
     * Reads memory: the latest bytes, flushed or not. A read is not an operation: it is never counted
     * in {@link #operations()} and never stopped by a power cut (the program can still look at its
     * memory until it stops).
     *
     * @throws IllegalArgumentException for a range that does not fit
     */
    @Override
    public byte[] read(long offset, int length) {
        // SOLUTION-BEGIN 04.4
        check(offset, length);
        return Arrays.copyOfRange(memory, (int) offset, (int) offset + length);
        // SOLUTION-STUB
        // throw new UnsupportedOperationException(
        //         "TODO 04.4: read " + length + " bytes of memory at offset " + offset + " (see hint 04.4)");
        // SOLUTION-END
    }

    /**
     * Writes memory and marks the pages it touches dirty; the disk is not touched. One operation,
     * also when {@code data} is empty.
     *
     * @throws IllegalArgumentException for a range that does not fit; checked first, so a refused
     *                                  write is no operation: not counted, and refused this way even
     *                                  after the power cut
     * @throws PowerCut once the power is cut; nothing is written then
     */
    @Override
    public void write(long offset, byte[] data) {
        // SOLUTION-BEGIN 04.4
        Objects.requireNonNull(data, "data");
        check(offset, data.length);
        operation("write(" + offset + ", " + data.length + " bytes)");
        if (data.length == 0) {
            return;
        }
        System.arraycopy(data, 0, memory, (int) offset, data.length);
        dirty.set((int) (offset / pageSize), (int) ((offset + data.length - 1) / pageSize) + 1);
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 04.4: write memory and mark the pages dirty (see hint 04.4)");
        // SOLUTION-END
    }

    /**
     * Copies the dirty pages that hold any byte of {@code [offset, offset + length)} to the disk and
     * marks them clean; records the flush in {@link #flushes()}. An empty range flushes nothing and
     * records nothing, but is one operation like any other flush.
     *
     * @throws IllegalArgumentException for a range that does not fit; checked first, so a refused
     *                                  flush is no operation: not counted, and refused this way even
     *                                  after the power cut
     * @throws PowerCut once the power is cut; nothing is flushed then
     */
    @Override
    public void flush(long offset, long length) {
        // SOLUTION-BEGIN 04.4
        check(offset, length);
        operation("flush(" + offset + ", " + length + ")");
        if (length == 0) {
            return;
        }
        int first = (int) (offset / pageSize);
        int last = (int) ((offset + length - 1) / pageSize);
        for (int page = dirty.nextSetBit(first); page >= 0 && page <= last; page = dirty.nextSetBit(page + 1)) {
            System.arraycopy(memory, page * pageSize, disk, page * pageSize, pageSize);
        }
        dirty.clear(first, last + 1);
        flushes.add(new PageRun(first, last - first + 1));
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 04.4: copy the dirty pages of the range to the disk (see hint 04.4)");
        // SOLUTION-END
    }

    /**
     * What the disk holds after a power cut now: a new cache over it, as after a reboot. Every page
     * flushed before is kept; each page dirty now reaches the disk in its latest state or keeps its
     * older disk contents, as {@code new SplittableRandom(seed)} decides, one {@code nextBoolean()}
     * per dirty page in ascending page order ({@code true}: it reached the disk). This cache is left
     * as it was. ({@code SplittableRandom} mixes its seed well, so consecutive seeds such as 0, 1, 2
     * give unrelated choices; {@code java.util.Random} would not: its first {@code nextBoolean()} is
     * {@code true} for every seed from 0 to 999.)
     */
    public SimulatedPageCache crash(long seed) {
        // SOLUTION-BEGIN 04.4
        SplittableRandom random = new SplittableRandom(seed);
        byte[] afterCrash = disk.clone();
        for (int page = dirty.nextSetBit(0); page >= 0; page = dirty.nextSetBit(page + 1)) {
            if (random.nextBoolean()) {
                System.arraycopy(memory, page * pageSize, afterCrash, page * pageSize, pageSize);
            }
        }
        return new SimulatedPageCache(pageSize, afterCrash);
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 04.4: keep the disk and a seeded subset of the dirty pages (see hint 04.4)");
        // SOLUTION-END
    }

    /** Whether page {@code page} was written since it was last flushed. */
    public boolean isDirty(int page) {
        return dirty.get(page);
    }

    /** How many pages are dirty. */
    public int dirtyPageCount() {
        return dirty.cardinality();
    }

    /** A copy of what the disk holds now (without a crash: only what was flushed). */
    public byte[] diskImage() {
        return disk.clone();
    }

    /** Every non-empty flush so far, as the run of pages it covered, in call order. */
    public List<PageRun> flushes() {
        return List.copyOf(flushes);
    }

    /** How many writes and flushes were made (including empty ones; never reads, never refused calls). */
    public long operations() {
        return operations;
    }

    /**
     * Cuts the power after {@code count} more writes or flushes: the one after them, and every later
     * one, throws {@link PowerCut} and changes nothing. 0 cuts it now.
     */
    public void cutPowerAfter(long count) {
        if (count < 0) {
            throw new IllegalArgumentException("count " + count + " must not be negative");
        }
        operationsBeforeCut = operations + count;
    }

    /** Whether the power is cut: operations now throw {@link PowerCut}. */
    public boolean powerCut() {
        return operations >= operationsBeforeCut;
    }

    /** Counts an operation, or throws when the power is cut. Call it after checking the arguments. */
    private void operation(String description) {
        if (powerCut()) {
            throw new PowerCut(description);
        }
        operations++;
    }

    private void check(long offset, long length) {
        if (offset < 0 || length < 0 || offset > disk.length || length > disk.length - offset) {
            throw new IllegalArgumentException("offset " + offset + " and length " + length
                    + " do not fit in " + disk.length + " bytes");
        }
    }

    @Override
    public String toString() {
        return "SimulatedPageCache[" + pageCount() + " pages of " + pageSize + " bytes, " + dirtyPageCount()
                + " dirty, " + flushes.size() + " flushes]";
    }
}
