package mmapkit.dirty;

import mmapkit.mapping.Segments;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Argument checks and /proc reading for the kernel-view classes (smaps, cachestat, pagemap), with
 * messages that name the argument, its value and the rule. Given code: use it in your solutions.
 */
final class KernelViewChecks {

    private KernelViewChecks() {
    }

    /** Refuses null, a heap segment, or a segment of a closed mapping. */
    static MemorySegment liveNativeSegment(String name, MemorySegment segment) {
        return Segments.requireLiveNative(name, segment);
    }

    /** As {@link #liveNativeSegment}, and the segment must start on a page boundary. */
    static MemorySegment pageAlignedSegment(String name, MemorySegment segment) {
        return Segments.requirePageAligned(name, segment);
    }

    /** Refuses a negative value. */
    static long notNegative(String name, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " " + value + " must not be negative");
        }
        return value;
    }

    /** The whole text of a (/proc) file. */
    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
