package mmapkit.faults.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import mmapkit.course.Task;
import org.junit.jupiter.api.Test;

import java.util.List;

@Task(id = "02.7", points = 10, title = "Add Clock and OPT, and find Belady's anomaly")
class ClockOptAndBeladyTest {

    private static final ReferenceString SILBERSCHATZ = ReferenceString.parse(ReferenceString.SILBERSCHATZ);
    private static final ReferenceString BELADY = ReferenceString.parse(ReferenceString.BELADY);

    private static List<Integer> victims(SimulationResult result) {
        return result.steps().stream().filter(Step::hasVictim).map(Step::victim).toList();
    }

    @Test
    void optFaultsNineTimesOnSilberschatzsString() {
        SimulationResult opt = Simulator.run(new Optimal(), 3, SILBERSCHATZ);

        assertThat(opt.faults())
                .as("with 3 frames OPT should fault 9 times on Silberschatz's string %s (the textbook's figure):%n%s",
                        SILBERSCHATZ, opt.trace())
                .isEqualTo(9);
        assertThat(victims(opt))
                .as("OPT evicts the page whose next use is farthest away:%n%s", opt.trace())
                .containsExactly(7, 1, 0, 4, 3, 2);
        assertThat(opt.steps().get(3).victim())
                .as("reference 4 (page 2), frames 7 0 1: 0 is used next at reference 5, 1 at 14, 7 at 18: 7 leaves")
                .isEqualTo(7);
    }

    /*
     * Clock on Silberschatz's string with 3 frames, by hand. A star marks a set referenced bit,
     * ">" the frame under the hand. Every access sets the bit, so a page arrives with it set.
     *
     *  1  7  fault  free frame 0          [ >7*  0    -  ]   (frames shown as f0 f1 f2)
     *  2  0  fault  free frame 1          [ >7*  0*   -  ]
     *  3  1  fault  free frame 2          [ >7*  0*   1* ]
     *  4  2  fault  clear 7,0,1; evict 7  [  2* >0    1  ]   the hand stops past the victim
     *  5  0  hit                          [  2* >0*   1  ]
     *  6  3  fault  clear 0; evict 1      [ >2*  0    3* ]
     *  7  0  hit                          [ >2*  0*   3* ]
     *  8  4  fault  clear 2,0,3; evict 2  [  4* >0    3  ]
     *  9  2  fault  evict 0               [  4*  2*  >3  ]
     * 10  3  hit                          [  4*  2*  >3* ]
     * 11  0  fault  clear 3,4,2; evict 3  [ >4   2    0* ]
     * 12  3  fault  evict 4               [  3* >2    0* ]
     * 13  2  hit                          [  3* >2*   0* ]
     * 14  1  fault  clear 2,0,3; evict 2  [  3   1*  >0  ]
     * 15  2  fault  evict 0               [ >3   1*   2* ]
     * 16  0  fault  evict 3               [  0* >1*   2* ]
     * 17  1  hit                          [  0* >1*   2* ]
     * 18  7  fault  clear 1,2,0; evict 1  [  0   7*  >2  ]
     * 19  0  hit                          [  0*  7*  >2  ]
     * 20  1  fault  evict 2               [ >0*  7*   1* ]
     *
     * 14 faults (6 hits): between LRU's 12, which it approximates, and FIFO's 15.
     */
    @Test
    void clockFaultsFourteenTimesOnSilberschatzsString() {
        SimulationResult clock = Simulator.run(new Clock(), 3, SILBERSCHATZ);

        assertThat(clock.faults())
                .as("with 3 frames Clock should fault 14 times on Silberschatz's string (worked out by hand in this "
                        + "test's comment):%n%s", clock.trace())
                .isEqualTo(14);
        assertThat(victims(clock))
                .as("Clock's victims, in order (see the hand-worked trace in this test):%n%s", clock.trace())
                .containsExactly(7, 1, 2, 0, 3, 4, 2, 0, 3, 1, 2);
    }

    @Test
    void clockGivesAReferencedPageASecondChance() {
        Clock clock = new Clock();
        Pager pager = new Pager(6, 3, clock);
        ReferenceString references = ReferenceString.parse("1 2 3 4 2 5");
        clock.reset(references, 3);
        Step[] steps = new Step[references.length()];
        for (int i = 0; i < references.length(); i++) {
            steps[i] = pager.access(references.get(i), i);
        }

        assertThat(steps[3].victim())
                .as("\"1 2 3 4 2 5\", 3 frames: at page 4 every referenced bit is set; the hand clears them all, "
                        + "comes back to frame 0 and evicts page 1, as FIFO would")
                .isEqualTo(1);
        assertThat(steps[5].victim())
                .as("at page 5 the hand is at frame 1: page 2 was used again (its bit is set), so it gets a second "
                        + "chance and page 3 is evicted; FIFO would have evicted page 2")
                .isEqualTo(3);
        assertThat(Simulator.run(new Fifo(), 3, references).steps().get(5).victim())
                .as("FIFO on the same string evicts page 2 at page 5").isEqualTo(2);
        assertThat(pager.pageTable().entry(2).isReferenced())
                .as("the hand cleared page 2's referenced bit when it passed").isFalse();
        assertThat(pager.pageTable().entry(5).isReferenced()).as("page 5 was just accessed: its bit is set").isTrue();
        assertThat(clock.hand()).as("the hand stops just past the victim's frame 2, at frame 0").isZero();
    }

    @Test
    void optEvictsThePageUsedFarthestAheadAndBreaksTiesByTheLowestFrame() {
        SimulationResult oneNeverAgain = Simulator.run(new Optimal(), 3, "1 2 3 4 1 2");
        assertThat(oneNeverAgain.steps().get(3).victim())
                .as("\"1 2 3 4 1 2\", 3 frames: at page 4, pages 1 and 2 are used again and page 3 never: evict 3")
                .isEqualTo(3);

        SimulationResult twoNeverAgain = Simulator.run(new Optimal(), 3, "3 2 1 4 3");
        assertThat(twoNeverAgain.steps().get(3).victim())
                .as("\"3 2 1 4 3\", frames 3 2 1: pages 2 and 1 are never used again, a tie; the rule is the lowest "
                        + "frame first, so page 2 in frame 1 leaves (not page 1, the lower page number):%n%s",
                        twoNeverAgain.trace())
                .isEqualTo(2);
        assertThat(twoNeverAgain.faults()).as("and page 3 is still there for the last reference").isEqualTo(4);
    }

    @Test
    void optIsTheLowerBoundForEveryPolicy() {
        List<ReferenceString> strings = List.of(SILBERSCHATZ, BELADY,
                RandomReferences.uniform(7, 300, 12, 0.2),
                RandomReferences.drifting(11, 300, 30, 5, 0.05, 0.2));
        for (ReferenceString references : strings) {
            for (int frames = 1; frames <= 6; frames++) {
                long opt = Simulator.run(new Optimal(), frames, references).faults();
                for (ReplacementPolicy other : List.of(new Fifo(), new Lru(), new Clock())) {
                    long faults = Simulator.run(other, frames, references).faults();
                    assertThat(opt)
                            .as("OPT with %d frames faults %d times; %s faults %d times: no policy may beat OPT (on %s)",
                                    frames, opt, other.name(), faults, references)
                            .isLessThanOrEqualTo(faults);
                }
            }
            assertThat(Simulator.run(new Optimal(), references.distinctPages(), references).faults())
                    .as("with a frame for every page OPT faults only on first touches")
                    .isEqualTo(references.distinctPages());
        }
    }

    @Test
    void fifoShowsBeladysAnomaly() {
        assertThat(Simulator.run(new Fifo(), 3, BELADY).faults())
                .as("FIFO should fault 9 times on Belady's string %s with 3 frames", BELADY).isEqualTo(9);
        assertThat(Simulator.run(new Fifo(), 4, BELADY).faults())
                .as("FIFO should fault 10 times on Belady's string with 4 frames: one frame more, one fault more")
                .isEqualTo(10);

        FaultCurve curve = FaultCurve.measure(new Fifo(), BELADY, 1, 5);
        assertThat(curve.points()).as("FIFO's faults on Belady's string with 1 to 5 frames:%n%s", curve.render())
                .containsExactly(new FaultCurve.Point(1, 12), new FaultCurve.Point(2, 12), new FaultCurve.Point(3, 9),
                        new FaultCurve.Point(4, 10), new FaultCurve.Point(5, 5));
        assertThat(curve.anomalies()).as("the curve rises once, from 3 to 4 frames:%n%s", curve.render())
                .containsExactly(new FaultCurve.Anomaly(3, 9, 4, 10));
        assertThat(curve.policy()).as("the curve names its policy").isEqualTo("FIFO");
    }

    @Test
    void stackAlgorithmsNeverShowTheAnomaly() {
        List<ReferenceString> strings = List.of(BELADY, SILBERSCHATZ, RandomReferences.uniform(3, 200, 10, 0));
        for (ReferenceString references : strings) {
            for (ReplacementPolicy policy : List.of(new Lru(), new Optimal())) {
                FaultCurve curve = FaultCurve.measure(policy, references, 1, 8);
                assertThat(curve.points()).as("%s: one point per frame count 1..8", policy.name()).hasSize(8);
                assertThat(curve.anomalies())
                        .as("%s is a stack algorithm: more frames never means more faults, on %s:%n%s",
                                policy.name(), references, curve.render())
                        .isEmpty();
            }
        }
        FaultCurve lru = FaultCurve.measure(new Lru(), BELADY, 3, 4);
        assertThat(lru.faultsWith(3)).as("LRU on Belady's string with 3 frames").isEqualTo(10);
        assertThat(lru.faultsWith(4)).as("and with 4 frames: fewer, as one would hope").isEqualTo(8);

        assertThat(catchThrowable(() -> FaultCurve.measure(new Fifo(), BELADY, 0, 5))).as("a curve from 0 frames")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("minFrames 0");
        assertThat(catchThrowable(() -> FaultCurve.measure(new Fifo(), BELADY, 4, 3))).as("a curve from 4 down to 3 frames")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContainingAll("maxFrames 3", "minFrames 4");
    }
}
