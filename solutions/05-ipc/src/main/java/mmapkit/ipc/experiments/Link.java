package mmapkit.ipc.experiments;

import java.io.IOException;
import java.util.function.BooleanSupplier;

/**
 * One end of a two-way connection between the benchmark's two processes, carrying messages of
 * {@link #MESSAGE} bytes: a sequence number at offset 0, a kind at 8, and the sequence number
 * again (xored with {@link #CHECK}) in the last 8 bytes, so a message torn or copied in part is
 * caught. Every message received is checked.
 *
 * <p>Each benchmark JVM uses one kind of link only, so the calls below stay monomorphic and the
 * JIT inlines them. Messages are received in batches (as many as the transport has, up to
 * {@link #BATCH}) and handed out one by one.
 */
abstract class Link implements AutoCloseable {

    /** Bytes of every message, on every transport (for the rings: the payload; their 8-byte header comes on top). */
    static final int MESSAGE = 64;
    /** The most messages one {@link #fill} takes. */
    static final int BATCH = 64;
    static final long CHECK = 0x5DEECE66DL;

    /** The kinds of message (positive: an Agrona message type must be). */
    static final int PING = 1;
    static final int PONG = 2;
    static final int DATA = 3;
    static final int END = 4;
    static final int ACK = 5;
    static final int QUIT = 6;

    private final long[] sequences = new long[BATCH];
    private final int[] kinds = new int[BATCH];
    private int next;
    private int count;
    private int lastKind;
    /** When a wait for the peer gives up (System.nanoTime). */
    final long deadline;
    /** Whether the peer still runs: a spinning wait stops when it died. */
    private final BooleanSupplier peerAlive;

    Link(long deadline, BooleanSupplier peerAlive) {
        this.deadline = deadline;
        this.peerAlive = peerAlive;
    }

    /** Sends one message, waiting (spinning or blocked) while the transport cannot take it. */
    abstract void send(long sequence, int kind) throws IOException;

    /** Waits for at least one message and hands each to {@link #received}; at most {@code room}. */
    abstract void fill(int room) throws IOException;

    /** The next message's sequence number ({@link #kind()} tells its kind). */
    final long receive() throws IOException {
        if (next == count) {
            next = 0;
            count = 0;
            fill(BATCH);
            if (count == 0) {
                throw new IllegalStateException("no message received");
            }
        }
        lastKind = kinds[next];
        return sequences[next++];
    }

    /** The kind of the message {@link #receive} returned last. */
    final int kind() {
        return lastKind;
    }

    /** A message arrived: checks and keeps it. */
    final void received(int kind, long sequence, long check, long length) {
        if (length != MESSAGE || (sequence ^ CHECK) != check || kind < PING || kind > QUIT) {
            throw new IllegalStateException("corrupt message: " + length + " bytes, kind " + kind + ", sequence "
                    + sequence + ", check " + Long.toHexString(check) + " (expected " + Long.toHexString(sequence ^ CHECK) + ")");
        }
        sequences[count] = sequence;
        kinds[count] = kind;
        count++;
    }

    /**
     * Called every so often by a spinning wait ({@code spins} so far): throws once the deadline
     * has passed or the peer died, so no spin goes on for ever.
     */
    final void checkWait(long spins) {
        if ((spins & 0xFFFF) == 0 && (System.nanoTime() - deadline > 0 || !peerAlive.getAsBoolean())) {
            throw new IllegalStateException(System.nanoTime() - deadline > 0
                    ? "the peer did not answer before the deadline" : "the peer died");
        }
    }

    @Override
    public abstract void close() throws IOException;
}
