package mmapkit.faults.bench;

/**
 * Produces one sample. It may prepare untimed (map a file, drop page-table entries) and time only
 * the part that is measured, with {@link System#nanoTime()} or {@link Bench#time}.
 */
@FunctionalInterface
public interface Trial {

    /** Runs once and reports the elapsed time of the timed part and the work done in it. */
    Sample run() throws Exception;
}
