package mmapkit.sync;

import mmapkit.mapping.natives.NativeCallException;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * {@code msync(2)} for any byte range of a mapping: the range is widened to the whole pages that
 * hold it ({@link FlushRange}), the flags are checked, then the kernel is called.
 *
 * {@snippet :
 * try (MappedFile file = MappedFile.map(path, MapMode.SHARED)) {
 *     file.segment().set(ValueLayout.JAVA_LONG, 5000, 42);
 *     Msync.flush(file.segment(), 5000, 8, SyncFlag.SYNC);   // page 1 is on the device when this returns
 * }
 * }
 *
 * <h2>What it does on Linux</h2>
 * With {@link SyncFlag#SYNC}, for a shared mapping of a file, the kernel starts writing the dirty
 * pages of the range and waits for them (and for the ones already under write-back) to reach the
 * device; the file's other pages are left alone. For a private mapping or anonymous memory it does
 * nothing: there is no file to write to. {@link SyncFlag#ASYNC} and {@link SyncFlag#INVALIDATE} do
 * nothing either (see {@link SyncFlag}). Visibility needs no msync at all: every shared mapping of
 * the file, and {@code read(2)}, sees a store at once, because they all use the same page-cache pages.
 *
 * <h2>Java's own</h2>
 * {@link MemorySegment#force()} on a mapped segment, and {@code MappedByteBuffer.force(index,
 * length)}, call {@code msync(MS_SYNC)} on the page-aligned span of the segment or of the given
 * range: the same as {@code flush(segment, SyncFlag.SYNC)} and {@code flush(segment, index, length,
 * SyncFlag.SYNC)}, without the choice of flags, and with errors turned into
 * {@code UncheckedIOException} instead of an exception that names the errno.
 */
public final class Msync {

    private Msync() {
    }

    /**
     * The C value of a valid combination of flags: exactly one of {@link SyncFlag#SYNC} or
     * {@link SyncFlag#ASYNC}, and {@link SyncFlag#INVALIDATE} if wanted. A flag given twice counts once.
     *
     * @throws NullPointerException     for a null array or a null flag
     * @throws IllegalArgumentException for neither or both of SYNC and ASYNC; the message names each
     *                                  flag given by its name (as in "INVALIDATE") and says "exactly one
     *                                  of SYNC or ASYNC" (in any letter case)
     */
    public static int flagBits(SyncFlag... flags) {
        // TODO 04.2 (see hint 04.2)
        throw new UnsupportedOperationException("TODO 04.2: check the flags and combine their bits (see hint 04.2)");
    }

    /**
     * Calls {@code msync} on the pages that hold the bytes {@code [offset, offset + length)} of
     * {@code segment}. Arguments are checked before the call, so a refused call changes nothing.
     * An empty range calls nothing.
     *
     * @param flags exactly one of SYNC or ASYNC, and INVALIDATE optionally
     * @return the pages flushed (empty for an empty range)
     * @throws IllegalArgumentException for bad flags, even for an empty range (the message as
     *                                  {@link #flagBits} says: "exactly one of SYNC or ASYNC"), or a bad
     *                                  range (the message as {@link FlushRange#covering} says, as in
     *                                  "offset -8")
     * @throws IllegalStateException    for a segment of a closed mapping
     * @throws NativeCallException      when the kernel refuses: ENOMEM for a range that is not mapped
     *                                  (anymore), EBUSY for INVALIDATE on locked memory, EIO when the
     *                                  device failed
     */
    public static FlushRange flush(MemorySegment segment, long offset, long length, SyncFlag... flags) {
        // TODO 04.2 (see hint 04.2)
        throw new UnsupportedOperationException("TODO 04.2: check the flags, find the pages and call msync (see hint 04.2)");
    }

    /** {@link #flush(MemorySegment, long, long, SyncFlag...)} of the whole segment. */
    public static FlushRange flush(MemorySegment segment, SyncFlag... flags) {
        Objects.requireNonNull(segment, "segment");
        return flush(segment, 0, segment.byteSize(), flags);
    }
}
