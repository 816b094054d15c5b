package mmapkit.dirty;

import mmapkit.mapping.Pages;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Argument checks and /proc reading for the kernel-view classes (smaps, cachestat, pagemap), with
 * messages that name the argument, its value and the rule. Given code: use it in your solutions.
 */
final class KernelViewChecks {

    private KernelViewChecks() {
    }

    /** Refuses null, a heap segment, or a segment of a closed mapping. */
    static MemorySegment liveNativeSegment(String name, MemorySegment segment) {
        Objects.requireNonNull(segment, name);
        if (!segment.isNative()) {
            throw new IllegalArgumentException(name + " " + segment + " must be native memory (a mapping), not a heap segment");
        }
        if (!segment.scope().isAlive()) {
            throw new IllegalStateException(name + " at 0x" + Long.toHexString(segment.address())
                    + " belongs to a closed mapping (its arena is closed): map the file again");
        }
        return segment;
    }

    /** As {@link #liveNativeSegment}, and the segment must start on a page boundary. */
    static MemorySegment pageAlignedSegment(String name, MemorySegment segment) {
        liveNativeSegment(name, segment);
        if (!Pages.isAligned(segment.address())) {
            throw new IllegalArgumentException(name + " address 0x" + Long.toHexString(segment.address())
                    + " must be a multiple of the page size " + Pages.size()
                    + " (slice the mapping at a page boundary, or use MappedFile.pageSpan())");
        }
        return segment;
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
