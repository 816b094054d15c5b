package mmapkit.dirty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import mmapkit.course.Task;
import mmapkit.faults.PageRun;
import mmapkit.mapping.MapMode;
import mmapkit.mapping.MappedFile;
import mmapkit.mapping.Pages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.TreeSet;

@Task(id = "03.6", points = 15, title = "Find changed pages by hashing")
class PageHashTrackerTest {

    private static final long PAGE = Pages.size();

    private final Arena arena = Arena.ofShared();

    @AfterEach
    void closeArena() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }

    /** Page-aligned native memory filled with random bytes from {@code seed}. */
    private MemorySegment randomMemory(long bytes, long seed) {
        byte[] content = new byte[(int) bytes];
        new Random(seed).nextBytes(content);
        MemorySegment segment = arena.allocate(bytes, PAGE);
        MemorySegment.copy(content, 0, segment, ValueLayout.JAVA_BYTE, 0, content.length);
        return segment;
    }

    /** Flips every bit of the byte at {@code offset}: a store that surely changes the page. */
    private static void flip(MemorySegment segment, long offset) {
        segment.set(ValueLayout.JAVA_BYTE, offset, (byte) ~segment.get(ValueLayout.JAVA_BYTE, offset));
    }

    @Test
    void aFreshSnapshotSeesNoChange() {
        PageHashTracker hashes = PageHashTracker.snapshot(randomMemory(8 * PAGE, 1));
        assertThat(hashes.pageCount()).isEqualTo(8);
        assertThat(hashes.changedPages()).as("nothing was written since the snapshot").isEmpty();
        assertThat(hashes.changedRuns()).as("nothing was written since the snapshot").isEmpty();
    }

    @Test
    void storesStraightIntoTheSegmentAreFound() {
        long size = 12 * PAGE;
        MemorySegment segment = randomMemory(size, 2);
        PageHashTracker hashes = PageHashTracker.snapshot(segment);

        flip(segment, 2 * PAGE - 1); // last byte of page 1
        flip(segment, 2 * PAGE);     // first byte of page 2
        flip(segment, 6 * PAGE + 1234);
        flip(segment, size - 1);     // last byte of the last page
        assertThat(hashes.changedPages())
                .as("no tracker saw these stores, yet hashing each page again finds pages 1, 2, 6 and 11, in order")
                .containsExactly(1, 2, 6, 11);
        assertThat(hashes.changedRuns()).as("the same pages as runs: 1..2 coalesced")
                .containsExactly(new PageRun(1, 2), new PageRun(6, 1), new PageRun(11, 1));
        assertThat(hashes.changedPages()).as("asking does not move the baseline: a second question, same answer")
                .containsExactly(1, 2, 6, 11);
    }

    @Test
    void everyByteOfAPageCountsIncludingAPartialLastPage() {
        long size = 3 * PAGE + 13; // the last page has 13 bytes
        MemorySegment segment = randomMemory(size, 3);
        PageHashTracker hashes = PageHashTracker.snapshot(segment);
        assertThat(hashes.pageCount()).as("%d bytes: three whole pages and a partial one", size).isEqualTo(4);
        for (long offset : new long[] {0, 1, 7, 8, PAGE / 2, PAGE - 8, PAGE - 1, 3 * PAGE, size - 1}) {
            flip(segment, offset);
            long page = offset / PAGE;
            assertThat(hashes.changedPages()).as("one byte changed at offset %d: its page %d must be found (a hash"
                    + " of a page reads every byte, including the last ones of a page and of a partial page)", offset, page)
                    .containsExactly(page);
            flip(segment, offset); // back as it was
            assertThat(hashes.changedPages()).as("the byte at %d flipped back: the page is as in the snapshot again",
                    offset).isEmpty();
        }
    }

    @Test
    void hashingFindsTheSamePagesAsTheBitmapForWritesThatBypassIt() {
        long size = 256 * PAGE;
        MemorySegment tracked = arena.allocate(size, PAGE);   // zero-filled, written through DirtyTracker
        MemorySegment bypassed = arena.allocate(size, PAGE);  // zero-filled, written directly
        DirtyTracker tracker = DirtyTracker.over(tracked);
        PageHashTracker hashes = PageHashTracker.snapshot(bypassed);
        Random random = new Random(20260302);
        for (int round = 1; round <= 3; round++) {
            TreeSet<Long> expected = new TreeSet<>();
            for (int write = 0; write < 40; write++) {
                int length = 1 + random.nextInt(random.nextBoolean() ? 16 : (int) (2 * PAGE));
                long offset = random.nextLong(size - length + 1);
                byte[] data = new byte[length];
                for (int i = 0; i < length; i++) {
                    data[i] = (byte) (1 + random.nextInt(255)); // never 0: every byte written changes the memory
                }
                tracker.put(offset, data);
                MemorySegment.copy(data, 0, bypassed, ValueLayout.JAVA_BYTE, offset, length);
                for (long page = offset / PAGE; page <= (offset + length - 1) / PAGE; page++) {
                    expected.add(page);
                }
            }
            assertThat(hashes.changedRuns())
                    .as("round %d: 40 random writes (some across page boundaries) went through DirtyTracker into one"
                            + " segment and straight into another; comparing hashes with the snapshot must find"
                            + " exactly the pages the bitmap marked, the pages %s", round, expected)
                    .isEqualTo(tracker.dirtyRuns());
            assertThat(hashes.changedPages()).as("round %d: the changed pages one by one", round)
                    .containsExactly(expected.stream().mapToLong(Long::longValue).toArray());
            tracked.fill((byte) 0);
            bypassed.fill((byte) 0);
            tracker.clear();
            hashes.resnapshot(); // all zero again: the baseline for the next round
            assertThat(hashes.changedPages()).as("round %d: right after resnapshot() nothing has changed", round).isEmpty();
        }
    }

    @Test
    void storingTheSameBytesBackIsInvisibleToHashingButNotToTheBitmap() {
        MemorySegment segment = randomMemory(8 * PAGE, 5);
        DirtyTracker tracker = DirtyTracker.over(segment);
        PageHashTracker hashes = PageHashTracker.snapshot(segment);
        long offset = 4 * PAGE + 100;
        tracker.putLong(offset, segment.get(ValueLayout.JAVA_LONG_UNALIGNED, offset)); // the 8 bytes already there
        assertThat(tracker.dirtyRuns()).as("the bitmap records writes: page 4 was written, so it is dirty")
                .containsExactly(new PageRun(4, 1));
        assertThat(hashes.changedPages())
                .as("hashes compare content: page 4 holds the same bytes as at the snapshot, so it has the same hash"
                        + " and is not changed (for writing back that is right: the copy on disk is still correct)")
                .isEmpty();

        flip(segment, 6 * PAGE);
        flip(segment, 6 * PAGE);
        assertThat(hashes.changedPages()).as("page 6 changed and changed back between two questions: hashing cannot tell")
                .isEmpty();
    }

    @Test
    void resnapshotMakesThePresentContentTheBaseline(@TempDir Path dir) throws Exception {
        byte[] content = new byte[(int) (6 * PAGE)];
        new Random(6).nextBytes(content);
        Path file = Files.write(dir.resolve("data.bin"), content);
        try (MappedFile mapping = MappedFile.map(file, MapMode.SHARED)) {
            MemorySegment segment = mapping.segment();
            PageHashTracker hashes = PageHashTracker.snapshot(segment);
            flip(segment, 3 * PAGE + 5);
            assertThat(hashes.changedPages()).containsExactly(3);
            hashes.resnapshot();
            assertThat(hashes.changedPages()).as("after resnapshot() page 3's new content is the baseline").isEmpty();
            flip(segment, 5 * PAGE);
            assertThat(hashes.changedPages()).as("only what changed since the last snapshot").containsExactly(5);
            try (MappedFile readOnly = MappedFile.map(file, MapMode.READ_ONLY)) {
                PageHashTracker readers = PageHashTracker.snapshot(readOnly.segment());
                flip(segment, 0);
                assertThat(readers.changedPages())
                        .as("a read-only mapping of the same file is enough: the store through the other mapping"
                                + " changed the shared page cache, and page 0 hashes differently")
                        .containsExactly(0);
            }
        }
    }

    @Test
    void badInputIsRefusedAndAClosedSegmentFailsClearly() {
        assertThatThrownBy(() -> PageHashTracker.snapshot(null)).isInstanceOf(NullPointerException.class);
        Arena other = Arena.ofShared();
        MemorySegment segment = other.allocate(4 * PAGE, PAGE);
        PageHashTracker hashes = PageHashTracker.snapshot(segment);
        assertThat(hashes.changedPages()).isEmpty();
        other.close();
        assertThat(catchThrowable(hashes::changedPages))
                .as("the segment's arena is closed (its memory unmapped): refuse to read, and say it is closed")
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(hashes::resnapshot).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> PageHashTracker.snapshot(segment)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }
}
