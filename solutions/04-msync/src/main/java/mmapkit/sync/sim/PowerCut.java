package mmapkit.sync.sim;

/**
 * Thrown by a {@link SimulatedPageCache} whose power was cut ({@link SimulatedPageCache#cutPowerAfter}):
 * the write or flush that throws it did not happen, and neither will any later one.
 */
public final class PowerCut extends RuntimeException {
    private static final long serialVersionUID = 1L;


    /**
     * @param operation the operation that the cut stopped, such as "flush(8192, 4096)"
     */
    public PowerCut(String operation) {
        super("the power is cut: " + operation + " did not happen");
    }
}
