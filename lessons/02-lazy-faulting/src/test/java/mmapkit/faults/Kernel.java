package mmapkit.faults;

import mmapkit.faults.natives.AdviceCalls;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** What the tests ask the kernel directly, without the code under test. */
final class Kernel {

    /** Slack for faults the calling thread takes besides those a test causes (reading /proc, the JVM). */
    static final long NOISE = 12;

    private Kernel() {
    }

    /** madvise(MADV_RANDOM), through the given binding: no readahead, so a fault reads just its page. */
    static void noReadahead(MemorySegment segment) {
        AdviceCalls.madvise(segment.address(), segment.byteSize(), AdviceCalls.MADV_RANDOM);
    }

    /**
     * Makes each first store to this anonymous memory fault in exactly one page. Kernel behaviour
     * assumed by the tests that count first touches: one fault allocates one page, which holds with
     * THP {@code madvise} or {@code never} and no anonymous mTHP size set to {@code always}. Where
     * {@link FaultProbes#anonymousFolioSizes()} finds THP {@code always} or such an mTHP size, the
     * region is advised {@code MADV_NOHUGEPAGE}, which restores one page per fault.
     */
    static void onePagePerFault(MemorySegment segment) {
        FaultProbes.onePagePerAnonymousFault(segment.address(), segment.byteSize());
    }

    /** Reads one byte of each given page, with plain loads. */
    static long read(MemorySegment segment, long... pages) {
        long sum = 0;
        for (long page : pages) {
            sum += segment.get(ValueLayout.JAVA_BYTE, page * DiskFiles.PAGE);
        }
        return sum;
    }
}
