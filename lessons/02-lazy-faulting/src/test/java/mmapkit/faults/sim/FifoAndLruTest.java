package mmapkit.faults.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import mmapkit.course.Task;
import org.junit.jupiter.api.Test;

import java.util.List;

@Task(id = "02.6", points = 15, title = "Simulate paging with FIFO and LRU")
class FifoAndLruTest {

    private static final ReferenceString SILBERSCHATZ = ReferenceString.parse(ReferenceString.SILBERSCHATZ);

    private static List<Integer> victims(SimulationResult result) {
        return result.steps().stream().filter(Step::hasVictim).map(Step::victim).toList();
    }

    @Test
    void fifoFaultsFifteenTimesOnSilberschatzsString() {
        SimulationResult fifo = Simulator.run(new Fifo(), 3, SILBERSCHATZ);

        assertThat(fifo.faults())
                .as("with 3 frames FIFO should fault 15 times on Silberschatz's string %s (the textbook's figure):%n%s",
                        SILBERSCHATZ, fifo.trace())
                .isEqualTo(15);
        assertThat(fifo.hits()).as("20 references, 15 faults: the other 5 are hits").isEqualTo(5);
        assertThat(victims(fifo))
                .as("FIFO evicts pages in the order they were loaded, whatever happened to them since:%n%s", fifo.trace())
                .containsExactly(7, 0, 1, 2, 3, 0, 4, 2, 3, 0, 1, 2);
        assertThat(fifo.pageIns()).as("every fault reads its page from the backing store once").isEqualTo(15);
        assertThat(fifo.writeBacks()).as("the string only reads, so no page is ever dirty and nothing is written back")
                .isZero();
    }

    @Test
    void lruFaultsTwelveTimesOnSilberschatzsString() {
        SimulationResult lru = Simulator.run(new Lru(), 3, SILBERSCHATZ);

        assertThat(lru.faults())
                .as("with 3 frames LRU should fault 12 times on Silberschatz's string %s (the textbook's figure):%n%s",
                        SILBERSCHATZ, lru.trace())
                .isEqualTo(12);
        assertThat(victims(lru))
                .as("LRU evicts the present page whose last use is oldest:%n%s", lru.trace())
                .containsExactly(7, 1, 2, 3, 0, 4, 0, 3, 2);
        assertThat(lru.steps().get(4).hit())
                .as("reference 5 (page 0) finds page 0 still present: a hit").isTrue();
        assertThat(lru.steps().get(5).victim())
                .as("reference 6 (page 3): of 2, 0 and 1, page 1 was used longest ago (reference 3), so it leaves")
                .isEqualTo(1);
    }

    @Test
    void fifoAndLruDisagreeWhenAnOldPageIsUsedAgain() {
        ReferenceString references = ReferenceString.parse("1 2 1 3");

        SimulationResult fifo = Simulator.run(new Fifo(), 2, references);
        SimulationResult lru = Simulator.run(new Lru(), 2, references);

        assertThat(fifo.steps().get(3).victim())
                .as("on \"1 2 1 3\" with 2 frames, FIFO evicts page 1 for page 3: it was loaded first, "
                        + "even though it was just used:%n%s", fifo.trace())
                .isEqualTo(1);
        assertThat(lru.steps().get(3).victim())
                .as("on \"1 2 1 3\" with 2 frames, LRU evicts page 2 for page 3: page 1 was used more recently:%n%s",
                        lru.trace())
                .isEqualTo(2);
        assertThat(fifo.steps().get(3).frames()).as("FIFO: page 3 takes frame 0, where page 1 was").containsExactly(3, 2);
        assertThat(lru.steps().get(3).frames()).as("LRU: page 3 takes frame 1, where page 2 was").containsExactly(1, 3);
    }

    @Test
    void theFaultHandlerKeepsThePageTableAndTheFramesInStep() {
        Pager pager = new Pager(4, 2, new Fifo());
        PageTable table = pager.pageTable();

        Step first = pager.access(Reference.read(0), 0);
        assertThat(first.fault()).as("page 0 was never loaded: its first reference is a fault").isTrue();
        assertThat(first.hasVictim()).as("a free frame was left, so no page had to leave").isFalse();
        assertThat(table.entry(0).isPresent()).as("after the fault page 0 is present").isTrue();
        assertThat(table.entry(0).frame()).as("page 0 goes to the lowest free frame, 0").isZero();
        assertThat(table.entry(0).isReferenced()).as("every access sets the referenced bit").isTrue();
        assertThat(table.entry(0).isDirty()).as("a read does not make the page dirty").isFalse();

        pager.access(Reference.write(1), 1);
        assertThat(table.entry(1).frame()).as("page 1 goes to frame 1").isEqualTo(1);
        assertThat(table.entry(1).isDirty()).as("a write sets the dirty bit").isTrue();

        Step hit = pager.access(Reference.read(0), 2);
        assertThat(hit.hit()).as("page 0 is present: the second reference to it is a hit").isTrue();
        assertThat(pager.backingStore().pageIns()).as("a hit reads nothing from the backing store").isEqualTo(2);

        Step third = pager.access(Reference.read(2), 3);
        assertThat(third.victim()).as("both frames are taken: FIFO evicts page 0, loaded first").isZero();
        assertThat(table.entry(0).isPresent()).as("the victim's present bit must be cleared").isFalse();
        assertThat(table.entry(0).frame()).as("the victim no longer has a frame").isEqualTo(Step.NONE);
        assertThat(table.entry(2).isPresent()).as("page 2 is present now").isTrue();
        assertThat(table.entry(2).frame()).as("page 2 takes the victim's frame 0").isZero();
        assertThat(pager.frames().snapshot()).as("frames after the step: page 2 in frame 0, page 1 in frame 1")
                .containsExactly(2, 1);
        assertThat(table.presentPages()).as("exactly the pages in the frames are present").containsExactly(1, 2);
    }

    @Test
    void aDirtyVictimIsWrittenBackBeforeItsFrameIsReused() {
        SimulationResult result = Simulator.run(new Fifo(), 2, "w1 2 3 1");

        Step third = result.steps().get(2);
        assertThat(third.victim()).as("\"w1 2 3 1\", 2 frames: page 3 evicts page 1").isEqualTo(1);
        assertThat(third.victimWrittenBack())
                .as("page 1 was written (w1), so it is dirty: it must be written back, or the write is lost:%n%s",
                        result.trace())
                .isTrue();
        Step fourth = result.steps().get(3);
        assertThat(fourth.victim()).as("page 1 comes back and evicts page 2").isEqualTo(2);
        assertThat(fourth.victimWrittenBack()).as("page 2 was only read: a clean page is simply dropped").isFalse();
        assertThat(result.writeBacks()).as("one dirty victim, one write-back").isEqualTo(1);
        assertThat(result.pageIns()).as("four faults, four page-ins (page 1 is read in again)").isEqualTo(4);

        SimulationResult writeOnHit = Simulator.run(new Fifo(), 2, "1 2 w1 3 4 1 5 6");
        assertThat(writeOnHit.steps().get(3).victimWrittenBack())
                .as("\"1 2 w1 3 4 1 5 6\": the write w1 is a hit, and still makes page 1 dirty, so evicting it "
                        + "for page 3 writes it back:%n%s", writeOnHit.trace())
                .isTrue();
        assertThat(writeOnHit.writeBacks())
                .as("page 1 comes back clean after its write-back: evicting it again writes nothing:%n%s",
                        writeOnHit.trace())
                .isEqualTo(1);
    }

    @Test
    void theTraceShowsEveryStep() {
        SimulationResult result = Simulator.run(new Fifo(), 3, "7 0 1 2 0 3");

        assertThat(result.steps()).as("one step per reference").hasSize(6);
        Step fourth = result.steps().get(3);
        assertThat(fourth.index()).as("steps are numbered from 0 in the string").isEqualTo(3);
        assertThat(fourth.reference()).as("step 3 is the reference to page 2").isEqualTo(Reference.read(2));
        assertThat(fourth.frames()).as("the frames after step 3: page 2 replaced page 7 in frame 0")
                .containsExactly(2, 0, 1);
        assertThat(result.steps().get(0).frames()).as("after the first fault, frames 1 and 2 are still free (Step.NONE)")
                .containsExactly(7, Step.NONE, Step.NONE);
        assertThat(result.trace()).as("the rendered trace").isEqualTo("""
                FIFO, 3 frames, reference string 7 0 1 2 0 3
                #  ref  result  victim  frame 0  frame 1  frame 2
                1  7    fault           7        -        -
                2  0    fault           7        0        -
                3  1    fault           7        0        1
                4  2    fault   7       2        0        1
                5  0    hit             2        0        1
                6  3    fault   0       2        3        1
                FIFO, 3 frames: 5 faults, 1 hit, 0 write-backs
                """);
    }

    @Test
    void withEnoughFramesOnlyTheFirstTouchOfEachPageFaults() {
        ReferenceString random = RandomReferences.drifting(2026, 400, 40, 6, 0.05, 0.3);
        int distinct = random.distinctPages();
        for (ReplacementPolicy policy : List.of(new Fifo(), new Lru())) {
            SimulationResult roomy = Simulator.run(policy, distinct, random);
            assertThat(roomy.faults())
                    .as("%s with %d frames for %d distinct pages: nothing is ever evicted, only cold misses fault",
                            policy.name(), distinct, distinct)
                    .isEqualTo(distinct);
            assertThat(roomy.writeBacks()).as("%s: nothing evicted, nothing written back", policy.name()).isZero();

            SimulationResult tight = Simulator.run(policy, 4, random);
            assertThat(tight.faults() + tight.hits()).as("%s: every reference is a hit or a fault", policy.name())
                    .isEqualTo(random.length());
            assertThat(tight.faults()).as("%s with 4 frames faults at least once per distinct page", policy.name())
                    .isGreaterThanOrEqualTo(distinct);
            assertThat(tight.writeBacks()).as("%s: write-backs are at most the evictions", policy.name())
                    .isLessThanOrEqualTo(tight.faults() - 4);
            SimulationResult again = Simulator.run(policy, 4, RandomReferences.drifting(2026, 400, 40, 6, 0.05, 0.3));
            assertThat(again.steps()).as("%s: the same seed gives the same string and the same simulation; "
                    + "a policy must forget its last run in reset()", policy.name()).isEqualTo(tight.steps());
        }
    }

    @Test
    void badInputIsRefusedWithTheArgumentItsValueAndTheRule() {
        assertThat(catchThrowable(() -> Simulator.run(new Fifo(), 0, SILBERSCHATZ))).as("0 frames")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("frameCount 0");
        assertThat(catchThrowable(() -> new Pager(10, -2, new Lru()))).as("a pager with -2 frames")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("frameCount -2");
        assertThat(catchThrowable(() -> new Pager(0, 3, new Lru()))).as("a pager with no virtual page")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pageCount 0");
        assertThat(catchThrowable(() -> new Pager(4, 2, new Fifo()).access(Reference.read(4), 0)))
                .as("page 4 of a 4-page table (pages 0..3)")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("page 4");
        assertThat(catchThrowable(() -> Reference.read(-1))).as("a negative page number")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("page -1");
        assertThat(catchThrowable(() -> ReferenceString.parse("7 0 x"))).as("\"7 0 x\": the parser names the token and its position")
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("reference 3 \"x\" of \"7 0 x\"");
        assertThat(catchThrowable(() -> ReferenceString.parse("  "))).as("an empty reference string")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is empty");
    }
}
