package mmapkit.sync;

import static mmapkit.sync.LogImages.endOf;
import static mmapkit.sync.LogImages.image;
import static mmapkit.sync.LogImages.payload;
import static mmapkit.sync.Messages.saying;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import mmapkit.course.Task;
import mmapkit.sync.RecordFormat.Mark;
import mmapkit.sync.sim.CrashTrials;
import mmapkit.sync.sim.CrashTrials.Outcome;
import mmapkit.sync.sim.CrashTrials.Verdict;
import mmapkit.sync.sim.SimulatedPageCache;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;

@Task(id = "04.6", points = 20, title = "Recover the last commit after a crash")
class RecordLogRecoveryTest {

    private static final int SIZE = 8 * 4096;  // not a page size: a log of 8 blocks of the crash model
    private static final long DATA = RecordFormat.DATA_START;
    private static final long SLOT_B = RecordFormat.BLOCK;

    private static final List<byte[]> RECORDS =
            List.of(payload(100, 1), payload(3000, 2), payload(17, 3), payload(0, 4));

    /** The first {@code n} of RECORDS. */
    private static List<byte[]> first(int n) {
        return RECORDS.subList(0, n);
    }

    /** Where record {@code i} of RECORDS starts. */
    private static long offsetOf(int i) {
        return endOf(first(i));
    }

    private static RecordLog open(byte[] image) {
        return RecordLog.open(new ReadOnlyImage(image));
    }

    @Test
    void recoversTheRecordsOfTheNewestCommit() {
        byte[] image = image(SIZE, first(3), new Mark(2, endOf(first(3))), new Mark(1, DATA));
        RecordLog log = open(image);
        assertThat(Summaries.records(log.records())).as("commit 2 holds the first three records")
                .isEqualTo(Summaries.records(first(3)));
        assertThat(log.sequence()).as("the sequence of the newest valid mark").isEqualTo(2);
        assertThat(log.committedEnd()).isEqualTo(endOf(first(3)));
        assertThat(log.committedCount()).as("open counts the committed records").isEqualTo(3);
        assertThat(log.pendingCount()).isZero();
        assertThat(log.policy()).isEqualTo(FlushPolicy.DATA_THEN_MARK);
        assertThat(RecordLog.open(new ReadOnlyImage(image), FlushPolicy.NO_FLUSH).policy())
                .isEqualTo(FlushPolicy.NO_FLUSH);

        RecordLog empty = open(image(SIZE, List.of(), new Mark(1, DATA)));
        assertThat(empty.records()).as("a log as create leaves it: commit 1, no record").isEmpty();
        assertThat(empty.sequence()).isEqualTo(1);
        assertThat(empty.committedCount()).isZero();
    }

    @Test
    void theHighestSequenceWinsInWhicheverSlotItIs() {
        byte[] bNewer = image(SIZE, first(3), new Mark(4, endOf(first(2))), new Mark(5, endOf(first(3))));
        assertThat(open(bNewer).sequence()).as("commit 4 in slot A, commit 5 in slot B: 5 is the newest").isEqualTo(5);
        assertThat(Summaries.records(open(bNewer).records())).isEqualTo(Summaries.records(first(3)));

        byte[] aNewer = image(SIZE, first(3), new Mark(6, endOf(first(1))), new Mark(5, endOf(first(3))));
        assertThat(open(aNewer).sequence()).as("commit 6 in slot A, commit 5 in slot B: 6 is the newest").isEqualTo(6);
        assertThat(Summaries.records(open(aNewer).records())).as("commit 6 holds only the first record (the sequence"
                + " decides, not the committed end)").isEqualTo(Summaries.records(first(1)));
    }

    @Test
    void recordsAfterTheCommittedEndWereNeverCommittedAndAreForgotten() {
        byte[] image = image(SIZE, first(4), new Mark(2, endOf(first(2))), new Mark(1, DATA));
        RecordLog log = open(image);
        assertThat(Summaries.records(log.records())).as("records 2 and 3 are on the storage, past the committed end:"
                + " appended, never committed").isEqualTo(Summaries.records(first(2)));
        assertThat(log.committedCount()).isEqualTo(2);
        assertThat(log.committedEnd()).isEqualTo(endOf(first(2)));
    }

    @Test
    void aTornOrGarbageNewestSlotLeavesTheOlderCommitInCharge() {
        Mark older = new Mark(2, endOf(first(2)));
        Mark newer = new Mark(3, endOf(first(3))); // slot B
        byte[] flipped = image(SIZE, first(3), older, newer);
        flipped[(int) SLOT_B + 17] ^= 0x40; // one bit of commit 3's committed end
        assertThat(open(flipped).sequence()).as("commit 3's slot fails its checksum: commit 2 is the newest valid mark")
                .isEqualTo(2);
        assertThat(Summaries.records(open(flipped).records())).isEqualTo(Summaries.records(first(2)));

        byte[] torn = image(SIZE, first(3), older, new Mark(1, DATA));
        System.arraycopy(RecordFormat.encodeMark(newer), 0, torn, (int) SLOT_B, 16); // half of commit 3 over commit 1
        assertThat(open(torn).sequence()).as("a slot half old, half new (torn by a crash): not a valid mark")
                .isEqualTo(2);

        byte[] garbage = image(SIZE, first(3), older);
        byte[] noise = new byte[RecordFormat.SLOT_SIZE];
        new Random(4).nextBytes(noise);
        System.arraycopy(noise, 0, garbage, (int) SLOT_B, noise.length);
        assertThat(Summaries.records(open(garbage).records())).as("garbage in slot B")
                .isEqualTo(Summaries.records(first(2)));
    }

    @Test
    void storageWithoutAValidMarkIsCorrupt() {
        assertThatThrownBy(() -> open(new byte[SIZE]), "all zeros: never formatted as a log")
                .isInstanceOf(CorruptLogException.class).satisfies(saying("no valid commit mark"));
        byte[] noise = new byte[SIZE];
        new Random(5).nextBytes(noise);
        assertThatThrownBy(() -> open(noise), "random bytes").isInstanceOf(CorruptLogException.class)
                .satisfies(saying("no valid commit mark"));
    }

    @Test
    void aDamagedCommittedRecordIsCorruptAndNamesItsOffset() {
        byte[] image = image(SIZE, first(3), new Mark(2, endOf(first(3))), new Mark(1, DATA));
        long damaged = offsetOf(2);
        image[(int) damaged + RecordFormat.HEADER_SIZE + 5] ^= 1; // one bit of the third record's payload
        assertThatThrownBy(() -> open(image), "the third committed record, at offset %d, fails its checksum", damaged)
                .isInstanceOfSatisfying(CorruptLogException.class, e -> assertThat(e.offset()).isEqualTo(damaged))
                .hasMessageContaining("offset " + damaged);

        byte[] uncommitted = image(SIZE, first(4), new Mark(2, endOf(first(2))), new Mark(1, DATA));
        uncommitted[(int) offsetOf(2) + RecordFormat.HEADER_SIZE + 5] ^= 1;
        assertThat(Summaries.records(open(uncommitted).records())).as("damage past the committed end is no damage to"
                + " the log: it was never committed").isEqualTo(Summaries.records(first(2)));
    }

    @Test
    void aMarkThatPointsPastItsRecordsIsCorrupt() {
        byte[] zeros = image(SIZE, List.of(), new Mark(2, DATA + 64), new Mark(1, DATA));
        assertThatThrownBy(() -> open(zeros),
                "a mark whose records never reached the disk: zeros at offset %d do not pass for a record (the"
                        + " checksum covers the offset)", DATA)
                .isInstanceOfSatisfying(CorruptLogException.class, e -> assertThat(e.offset()).isEqualTo(DATA));

        long second = offsetOf(1);
        byte[] cut = image(SIZE, first(2), new Mark(2, second + 8), new Mark(1, DATA));
        assertThatThrownBy(() -> open(cut),
                "the committed end lies inside the record at offset %d: its length runs past it", second)
                .isInstanceOfSatisfying(CorruptLogException.class, e -> assertThat(e.offset()).isEqualTo(second))
                .hasMessageContaining("offset " + second);

        byte[] negative = image(SIZE, first(2), new Mark(2, endOf(first(2))), new Mark(1, DATA));
        ByteBuffer.wrap(negative).order(ByteOrder.LITTLE_ENDIAN).putInt((int) DATA, -8);
        assertThatThrownBy(() -> open(negative), "a header claiming -8 bytes at offset %d", DATA)
                .isInstanceOfSatisfying(CorruptLogException.class, e -> assertThat(e.offset()).isEqualTo(DATA));

        byte[] huge = image(SIZE, first(2), new Mark(2, endOf(first(2))), new Mark(1, DATA));
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putInt((int) DATA, Integer.MAX_VALUE);
        assertThatThrownBy(() -> open(huge), "a header claiming %d bytes at offset %d", Integer.MAX_VALUE, DATA)
                .isInstanceOfSatisfying(CorruptLogException.class, e -> assertThat(e.offset()).isEqualTo(DATA));
    }

    @Test
    void afterACrashTheLogOpensWithItsCommitsAndGoesOn() {
        SimulatedPageCache cache = new SimulatedPageCache(4096, 8);  // not a page size: the crash model's own page
        RecordLog log = RecordLog.create(cache);
        first(3).forEach(log::append);
        log.commit();
        log.append(payload(50, 9)); // appended, not committed
        log.append(payload(60, 9));

        SimulatedPageCache rebooted = cache.crash(0x5eed);
        byte[] before = rebooted.diskImage();
        RecordLog recovered = RecordLog.open(rebooted);
        assertThat(Summaries.records(recovered.records())).as("the committed records; the two appended after the"
                + " commit are gone")
                .isEqualTo(Summaries.records(first(3)));
        assertThat(rebooted.operations()).as("open writes and flushes nothing (reads are no operation of the crash"
                + " model: if this fails while open only reads, look at SimulatedPageCache.read of task 04.4)")
                .isZero();
        assertThat(Summaries.pages(rebooted.diskImage(), 4096))  // not a page size: the crash model's page
                .as("open leaves the disk as it was")
                .isEqualTo(Summaries.pages(before, 4096));  // not a page size: the crash model's page

        assertThat(recovered.append(payload(70, 5))).as("the next record goes right after the committed ones")
                .isEqualTo(endOf(first(3)));
        assertThat(recovered.commit()).as("and the next commit is commit 3").isEqualTo(3);
        RecordLog again = RecordLog.open(rebooted.crash(1));
        assertThat(Summaries.records(again.records())).as("after another crash: commit 3's four records")
                .isEqualTo(Summaries.records(List.of(RECORDS.get(0), RECORDS.get(1), RECORDS.get(2), payload(70, 5))));
    }

    /**
     * The given crash harness over your SimulatedPageCache (04.4), your commit (04.5) and your recovery:
     * thousands of seeded power cuts, each judged by what recovery gives.
     */
    @Nested
    class UnderTheCrashModel {

        private static final int TRIALS = 2000;

        private static String examples(Outcome outcome) {
            return outcome.examples().stream().map(Object::toString).collect(Collectors.joining("\n  ", "\n  ", ""));
        }

        @Test
        void dataThenMarkSurvivesEveryPowerCut() {
            Outcome outcome = CrashTrials.run(FlushPolicy.DATA_THEN_MARK, 1, TRIALS);
            assertThat(outcome.trials()).isEqualTo(TRIALS);
            assertThat(outcome.failures())
                    .as("%s; every trial must recover the last completed commit or the one in progress. Failed trials"
                            + " (CrashTrials.trial(DATA_THEN_MARK, seed) replays one):%s", outcome, examples(outcome))
                    .isZero();
        }

        @Test
        void theSameTrialsCatchTheWrongOrder() {
            Outcome outcome = CrashTrials.run(FlushPolicy.MARK_THEN_DATA, 1, TRIALS);
            assertThat(outcome.failures())
                    .as("%s: with the mark flushed before the records, some power cut must leave a mark that points at"
                            + " records that are not on the disk, and recovery must notice (CORRUPT) rather than return"
                            + " them (WRONG_RECORDS)", outcome).isPositive();
            assertThat(outcome.count(Verdict.CORRUPT))
                    .as("%s: the checksums make recovery refuse such a log", outcome).isPositive();
        }

        @Test
        void noFlushLosesCommittedRecordsInAPowerCut() {
            Outcome outcome = CrashTrials.run(FlushPolicy.NO_FLUSH, 1, TRIALS);
            assertThat(outcome.count(Verdict.LOST_COMMITTED))
                    .as("%s: commits that flush nothing are not durable; a power cut loses some of them", outcome)
                    .isPositive();
        }
    }
}
