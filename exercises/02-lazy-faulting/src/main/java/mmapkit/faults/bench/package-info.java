/**
 * A small measurement harness for the experiments of this module: warm-up, repeated samples,
 * order statistics, and ratios against a baseline measured in the same run.
 *
 * <h2>How it measures</h2>
 * <ul>
 * <li><b>Warm-up.</b> Every variant first runs a few samples that are thrown away, so the JIT
 *     compiler has compiled the measured loop and the caches, page tables and page cache are in the
 *     state the measurement wants.</li>
 * <li><b>Samples above timer noise.</b> A sample is timed with {@link System#nanoTime()}. A
 *     {@link Variant#repeating repeating} variant is calibrated first: the number of operations per
 *     sample doubles until one sample lasts at least {@link Bench#sampleTime()}, so the timer's
 *     step (tens of nanoseconds) is far below a per-mille of the sample. A sample shorter than
 *     {@link Bench#MIN_SAMPLE_NANOS} is refused: the result would be mostly timer noise.</li>
 * <li><b>Order statistics, not the mean.</b> On a shared, noisy machine (this kit is tested on
 *     two cores shared with other work) a few samples are slowed by whatever else runs. The median
 *     says what a typical operation costs, p90 and p99 show the slow tail, and the minimum
 *     (the best sample) what the machine can do when nothing disturbs it. See {@link Summary}.</li>
 * <li><b>Ratios from the same run, interleaved.</b> A comparison never sets a number against one
 *     measured earlier or elsewhere: {@link Bench#compare} runs the baseline and the other variants
 *     in rounds, one sample of each per round, with the order of every other round reversed
 *     (A B, B A, A B, ...), so a slow phase of the machine (another process, a frequency change)
 *     hits every variant alike. The ratio is taken per round and then summarised.</li>
 * <li><b>Bounded.</b> Every measurement stops after {@link Bench#samples()} samples per variant
 *     or when its {@link Bench#budget() time budget} is spent, whichever comes first; it says how
 *     many samples it took.</li>
 * </ul>
 *
 * <h2>Why not JMH</h2>
 * JMH is the right tool for micro-benchmarks in Java, and the kit's benchmark modules use it. It
 * cannot be used here: this package is part of the module's toolkit code, which the course
 * tools compile with the JDK compiler, with only the course tools' class path and
 * {@code -proc:none}. JMH's annotations are not on that class path, and its annotation processor,
 * which generates the benchmark classes, would not run anyway. The experiments are also plain
 * {@code main} programs whose output the book captures, run in a few seconds each, which a JMH
 * run (forks, fixed iteration times) would not fit. This harness keeps the parts of JMH's
 * discipline that matter for these numbers (warm-up, samples long enough, a sink for results so
 * the JIT cannot drop the work, many samples summarised by order statistics, interleaved
 * baselines) and leaves out what it cannot do (forking fresh JVMs, dead-code checks by the
 * generator, profilers). Read its numbers as what they are: the cost on this machine, in this
 * JVM, of the loops the book shows.
 *
 * <p>{@link SelfCheck} checks the harness itself (statistics, interleaving, ratios, budget);
 * run it as a {@code main}.
 */
package mmapkit.faults.bench;
