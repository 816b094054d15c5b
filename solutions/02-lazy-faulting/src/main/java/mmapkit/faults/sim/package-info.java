/**
 * A paging simulator: what the kernel's fault handler does when a program touches a page
 * that is not in memory, played out on a small machine you can watch step by step.
 *
 * <p>The pieces, in the order a reference meets them:
 * <ul>
 *   <li>{@link mmapkit.faults.sim.ReferenceString}: the pages a program touches, in order
 *       ({@code "7 0 w1 2"}: read 7, read 0, write 1, read 2), parsed or
 *       {@linkplain mmapkit.faults.sim.RandomReferences generated from a seed};</li>
 *   <li>{@link mmapkit.faults.sim.PageTable}: one {@link mmapkit.faults.sim.PageTableEntry}
 *       per virtual page, with its present, dirty and referenced bits and its frame;</li>
 *   <li>{@link mmapkit.faults.sim.Frames}: the fixed number of physical frames;</li>
 *   <li>{@link mmapkit.faults.sim.BackingStore}: the disk, which counts page-ins and write-backs;</li>
 *   <li>{@link mmapkit.faults.sim.Pager}: the fault handler;</li>
 *   <li>{@link mmapkit.faults.sim.ReplacementPolicy}: who leaves when every frame is taken
 *       ({@link mmapkit.faults.sim.Fifo}, {@link mmapkit.faults.sim.Lru},
 *       {@link mmapkit.faults.sim.Clock}, {@link mmapkit.faults.sim.Optimal});</li>
 *   <li>{@link mmapkit.faults.sim.Simulator}: runs a whole string and returns a
 *       {@link mmapkit.faults.sim.SimulationResult} (faults, hits, write-backs, the
 *       {@linkplain mmapkit.faults.sim.TraceTable trace});</li>
 *   <li>{@link mmapkit.faults.sim.FaultCurve}: faults against frame counts, and where they
 *       rise although frames were added (Belady's anomaly).</li>
 * </ul>
 *
 * <p>Page numbers and frame numbers are {@code int}s from 0; {@link mmapkit.faults.sim.Step#NONE}
 * ({@code -1}) stands for "no page" or "no frame". Nothing here calls the kernel.
 */
package mmapkit.faults.sim;
