package mmapkit.faults;

import mmapkit.faults.natives.AdviceCalls;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

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

    /** Reads one byte of each given page, with plain loads. */
    static long read(MemorySegment segment, long... pages) {
        long sum = 0;
        for (long page : pages) {
            sum += segment.get(ValueLayout.JAVA_BYTE, page * DiskFiles.PAGE);
        }
        return sum;
    }

    /** Whether this kernel is at least major.minor. */
    static boolean atLeast(int major, int minor) {
        int[] version = Arrays.stream(System.getProperty("os.version").split("[.-]")).limit(2)
                .mapToInt(part -> part.chars().allMatch(Character::isDigit) && !part.isEmpty() ? Integer.parseInt(part) : 0)
                .toArray();
        return version[0] > major || (version[0] == major && version.length > 1 && version[1] >= minor);
    }
}
