package mmapkit.faults.bench;

/**
 * An operation repeated {@code count} times in one call, so that the call itself (a lambda call
 * site the JIT may not inline) costs nothing next to the work, and the loop stays in one
 * compiled method.
 */
@FunctionalInterface
public interface Operation {

    /**
     * Does the operation {@code count} times and returns a value computed from what it did (a sum
     * of the bytes read, for example). The harness keeps that value, so the JIT compiler cannot
     * decide the work is useless and drop it.
     */
    long run(long count) throws Exception;
}
