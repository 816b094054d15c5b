package mmapkit.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import mmapkit.course.Task;
import mmapkit.faults.PageRun;
import mmapkit.sync.sim.PowerCut;
import mmapkit.sync.sim.SimulatedPageCache;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

@Task(id = "04.4", points = 15, title = "Model a page cache that can lose power")
class SimulatedPageCacheTest {

    private static final int PAGE = 4096;  // not a page size: the crash model's own page

    private static byte[] filled(int length, int value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    /** Page {@code page} of an image, summarised as "page 3: all 4" so that a failure prints a line, not a page. */
    private static String page(byte[] image, int page) {
        return Summaries.page(image, page, PAGE);
    }

    /** What {@link #page} says of a page that holds {@code value} in every byte. */
    private static String pageOf(int page, int value) {
        return "page " + page + ": all " + (byte) value;
    }

    @Test
    void aWriteIsReadBackAtOnceAndDirtiesThePagesItTouchesButNotTheDisk() {
        SimulatedPageCache cache = new SimulatedPageCache(PAGE, 4);
        cache.write(PAGE - 4, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});

        assertThat(cache.read(PAGE - 4, 8)).as("a write is visible to reads at once")
                .containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
        assertThat(cache.read(PAGE - 6, 4)).as("bytes around it: two untouched zeros, then the first two written")
                .containsExactly(0, 0, 1, 2);
        assertThat(cache.isDirty(0)).as("the first 4 bytes landed in page 0").isTrue();
        assertThat(cache.isDirty(1)).as("the last 4 in page 1").isTrue();
        assertThat(cache.isDirty(2)).as("page 2 was not touched").isFalse();
        assertThat(cache.dirtyPageCount()).isEqualTo(2);
        assertThat(Summaries.pages(cache.diskImage(), PAGE)).as("a write changes memory only: the disk still holds"
                + " zeros")
                .containsExactly(pageOf(0, 0), pageOf(1, 0), pageOf(2, 0), pageOf(3, 0));

        cache.write(3 * PAGE - 8, new byte[8]);
        assertThat(cache.isDirty(3)).as("8 bytes that end exactly at the end of page 2 leave page 3 alone").isFalse();
        assertThat(cache.isDirty(2)).isTrue();
        cache.write(2 * PAGE, new byte[0]);
        cache.write(4 * PAGE, new byte[0]);
        assertThat(cache.dirtyPageCount()).as("a write of no bytes dirties no page, even at the end").isEqualTo(3);
        assertThat(cache.operations()).as("four writes, the empty ones included; the reads above are no operation"
                + " (operations() counts writes and flushes only)").isEqualTo(4);
    }

    @Test
    void aFlushCopiesTheWholeDirtyPagesOfItsRangeToTheDisk() {
        SimulatedPageCache cache = new SimulatedPageCache(PAGE, 4);
        cache.write(0, filled(3 * PAGE, 9)); // pages 0, 1, 2 dirty
        cache.flush(PAGE - 1, 2); // the last byte of page 0 and the first of page 1

        byte[] disk = cache.diskImage();
        assertThat(page(disk, 0)).as("page 0 holds a byte of the range: the whole page goes to the disk, not just"
                + " that byte").isEqualTo(pageOf(0, 9));
        assertThat(page(disk, 1)).as("page 1 too").isEqualTo(pageOf(1, 9));
        assertThat(page(disk, 2)).as("page 2 holds no byte of the range: not flushed").isEqualTo(pageOf(2, 0));
        assertThat(cache.isDirty(0)).as("a flushed page is clean").isFalse();
        assertThat(cache.isDirty(1)).isFalse();
        assertThat(cache.isDirty(2)).as("page 2 is still dirty").isTrue();
        assertThat(cache.flushes()).as("flushes() records the pages each flush covered")
                .containsExactly(new PageRun(0, 2));

        cache.flush(3 * PAGE, 0);
        assertThat(cache.flushes()).as("an empty flush flushes and records nothing").containsExactly(new PageRun(0, 2));
        cache.flush(2 * PAGE, 2 * PAGE);
        assertThat(page(cache.diskImage(), 2)).isEqualTo(pageOf(2, 9));
        assertThat(cache.dirtyPageCount()).isZero();
        assertThat(cache.flushes()).as("in call order").containsExactly(new PageRun(0, 2), new PageRun(2, 2));
        assertThat(cache.operations()).as("one write, three flushes (the empty one counts)").isEqualTo(4);
    }

    @Test
    void aCrashAlwaysKeepsWhatWasFlushed() {
        SimulatedPageCache cache = new SimulatedPageCache(PAGE, 4);
        cache.write(0, filled(2 * PAGE, 1));
        cache.flush(0, 2 * PAGE);            // pages 0 and 1 hold ones on the disk
        cache.write(PAGE, filled(PAGE, 2));  // page 1 rewritten since, dirty
        for (long seed = 0; seed < 200; seed++) {
            SimulatedPageCache after = cache.crash(seed);
            assertThat(page(after.read(0, 2 * PAGE), 0))
                    .as("seed %d: page 0 was flushed and not written since: always kept", seed).isEqualTo(pageOf(0, 1));
            assertThat(page(after.read(0, 2 * PAGE), 1))
                    .as("seed %d: page 1 is dirty: either its latest bytes (twos) reached the disk, or it keeps"
                            + " the ones flushed before; whole, never zeros, never a mix", seed)
                    .isIn(pageOf(1, 2), pageOf(1, 1));
        }
    }

    @Test
    void anUnflushedPageIsSometimesKeptAndSometimesLostAsTheSeedDecides() {
        SimulatedPageCache cache = new SimulatedPageCache(PAGE, 4);
        cache.write(2 * PAGE + 10, new byte[] {42});
        int kept = 0;
        int lost = 0;
        for (long seed = 0; seed < 64; seed++) {
            byte value = cache.crash(seed).read(2 * PAGE + 10, 1)[0];
            assertThat(value).as("seed %d: the byte is the one written (kept) or the zero on the disk (lost)", seed)
                    .isIn((byte) 42, (byte) 0);
            if (value == 42) {
                kept++;
            } else {
                lost++;
            }
            assertThat(Summaries.pages(cache.crash(seed).diskImage(), PAGE))
                    .as("seed %d again: the same seed gives the same disk", seed)
                    .isEqualTo(Summaries.pages(cache.crash(seed).diskImage(), PAGE));
        }
        assertThat(kept).as("over 64 seeds, a dirty page must sometimes reach the disk (kept %d, lost %d)", kept, lost)
                .isPositive();
        assertThat(lost).as("... and sometimes not (kept %d, lost %d)", kept, lost).isPositive();
    }

    @Test
    void eachDirtyPageIsKeptAsOneNextBooleanInAscendingPageOrderSays() {
        SimulatedPageCache cache = new SimulatedPageCache(PAGE, 8);
        int[] dirtyPages = {1, 3, 4, 7};
        for (int page : new int[] {7, 1, 4, 3}) { // written in any order: the order of the draws is the page order
            cache.write((long) page * PAGE, filled(PAGE, page + 1));
        }
        cache.write(5 * PAGE, filled(PAGE, 6));
        cache.flush(5 * PAGE, PAGE); // page 5 flushed: no draw for it
        for (long seed = 0; seed < 32; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            byte[] disk = cache.crash(seed).diskImage();
            for (int page : dirtyPages) {
                boolean reached = random.nextBoolean();
                assertThat(page(disk, page))
                        .as("seed %d, page %d: new SplittableRandom(seed), one nextBoolean() per dirty page in"
                                + " ascending order (pages 1, 3, 4, 7) says %s", seed, page,
                                reached ? "true: it reached the disk" : "false: it keeps the old disk contents")
                        .isEqualTo(pageOf(page, reached ? page + 1 : 0));
            }
            assertThat(page(disk, 5)).as("seed %d: page 5 was flushed", seed).isEqualTo(pageOf(5, 6));
        }
    }

    @Test
    void aCrashGivesARebootedCacheAndLeavesTheOriginalAsItWas() {
        SimulatedPageCache cache = new SimulatedPageCache(PAGE, 4);
        cache.write(0, filled(PAGE, 1));
        cache.flush(0, PAGE);
        cache.write(2 * PAGE, filled(10, 3));
        List<String> memoryBefore = Summaries.pages(cache.read(0, 4 * PAGE), PAGE);
        List<String> diskBefore = Summaries.pages(cache.diskImage(), PAGE);

        SimulatedPageCache after = cache.crash(7);

        assertThat(Summaries.pages(after.read(0, 4 * PAGE), PAGE))
                .as("after a reboot, memory holds what the disk holds")
                .isEqualTo(Summaries.pages(after.diskImage(), PAGE));
        assertThat(after.dirtyPageCount()).as("... and nothing is dirty").isZero();
        assertThat(after.pageCount()).isEqualTo(4);
        assertThat(after.pageSize()).isEqualTo(PAGE);
        assertThat(Summaries.pages(cache.read(0, 4 * PAGE), PAGE)).as("the crashed cache is left as it was: its memory")
                .isEqualTo(memoryBefore);
        assertThat(Summaries.pages(cache.diskImage(), PAGE)).as("its disk").isEqualTo(diskBefore);
        assertThat(cache.isDirty(2)).as("its dirty page").isTrue();
        assertThat(cache.flushes()).as("its flushes").containsExactly(new PageRun(0, 1));
        assertThat(Summaries.pages(cache.crash(7).diskImage(), PAGE))
                .as("so crashing it again with the same seed gives the same disk")
                .isEqualTo(Summaries.pages(after.diskImage(), PAGE));
    }

    @Test
    void afterAPowerCutEveryWriteAndFlushThrowsAndChangesNothing() {
        SimulatedPageCache cache = new SimulatedPageCache(PAGE, 4);
        cache.cutPowerAfter(2);
        cache.write(0, new byte[] {1});
        cache.write(PAGE, new byte[] {2});
        assertThat(cache.powerCut()).as("two operations done, the power is now cut").isTrue();

        assertThatThrownBy(() -> cache.flush(0, 2 * PAGE), "the third operation").isInstanceOf(PowerCut.class);
        assertThatThrownBy(() -> cache.write(2 * PAGE, new byte[] {3}), "and every later one")
                .isInstanceOf(PowerCut.class);
        assertThatThrownBy(() -> cache.flush(0, 0), "even an empty one").isInstanceOf(PowerCut.class);
        assertThat(Summaries.pages(cache.diskImage(), PAGE)).as("the flush that threw wrote nothing to the disk")
                .containsExactly(pageOf(0, 0), pageOf(1, 0), pageOf(2, 0), pageOf(3, 0));
        assertThat(cache.read(2 * PAGE, 1)).as("the write that threw changed no memory").containsExactly(0);
        assertThat(cache.isDirty(2)).as("... and dirtied nothing").isFalse();
        assertThat(cache.dirtyPageCount()).as("pages 0 and 1 are still dirty: the flush did not happen").isEqualTo(2);
        assertThat(cache.flushes()).isEmpty();
        assertThat(cache.operations()).as("only the two writes before the cut count").isEqualTo(2);
        assertThat(cache.read(0, 1)).as("reading still works: it is how the program looks before it stops")
                .containsExactly(1);
        assertThatThrownBy(() -> cache.write(4 * PAGE, new byte[1]),
                "a write past the end after the cut: refused for its range first (check before operation),"
                        + " not cut").isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> cache.flush(-1, 1), "a flush at offset -1 after the cut: refused for its range")
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(cache.operations()).as("reads and refused calls after the cut are no operation either")
                .isEqualTo(2);
        assertThat(cache.crash(1).read(2 * PAGE, 1)).as("what the write after the cut wanted never got anywhere")
                .containsExactly(0);

        SimulatedPageCache now = new SimulatedPageCache(PAGE, 2);
        now.cutPowerAfter(0);
        assertThatThrownBy(() -> now.write(0, new byte[] {1}), "cutPowerAfter(0) cuts it now")
                .isInstanceOf(PowerCut.class);
    }

    @Test
    void overDiskStartsFromACopyOfTheImageWithNothingDirty() {
        byte[] image = new byte[3 * PAGE];
        image[PAGE + 5] = 5;
        SimulatedPageCache cache = SimulatedPageCache.overDisk(image, PAGE);
        image[PAGE + 5] = 6;
        assertThat(cache.read(PAGE + 5, 1)).as("memory holds the image as it was given (a copy)").containsExactly(5);
        assertThat(cache.dirtyPageCount()).isZero();
        cache.write(PAGE + 5, new byte[] {7});
        assertThat(cache.diskImage()[PAGE + 5]).as("the disk still holds the image's byte until a flush")
                .isEqualTo((byte) 5);
        assertThat(page(cache.crash(3).read(0, PAGE), 0)).as("page 0 was never written").isEqualTo(pageOf(0, 0));
    }

    @Test
    void aRangeThatDoesNotFitIsRefusedAndChangesNothing() {
        SimulatedPageCache cache = new SimulatedPageCache(PAGE, 2);
        assertThatThrownBy(() -> cache.read(-1, 1), "read at offset -1").isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> cache.read(2 * PAGE - 1, 2), "read of 2 bytes at the last byte")
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> cache.read(0, -1), "read of length -1").isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> cache.write(2 * PAGE - 1, new byte[2]), "a write one byte past the end")
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> cache.write(Long.MAX_VALUE, new byte[1]), "a write at offset Long.MAX_VALUE")
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> cache.write(0, null), "a write of null").isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> cache.flush(PAGE, PAGE + 1), "a flush one byte past the end")
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> cache.flush(-PAGE, PAGE), "a flush at a negative offset")
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(cache.operations()).as("a refused read, write or flush is no operation: check the range before"
                + " counting").isZero();
        assertThat(cache.dirtyPageCount()).as("a refused write dirties nothing").isZero();
        assertThat(cache.read(2 * PAGE - 1, 1)).as("... and writes nothing, not even the byte that would fit")
                .containsExactly(0);
        assertThat(cache.flushes()).as("a refused flush records nothing").isEmpty();
        assertThat(cache.read(2 * PAGE, 0)).as("an empty read at the end fits").isEmpty();
    }
}
