package mmapkit.faults.pager;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import mmapkit.course.TimeBudget;
import mmapkit.faults.FaultProbes;
import mmapkit.faults.natives.ResidencyCalls;
import mmapkit.mapping.Pages;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** What the pager tests ask the kernel directly, without the code under test. */
final class Pager {

    static final long PAGE = Pages.size();

    private Pager() {
    }

    /** Skips, with the probe's reason, where this process cannot use userfaultfd. */
    static void assumeUserfaultfd() {
        assumeTrue(FaultProbes.userfaultfd().holds(), FaultProbes.userfaultfd().reason());
    }

    /** One character per page of the region, from mincore: 'O' resident, '.' not. */
    static String residency(LazyRegion region) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment vector = arena.allocate(region.pageCount());
            ResidencyCalls.mincore(region.address(), region.pageCount() * PAGE, vector);
            StringBuilder picture = new StringBuilder();
            for (long page = 0; page < region.pageCount(); page++) {
                picture.append((vector.get(ValueLayout.JAVA_BYTE, page) & 1) != 0 ? 'O' : '.');
            }
            return picture.toString();
        }
    }

    /** The picture with 'O' at the given pages, '.' elsewhere. */
    static String picture(long pageCount, long... resident) {
        char[] chars = ".".repeat((int) pageCount).toCharArray();
        for (long page : resident) {
            chars[(int) page] = 'O';
        }
        return new String(chars);
    }

    /** Waits, at most 10 s (times the time scale), until the region has received {@code faults} faults. */
    static void awaitFaults(LazyRegion region, long faults) throws InterruptedException {
        long deadline = System.nanoTime() + TimeBudget.scaledMillis(10_000) * 1_000_000;
        while (region.faults() < faults && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    /**
     * Closes the region, tolerating only the stub of exercise 02.9 (which writes {@code close}), so
     * that exercise 02.8 can be done first: until then the region stays open until the JVM ends.
     */
    static void close(LazyRegion region) {
        try {
            region.close();
        } catch (UnsupportedOperationException e) {
            if (!String.valueOf(e.getMessage()).startsWith("TODO 02.9")) {
                throw e;
            }
        }
    }
}
