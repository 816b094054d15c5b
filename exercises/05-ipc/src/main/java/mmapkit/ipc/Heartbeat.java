package mmapkit.ipc;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.Objects;

/**
 * A liveness signal in shared memory: the peer stores its process id and, now and then, the time of
 * its last beat; the other side tells from it whether the peer is alive, slow or dead, instead of
 * waiting forever for data that will not come.
 *
 * <pre>
 * offset  size  field
 * 0       8     process id of the beating process (0: never beat)
 * 8       8     time of the last beat, System.nanoTime()
 * </pre>
 *
 * <p>The times are {@link System#nanoTime()}, which on Linux is {@code CLOCK_MONOTONIC}: one clock
 * for every process of the machine, so one process can compare another's beat with its own now.
 * A process id can be reused after its process died, but only after the id space wrapped around
 * (4 million ids by default), which a heartbeat checked every second or so never sees. A process
 * that has exited but that its parent has not reaped yet (a zombie) still exists for the kernel, so
 * it reads as {@link PeerStatus#SILENT} until it is reaped; the JDK reaps the processes it started
 * at once.
 */
public final class Heartbeat {

    /** The bytes it uses at its offset. */
    public static final int BYTES = 16;

    private final MemorySegment segment;
    private final long offset;

    /**
     * A heartbeat on the 16 bytes at {@code offset}, 8-byte aligned.
     *
     * @throws IllegalArgumentException when the fields are outside the segment or not aligned
     */
    public Heartbeat(MemorySegment segment, long offset) {
        Atomics.requireAligned(segment, offset, 8);
        Atomics.requireAligned(segment, offset + 8, 8);
        this.segment = segment;
        this.offset = offset;
    }

    /** Beats: stores this process's id and the time now. Cheap enough to call every few milliseconds. */
    public void beat() {
        // TODO 05.8 (see hint 05.8)
        throw new UnsupportedOperationException("TODO 05.8: store the process id and the time of the beat (see hint 05.8)");
    }

    /**
     * What the last beat says, allowing {@code maxSilence} between beats.
     *
     * @return {@link PeerStatus#NOT_STARTED} before any beat; {@link PeerStatus#GONE} when the process
     *         that beat no longer exists (whenever it last beat); {@link PeerStatus#SILENT} when it
     *         exists but its last beat is older than {@code maxSilence}; else {@link PeerStatus#ALIVE}
     */
    public PeerStatus status(Duration maxSilence) {
        Objects.requireNonNull(maxSilence, "maxSilence");
        // TODO 05.8 (see hint 05.8)
        throw new UnsupportedOperationException(
                "TODO 05.8: read the beat, ask whether its process exists, compare the time (see hint 05.8)");
    }

    /** The process id of the last beat, 0 before any. */
    public long pid() {
        return Atomics.getOpaque(segment, offset);
    }
}
