package mmapkit.ipc.experiments;

import mmapkit.ipc.RecordVisitor;
import mmapkit.ipc.RingLayout;
import mmapkit.ipc.RingReader;
import mmapkit.ipc.SharedRegion;
import mmapkit.ipc.SpscRing;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * The toolkit's transport: two {@link SpscRing}s in one {@link SharedRegion} under
 * {@code /dev/shm}, one each way. The side that creates the region sends on the first ring and
 * reads the second; the side that attaches does the opposite. Waits spin.
 */
final class RingLink extends Link {

    /** Bytes of records per ring (64 KiB, as the Agrona transport's). */
    static final long CAPACITY = 64 * 1024;
    static final int VERSION = 5;
    /** The region: its header, then the two rings, each on a 128-byte boundary. */
    static final long REGION_SIZE = SharedRegion.HEADER_SIZE + 2 * RingLayout.bytes(CAPACITY);

    private final SharedRegion region;
    private final SpscRing out;
    private final RingReader in;
    private final MemorySegment message = Arena.ofAuto().allocate(MESSAGE, 8);
    private final RecordVisitor visitor = this::onRecord;

    private RingLink(SharedRegion region, boolean creator, long deadline, BooleanSupplier peerAlive) {
        super(deadline, peerAlive);
        this.region = region;
        MemorySegment first = region.data().asSlice(0, RingLayout.bytes(CAPACITY));
        MemorySegment second = region.data().asSlice(RingLayout.bytes(CAPACITY), RingLayout.bytes(CAPACITY));
        this.out = new SpscRing(creator ? first : second);
        this.in = new RingReader(creator ? second : first);
    }

    /** Creates the region with both rings initialised (the file must not exist). */
    static RingLink create(Path file, long deadline, BooleanSupplier peerAlive) throws IOException {
        SharedRegion region = SharedRegion.create(file, REGION_SIZE, VERSION, data -> {
            RingLayout.initialise(data.asSlice(0, RingLayout.bytes(CAPACITY)), CAPACITY);
            RingLayout.initialise(data.asSlice(RingLayout.bytes(CAPACITY), RingLayout.bytes(CAPACITY)), CAPACITY);
        });
        return new RingLink(region, true, deadline, peerAlive);
    }

    /** Attaches to the region the other side created, waiting for it until the deadline. */
    static RingLink attach(Path file, long deadline) throws IOException, InterruptedException {
        Duration wait = Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
        return new RingLink(SharedRegion.attach(file, REGION_SIZE, VERSION, wait), false, deadline, () -> true);
    }

    // tag::ring-send[]
    @Override
    void send(long sequence, int kind) {
        message.set(ValueLayout.JAVA_LONG, 0, sequence);
        message.set(ValueLayout.JAVA_LONG, 8, kind);
        message.set(ValueLayout.JAVA_LONG, MESSAGE - 8, sequence ^ CHECK);
        for (long spins = 1; !out.offer(kind, message); spins++) { // full: the reader is behind
            Thread.onSpinWait();
            checkWait(spins);
        }
    }
    // end::ring-send[]

    // tag::ring-receive[]
    @Override
    void fill(int room) {
        for (long spins = 1; in.poll(visitor, room) == 0; spins++) { // empty: spin
            Thread.onSpinWait();
            checkWait(spins);
        }
    }

    // no slice per record: the visitor is told where the record lies
    private void onRecord(int type, MemorySegment records, long offset, int length) {
        long sequence = records.get(ValueLayout.JAVA_LONG, offset);
        long check = records.get(ValueLayout.JAVA_LONG, offset + MESSAGE - 8);
        received(type, sequence, check, length);
    }
    // end::ring-receive[]

    @Override
    public void close() {
        region.close();
    }
}
