package mmapkit.faults.experiments;

import mmapkit.faults.sim.Clock;
import mmapkit.faults.sim.FaultCurve;
import mmapkit.faults.sim.Fifo;
import mmapkit.faults.sim.Lru;
import mmapkit.faults.sim.Optimal;
import mmapkit.faults.sim.ReferenceString;
import mmapkit.faults.sim.ReplacementPolicy;
import mmapkit.faults.sim.SimulationResult;
import mmapkit.faults.sim.Simulator;

import java.util.List;

/**
 * Experiment: the paging simulator at work. One short reference string (the start of
 * Silberschatz's, with two writes) under FIFO, LRU, Clock and OPT with 3 frames, step by step;
 * then FIFO on Belady's string with 1 to 5 frames, where 4 frames fault more often than 3, and
 * LRU on the same string, which never does.
 */
public final class PagingTrace {

    private PagingTrace() {
    }

    public static void main(String[] args) {
        // tag::trace-each-policy[]
        ReferenceString references = ReferenceString.parse("7 w0 1 2 0 3 0 4 w2 3 0 3");
        List<ReplacementPolicy> policies = List.of(new Fifo(), new Lru(), new Clock(), new Optimal());
        for (ReplacementPolicy policy : policies) {
            SimulationResult result = Simulator.run(policy, 3, references);
            System.out.println(result.trace());
        }
        // end::trace-each-policy[]

        // tag::belady-table[]
        ReferenceString belady = ReferenceString.parse(ReferenceString.BELADY);
        FaultCurve fifo = FaultCurve.measure(new Fifo(), belady, 1, 5);
        System.out.println("FIFO on Belady's string " + belady);
        System.out.print(fifo.render());
        fifo.anomalies().forEach(anomaly -> System.out.println("anomaly: " + anomaly));
        // end::belady-table[]

        FaultCurve lru = FaultCurve.measure(new Lru(), belady, 1, 5);
        System.out.println();
        System.out.println("LRU on the same string");
        System.out.print(lru.render());
        System.out.println(lru.anomalies().isEmpty()
                ? "no anomaly: LRU is a stack algorithm, so one frame more never costs a fault more"
                : "anomalies: " + lru.anomalies());
        System.out.println();
        System.out.println("A write (w0, w2) makes its page dirty: when a dirty page is the victim, it is written");
        System.out.println("back before its frame is reused. OPT, which knows the future, is the lower bound.");
    }
}
