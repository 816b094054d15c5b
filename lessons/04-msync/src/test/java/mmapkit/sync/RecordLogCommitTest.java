package mmapkit.sync;

import static mmapkit.sync.LogImages.payload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import mmapkit.course.Task;
import mmapkit.sync.RecordFormat.Mark;
import mmapkit.sync.RecordingStorage.Op;
import mmapkit.sync.sim.PowerCut;
import mmapkit.sync.sim.SimulatedPageCache;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

@Task(id = "04.5", points = 15, title = "Append and commit in a crash-safe order")
class RecordLogCommitTest {

    private static final int PAGE = 4096;  // not a page size: the crash model's own page
    private static final long DATA = RecordFormat.DATA_START;

    /** Seeds for crash(): 0, 1, 2, ... */
    private static long[] seeds(int count) {
        long[] seeds = new long[count];
        for (int i = 0; i < count; i++) {
            seeds[i] = i;
        }
        return seeds;
    }

    @Test
    void appendWritesEachRecordInTheFormatRightAfterTheLast() {
        SimulatedPageCache cache = new SimulatedPageCache(PAGE, 8);
        RecordLog log = RecordLog.create(cache);
        byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII);

        long first = log.append(hello);
        assertThat(first).as("the first record starts at RecordFormat.DATA_START").isEqualTo(DATA);
        byte[] header = cache.read(first, RecordFormat.HEADER_SIZE);
        ByteBuffer fields = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(fields.getInt(0)).as("bytes 0..3 of a record: the payload length, little-endian").isEqualTo(5);
        assertThat(fields.getInt(4)).as("bytes 4..7: RecordFormat.recordChecksum(offset %d, payload)", first)
                .isEqualTo(RecordFormat.recordChecksum(first, hello, 0, hello.length));
        assertThat(cache.read(first + 8, 5)).as("then the payload").isEqualTo(hello);
        assertThat(cache.read(first, 16)).as("all of it is what RecordFormat.encodeRecord gives, padding included")
                .isEqualTo(RecordFormat.encodeRecord(first, hello));

        long second = log.append(payload(12, 7));
        assertThat(second).as("8 bytes of header + 5 of payload = 13, padded to a multiple of 8: the next record at"
                + " offset %d", DATA + 16).isEqualTo(DATA + 16);
        assertThat(cache.read(second, 24)).isEqualTo(RecordFormat.encodeRecord(second, payload(12, 7)));
        long third = log.append(new byte[0]);
        assertThat(third).as("8 + 12 = 20 bytes, padded to 24").isEqualTo(DATA + 40);
        assertThat(log.append(payload(3, 1))).as("an empty payload still takes a header of 8 bytes")
                .isEqualTo(DATA + 48);

        assertThat(log.pendingCount()).as("four records appended, not yet committed").isEqualTo(4);
        assertThat(log.committedCount()).isZero();
        assertThat(log.sequence()).as("still commit 1, the one create made").isEqualTo(1);
        assertThat(log.committedEnd()).as("nothing committed past DATA_START yet").isEqualTo(DATA);
        assertThatThrownBy(() -> log.append(null), "a null payload").isInstanceOf(NullPointerException.class);
    }

    @Test
    void eachCommitWritesItsMarkIntoTheSlotThePreviousOneDidNotUse() {
        SimulatedPageCache cache = new SimulatedPageCache(PAGE, 8);
        RecordLog log = RecordLog.create(cache);
        log.append(payload(100, 1));
        log.append(payload(200, 2));
        long end = LogImages.endOf(List.of(payload(100, 1), payload(200, 2)));

        assertThat(log.commit()).as("commit returns the new sequence number").isEqualTo(2);
        assertThat(RecordFormat.slotOffset(2)).isZero();
        assertThat(LogImages.markAt(cache.diskImage(), 0)).as("commit 2 goes to slotOffset(2) = 0 (slot A): on the"
                + " disk, a mark for commit 2 whose committed end is just past the two records")
                .contains(new Mark(2, end));
        assertThat(LogImages.markAt(cache.diskImage(), RecordFormat.BLOCK))
                .as("slot B still holds commit 1 (create's): the previous mark is never overwritten by the next commit"
                        + " (the new mark goes to slotOffset of the new sequence number, not of the old one)")
                .contains(new Mark(1, DATA));
        assertThat(log.sequence()).isEqualTo(2);
        assertThat(log.committedEnd()).isEqualTo(end);
        assertThat(log.committedCount()).isEqualTo(2);
        assertThat(log.pendingCount()).isZero();

        log.append(payload(10, 3));
        long end3 = end + RecordFormat.recordSize(10);
        assertThat(log.commit()).isEqualTo(3);
        assertThat(LogImages.markAt(cache.diskImage(), RecordFormat.BLOCK)).as("commit 3 goes to slot B, over commit 1")
                .contains(new Mark(3, end3));
        assertThat(LogImages.markAt(cache.diskImage(), 0)).as("slot A keeps commit 2").contains(new Mark(2, end));
        assertThat(Summaries.records(log.records())).as("records() reads the committed records back")
                .isEqualTo(Summaries.records(List.of(payload(100, 1), payload(200, 2), payload(10, 3))));
    }

    /** Where in {@code ops} the first write into commit slot A (offset 0) is, or -1. */
    private static int markWrite(List<Op> ops) {
        for (int i = 0; i < ops.size(); i++) {
            if (!ops.get(i).flush() && ops.get(i).touches(0, RecordFormat.SLOT_SIZE)) {
                return i;
            }
        }
        return -1;
    }

    /** Whether one of {@code ops} flushes commit slot A. */
    private static boolean flushesSlotA(List<Op> ops) {
        return ops.stream().anyMatch(op -> op.flush() && op.touches(0, RecordFormat.SLOT_SIZE));
    }

    @Test
    void dataThenMarkFlushesTheRecordsBeforeItWritesTheMark() {
        SimulatedPageCache cache = new SimulatedPageCache(PAGE, 8);
        RecordingStorage storage = new RecordingStorage(cache);
        RecordLog log = RecordLog.create(storage);
        log.append(payload(3000, 1));
        log.append(payload(3000, 2)); // the two records fill bytes 8192..14207: pages 2 and 3
        long end = DATA + 2 * RecordFormat.recordSize(3000);
        int before = storage.ops().size();

        log.commit();

        List<Op> ops = storage.ops().subList(before, storage.ops().size());
        int mark = markWrite(ops);
        assertThat(mark).as("commit 2 writes its mark into slot A (offset 0); the commit did %s", ops).isNotNegative();
        assertThat(RecordingStorage.flushesCover(ops.subList(0, mark), DATA, end, PAGE))
                .as("before the mark is written, the records' pages (2 and 3) must be flushed: once written, a dirty"
                        + " mark may reach the disk at any moment (the kernel writes dirty pages back when it"
                        + " likes), and then it must not point at records that are not there; the commit did %s", ops)
                .isTrue();
        assertThat(flushesSlotA(ops.subList(mark + 1, ops.size())))
                .as("after the mark is written, its flush makes the commit durable; the commit did %s", ops).isTrue();
        assertThat(cache.dirtyPageCount()).as("after a DATA_THEN_MARK commit nothing is left unflushed").isZero();
    }

    @Test
    void aCrashRightAfterACommitKeepsItsMarkAndAllItsRecords() {
        SimulatedPageCache cache = new SimulatedPageCache(PAGE, 8);
        RecordLog log = RecordLog.create(cache);
        List<byte[]> payloads = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            payloads.add(payload(700 + 300 * i, i + 1));
            log.append(payloads.getLast());
        }
        log.commit();
        for (long seed : seeds(20)) {
            byte[] disk = cache.crash(seed).diskImage();
            Optional<Mark> mark = LogImages.newestMark(disk);
            assertThat(mark).as("crash(%d) right after commit 2 returned: the disk holds its mark", seed)
                    .contains(new Mark(2, LogImages.endOf(payloads)));
            LogImages.Decoded decoded = LogImages.decode(disk, mark.orElseThrow().committedEnd());
            assertThat(decoded.problem()).as("crash(%d): every record up to the mark's committed end checks out", seed)
                    .isEmpty();
            assertThat(Summaries.records(decoded.records())).as("crash(%d): the five records, as appended", seed)
                    .isEqualTo(Summaries.records(payloads));
        }
    }

    @Test
    void aPowerCutAnywhereInACommitNeverLeavesAMarkWhoseRecordsAreMissing() {
        List<byte[]> first = List.of(payload(500, 1), payload(900, 2));
        List<byte[]> second = List.of(payload(2500, 3), payload(3000, 4), payload(1200, 5)); // pages 2..4
        List<byte[]> both = new ArrayList<>(first);
        both.addAll(second);
        long[] seeds = seeds(16);
        boolean completed = false;
        for (int cut = 0; cut < 40 && !completed; cut++) {
            SimulatedPageCache cache = new SimulatedPageCache(PAGE, 8);
            RecordLog log = RecordLog.create(cache);
            first.forEach(log::append);
            log.commit();
            second.forEach(log::append);
            cache.cutPowerAfter(cut);
            try {
                log.commit();
                completed = true;
            } catch (PowerCut stopped) {
                // the program stops here, after `cut` writes and flushes of commit 3
            }
            for (long seed : seeds) {
                byte[] disk = cache.crash(seed).diskImage();
                Optional<Mark> mark = LogImages.newestMark(disk);
                assertThat(mark).as("power cut after %d operations of commit 3, crash(%d): a valid mark is always"
                        + " on the disk (commit 2's at least)", cut, seed).isPresent();
                LogImages.Decoded decoded = LogImages.decode(disk, mark.orElseThrow().committedEnd());
                assertThat(decoded.problem()).as("power cut after %d operations of commit 3, crash(%d): the newest mark"
                        + " on the disk is %s, and its records must be there too (flush them before the mark is"
                        + " written)", cut, seed, mark.get()).isEmpty();
                assertThat(LogImages.same(decoded.records(), first) || LogImages.same(decoded.records(), both))
                        .as("power cut after %d operations of commit 3, crash(%d): the disk holds commit 2's 2"
                                + " records or commit 3's 5, not %d", cut, seed, decoded.records().size()).isTrue();
                if (completed) {
                    assertThat(mark.get().sequence())
                            .as("commit 3 returned: it is on the disk whatever the crash keeps")
                            .isEqualTo(3);
                }
            }
        }
        assertThat(completed).as("commit 3 completes when the power stays on long enough (40 operations)").isTrue();
    }

    @Test
    void markThenDataFlushesTheMarkFirstAndNoFlushFlushesNothing() {
        SimulatedPageCache wrongCache = new SimulatedPageCache(PAGE, 8);
        RecordingStorage wrong = new RecordingStorage(wrongCache);
        RecordLog wrongLog = RecordLog.create(wrong, FlushPolicy.MARK_THEN_DATA);
        wrongLog.append(payload(5000, 1)); // pages 2 and 3
        long end = DATA + RecordFormat.recordSize(5000);
        int before = wrong.ops().size();
        wrongLog.commit();
        List<Op> ops = wrong.ops().subList(before, wrong.ops().size());
        int mark = markWrite(ops);
        assertThat(mark).as("MARK_THEN_DATA writes the mark of commit 2 into slot A; the commit did %s", ops)
                .isNotNegative();
        int markFlush = mark + 1;
        while (markFlush < ops.size() && !flushesSlotA(ops.subList(markFlush, markFlush + 1))) {
            markFlush++;
        }
        assertThat(markFlush).as("... and flushes it; the commit did %s", ops).isLessThan(ops.size());
        assertThat(RecordingStorage.flushesCover(ops.subList(0, markFlush), DATA, end, PAGE))
                .as("MARK_THEN_DATA is the deliberately wrong order: the mark is flushed before the records are;"
                        + " the commit did %s", ops).isFalse();
        assertThat(RecordingStorage.flushesCover(ops, DATA, end, PAGE)).as("then the records are flushed; the commit"
                + " did %s", ops).isTrue();
        assertThat(wrongCache.dirtyPageCount()).as("once the commit returns, all of it is flushed").isZero();
        assertThat(wrongLog.committedCount()).isEqualTo(1);

        SimulatedPageCache lazyCache = new SimulatedPageCache(PAGE, 8);
        RecordingStorage lazy = new RecordingStorage(lazyCache);
        RecordLog lazyLog = RecordLog.create(lazy, FlushPolicy.NO_FLUSH);
        lazyLog.append(payload(100, 2));
        int lazyBefore = lazy.ops().size();
        assertThat(lazyLog.commit()).isEqualTo(2);
        List<Op> lazyOps = lazy.ops().subList(lazyBefore, lazy.ops().size());
        assertThat(lazyOps).as("NO_FLUSH commits flush nothing (create flushes its format whatever the policy)")
                .noneMatch(Op::flush);
        assertThat(RecordFormat.decodeMark(lazyCache.read(0, RecordFormat.SLOT_SIZE), lazyCache.size()))
                .as("but the mark is written, into memory").contains(new Mark(2, DATA + RecordFormat.recordSize(100)));
        assertThat(LogImages.markAt(lazyCache.diskImage(), 0)).as("and not on the disk").isEmpty();
        assertThat(lazyLog.committedCount()).isEqualTo(1);
        assertThat(Summaries.records(lazyLog.records())).isEqualTo(Summaries.records(List.of(payload(100, 2))));
    }

    @Test
    void aCommitWithNothingAppendedWritesNothing() {
        SimulatedPageCache cache = new SimulatedPageCache(PAGE, 4);
        RecordLog log = RecordLog.create(cache);
        long operations = cache.operations();
        assertThat(log.commit()).as("nothing appended: commit returns the last sequence number, 1").isEqualTo(1);
        assertThat(cache.operations()).as("... and makes no write and no flush").isEqualTo(operations);

        log.append(payload(8, 8));
        assertThat(log.commit()).isEqualTo(2);
        long afterCommit = cache.operations();
        assertThat(log.commit()).as("again right after a commit").isEqualTo(2);
        assertThat(cache.operations()).as("again no write and no flush").isEqualTo(afterCommit);
        assertThat(log.sequence()).isEqualTo(2);
    }

    @Test
    void aRecordThatDoesNotFitIsRefusedAndNothingIsWritten() {
        SimulatedPageCache cache = new SimulatedPageCache(PAGE, 3); // one block of records: one simulated page
        RecordLog log = RecordLog.create(cache);
        assertThat(log.append(payload(4000, 1))).isEqualTo(DATA); // 4008 bytes: 88 left
        long operations = cache.operations();

        assertThatThrownBy(() -> log.append(payload(100, 2)),
                "a record of 100 payload bytes takes 112, and only 88 are left: the message names the sizes")
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("88")
                .satisfies(e -> assertThat(e.getMessage()).containsAnyOf("112", "100"));
        assertThat(cache.operations()).as("a refused record writes nothing").isEqualTo(operations);
        assertThat(log.pendingCount()).as("and is not pending").isEqualTo(1);

        assertThat(log.append(payload(80, 3))).as("80 bytes take exactly the 88 left").isEqualTo(DATA + 4008);
        assertThatThrownBy(() -> log.append(new byte[0]), "now 0 bytes are left, and even an empty record needs 8")
                .isInstanceOf(IllegalStateException.class);
        log.commit();
        assertThat(Summaries.records(log.records()))
                .isEqualTo(Summaries.records(List.of(payload(4000, 1), payload(80, 3))));
    }
}
