package mmapkit.ipc.experiments;

import mmapkit.mapping.MapMode;
import mmapkit.mapping.MappedFile;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

/**
 * The baseline: two Agrona {@link OneToOneRingBuffer}s, one each way, over one file under
 * {@code /dev/shm} mapped shared, exactly as the toolkit's rings are (the same {@link MappedFile},
 * so the pages, the mapping and the page-table entries are alike and only the ring code differs).
 * Agrona's buffers are {@link UnsafeBuffer}s on the mapping's address; a zeroed buffer is an empty
 * ring, so the side that creates the file sizes it before it starts the other. Waits spin.
 */
final class AgronaLink extends Link {

    /** Bytes of records per ring, as the toolkit transport's; Agrona's trailer (head, tail, ...) comes on top. */
    static final int CAPACITY = (int) RingLink.CAPACITY;
    static final int RING_BYTES = CAPACITY + RingBufferDescriptor.TRAILER_LENGTH;
    static final long FILE_SIZE = 2L * RING_BYTES;

    private final MappedFile file;
    private final OneToOneRingBuffer out;
    private final OneToOneRingBuffer in;
    private final UnsafeBuffer message = new UnsafeBuffer(ByteBuffer.allocateDirect(MESSAGE).order(ByteOrder.nativeOrder()));
    private final MessageHandler handler = this::onMessage;

    private AgronaLink(MappedFile file, boolean creator, long deadline, BooleanSupplier peerAlive) {
        super(deadline, peerAlive);
        this.file = file;
        UnsafeBuffer first = new UnsafeBuffer(file.address(), RING_BYTES);
        UnsafeBuffer second = new UnsafeBuffer(file.address() + RING_BYTES, RING_BYTES);
        this.out = new OneToOneRingBuffer(creator ? first : second);
        this.in = new OneToOneRingBuffer(creator ? second : first);
    }

    /** Creates the file (it must not exist) at its full size, zero-filled: two empty rings. */
    static AgronaLink create(Path path, long deadline, BooleanSupplier peerAlive) throws IOException {
        Files.createFile(path);
        return new AgronaLink(MappedFile.map(path, MapMode.SHARED, 0, FILE_SIZE), true, deadline, peerAlive);
    }

    /** Maps the file the other side created (it is complete before this side starts). */
    static AgronaLink attach(Path path, long deadline) throws IOException {
        if (Files.size(path) != FILE_SIZE) {
            throw new IllegalStateException(path + " has " + Files.size(path) + " bytes, expected " + FILE_SIZE);
        }
        return new AgronaLink(MappedFile.map(path, MapMode.SHARED, 0, FILE_SIZE), false, deadline, () -> true);
    }

    // tag::agrona-send[]
    @Override
    void send(long sequence, int kind) {
        message.putLong(0, sequence);
        message.putLong(8, kind);
        message.putLong(MESSAGE - 8, sequence ^ CHECK);
        for (long spins = 1; !out.write(kind, message, 0, MESSAGE); spins++) {
            Thread.onSpinWait();
            checkWait(spins);
        }
    }
    // end::agrona-send[]

    // tag::agrona-receive[]
    @Override
    void fill(int room) {
        for (long spins = 1; in.read(handler, room) == 0; spins++) {
            Thread.onSpinWait();
            checkWait(spins);
        }
    }

    private void onMessage(int type, MutableDirectBuffer buffer, int index, int length) {
        received(type, buffer.getLong(index), buffer.getLong(index + MESSAGE - 8), length);
    }
    // end::agrona-receive[]

    @Override
    public void close() {
        file.close();
    }
}
