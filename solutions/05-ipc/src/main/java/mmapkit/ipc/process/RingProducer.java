package mmapkit.ipc.process;

import mmapkit.ipc.Heartbeat;
import mmapkit.ipc.MpscRing;
import mmapkit.ipc.RingLayout;
import mmapkit.ipc.SharedRegion;
import mmapkit.ipc.SpscRing;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * A child program: attaches to a region whose data is a ring ({@link RingLayout}) and offers
 * {@code COUNT} records through {@link SpscRing} ({@code spsc}) or {@link MpscRing} ({@code mpsc}),
 * spinning while the ring is full, for at most {@code SECONDS} seconds, and prints {@code done N}.
 * With {@code COUNT} 0 it sends until the time is up. With {@code beat} as an eighth argument it also
 * beats the ring's {@link Heartbeat} (at {@link RingLayout#HEARTBEAT_OFFSET}) before its first
 * record and then about every millisecond, while it sends and while it waits for room.
 *
 * <p>Record {@code seq} of producer {@code id} has type {@code id} and a payload that
 * {@link #check(int, MemorySegment)} can verify: the producer id, the sequence number, 8 to 56
 * bytes derived from both, and a CRC-32C of all that.
 *
 * <pre>
 * java mmapkit.ipc.process.RingProducer FILE SIZE VERSION spsc|mpsc ID COUNT SECONDS [beat]
 * </pre>
 */
public final class RingProducer {

    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private RingProducer() {
    }

    /** The payload of record {@code seq} of producer {@code id}: 4 + 8 + (8 to 56) + 4 bytes. */
    public static byte[] payload(int id, long seq) {
        int extra = extraBytes(id, seq);
        MemorySegment payload = MemorySegment.ofArray(new byte[4 + 8 + extra + 4]);
        payload.set(INT, 0, id);
        payload.set(LONG, 4, seq);
        for (int i = 0; i < extra; i++) {
            payload.set(ValueLayout.JAVA_BYTE, 12 + i, (byte) (seq * 31 + id * 17 + i));
        }
        CRC32C crc = new CRC32C();
        crc.update(payload.asByteBuffer().limit(12 + extra));
        payload.set(INT, 12 + extra, (int) crc.getValue());
        return payload.toArray(ValueLayout.JAVA_BYTE);
    }

    private static int extraBytes(int id, long seq) {
        return 8 + (int) Math.floorMod(seq * 7 + id, 49L);
    }

    /**
     * Checks a received payload: its checksum, and that it is record {@code seq} of some producer.
     *
     * @return the producer id and the sequence number, as {@code {id, seq}}
     * @throws IllegalStateException when the payload is corrupt
     */
    public static long[] check(int type, MemorySegment payload) {
        long size = payload.byteSize();
        if (size < 24) {
            throw new IllegalStateException("payload of " + size + " bytes is too short");
        }
        CRC32C crc = new CRC32C();
        crc.update(payload.asSlice(0, size - 4).asByteBuffer());
        if ((int) crc.getValue() != payload.get(INT, size - 4)) {
            throw new IllegalStateException("payload of " + size + " bytes fails its checksum");
        }
        int id = payload.get(INT, 0);
        long seq = payload.get(LONG, 4);
        if (id != type) {
            throw new IllegalStateException("record of type " + type + " carries producer id " + id);
        }
        if (size != 4 + 8 + extraBytes(id, seq) + 4) {
            throw new IllegalStateException("record " + seq + " of producer " + id + " has " + size + " bytes");
        }
        return new long[] {id, seq};
    }

    /** Beats when a heartbeat is given and the last beat is over a millisecond old; returns the time of the last beat. */
    private static long beatNowAndThen(Heartbeat heartbeat, long lastBeat) {
        if (heartbeat == null || System.nanoTime() - lastBeat <= 1_000_000) {
            return lastBeat;
        }
        heartbeat.beat();
        return System.nanoTime();
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 8 && !args[7].equals("beat")) {
            throw new IllegalArgumentException("the eighth argument " + args[7] + " must be beat");
        }
        Children.requireArgs(args, args.length == 8 ? 8 : 7, "RingProducer FILE SIZE VERSION spsc|mpsc ID COUNT SECONDS [beat]");
        boolean beating = args.length == 8;
        boolean single = switch (args[3]) {
            case "spsc" -> true;
            case "mpsc" -> false;
            default -> throw new IllegalArgumentException("kind " + args[3] + " must be spsc or mpsc");
        };
        int id = Integer.parseInt(args[4]);
        long count = Long.parseLong(args[5]);
        long until = Children.deadlineAfterSeconds(args[6]);
        try (SharedRegion region = Children.attach(args[0], args[1], args[2])) {
            MemorySegment ring = region.data();
            SpscRing spsc = single ? new SpscRing(ring) : null;
            MpscRing mpsc = single ? null : new MpscRing(ring);
            Heartbeat heartbeat = beating ? new Heartbeat(ring, RingLayout.HEARTBEAT_OFFSET) : null;
            if (beating) {
                heartbeat.beat();
            }
            System.out.println("attached");
            long sent = 0;
            long lastBeat = System.nanoTime();
            while ((count == 0 || sent < count) && System.nanoTime() < until) {
                byte[] payload = payload(id, sent);
                boolean offered = single ? spsc.offer(id, payload) : mpsc.offer(id, payload);
                while (!offered && System.nanoTime() < until) { // full: the consumer is behind
                    Thread.onSpinWait();
                    lastBeat = beatNowAndThen(heartbeat, lastBeat); // waiting for room is not being stuck
                    offered = single ? spsc.offer(id, payload) : mpsc.offer(id, payload);
                }
                if (!offered) {
                    break;
                }
                sent++;
                if ((sent & 255) == 0) {
                    lastBeat = beatNowAndThen(heartbeat, lastBeat);
                }
            }
            System.out.println("done " + sent);
        }
    }
}
