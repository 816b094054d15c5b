package mmapkit.ipc.process;

import mmapkit.ipc.SeqLock;
import mmapkit.ipc.SharedRegion;

/**
 * A child program: attaches to a region whose data holds a {@link SeqLock} of 4 longs at offset 0
 * and writes {@code (n, 3n, 5n, 7n)} for n = 1, 2, 3, ... as fast as it can, for {@code SECONDS}
 * seconds, then prints {@code done N}. A reader that ever sees four longs not in that ratio saw a
 * torn value.
 *
 * <pre>
 * java mmapkit.ipc.process.SeqLockWriter FILE SIZE VERSION SECONDS
 * </pre>
 */
public final class SeqLockWriter {

    private SeqLockWriter() {
    }

    public static void main(String[] args) throws Exception {
        Children.requireArgs(args, 4, "SeqLockWriter FILE SIZE VERSION SECONDS");
        long until = Children.deadlineAfterSeconds(args[3]);
        try (SharedRegion region = Children.attach(args[0], args[1], args[2])) {
            SeqLock lock = new SeqLock(region.data(), 0, 4);
            System.out.println("attached");
            // tag::seqlock-writer[]
            long n = 0;
            while ((n & 1023) != 0 || System.nanoTime() < until) {
                n++;
                lock.write(n, 3 * n, 5 * n, 7 * n);
            }
            // end::seqlock-writer[]
            System.out.println("done " + n);
        }
    }
}
