package mmapkit.ipc.process;

import mmapkit.ipc.FutexMutex;
import mmapkit.ipc.SharedRegion;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;

/**
 * A child program: attaches to a region whose data holds a {@link FutexMutex} at offset 0 and a
 * long counter at offset 64, and adds 1 to the counter {@code TIMES} times, each under the mutex,
 * with a plain read and a plain write (so that without the mutex increments would be lost). Prints
 * {@code done TIMES}.
 *
 * <pre>
 * java mmapkit.ipc.process.CounterWorker FILE SIZE VERSION TIMES
 * </pre>
 */
public final class CounterWorker {

    /** Where the counter is in the data. */
    public static final long COUNTER_OFFSET = 64;

    private CounterWorker() {
    }

    public static void main(String[] args) throws Exception {
        Children.requireArgs(args, 4, "CounterWorker FILE SIZE VERSION TIMES");
        long times = Long.parseLong(args[3]);
        try (SharedRegion region = Children.attach(args[0], args[1], args[2])) {
            MemorySegment data = region.data();
            FutexMutex mutex = new FutexMutex(data, 0);
            System.out.println("attached");
            // tag::counter-loop[]
            for (long i = 0; i < times; i++) {
                mutex.lock(Duration.ofSeconds(10));
                try {
                    long value = data.get(ValueLayout.JAVA_LONG, COUNTER_OFFSET); // plain: the mutex orders it
                    data.set(ValueLayout.JAVA_LONG, COUNTER_OFFSET, value + 1);
                } finally {
                    mutex.unlock();
                }
            }
            // end::counter-loop[]
            System.out.println("done " + times);
        }
    }
}
