package mmapkit.ipc.experiments;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;

/**
 * The kernel's transports, which carry bytes, not messages: a pipe pair, a Unix domain socket, a
 * TCP connection on loopback. A send is one {@code write(2)} of 64 bytes; a receive reads what is
 * there (up to 64 KiB, blocking while there is nothing) and cuts it into messages. The blocking
 * reads end when the peer closes its end or dies (end of file); the benchmark's process timeouts
 * bound them.
 */
abstract class StreamLink extends Link {

    private final ByteBuffer in;
    final ByteBuffer out;

    StreamLink(ByteBuffer in, ByteBuffer out) {
        super(Long.MAX_VALUE, () -> true);
        this.in = in.order(ByteOrder.nativeOrder());
        this.in.limit(0);
        this.out = out.order(ByteOrder.nativeOrder());
    }

    /** Reads what the transport has into {@code buffer} (blocking while nothing); -1 at end of file. */
    abstract int read(ByteBuffer buffer) throws IOException;

    /** Writes the {@link #MESSAGE} bytes of {@link #out}. */
    abstract void write() throws IOException;

    @Override
    final void send(long sequence, int kind) throws IOException {
        out.clear();
        out.putLong(0, sequence).putLong(8, kind).putLong(MESSAGE - 8, sequence ^ CHECK);
        out.limit(MESSAGE);
        write();
    }

    @Override
    final void fill(int room) throws IOException {
        while (in.remaining() < MESSAGE) {
            in.compact();
            int read = read(in);
            in.flip();
            if (read < 0) {
                throw new EOFException("the peer closed its end");
            }
        }
        for (int taken = 0; taken < room && in.remaining() >= MESSAGE; taken++) {
            int at = in.position();
            received((int) in.getLong(at + 8), in.getLong(at), in.getLong(at + MESSAGE - 8), MESSAGE);
            in.position(at + MESSAGE);
        }
    }

    /** A socket (Unix domain or TCP), blocking, with direct buffers. */
    static StreamLink of(SocketChannel channel) {
        return new StreamLink(ByteBuffer.allocateDirect(64 * 1024), ByteBuffer.allocateDirect(MESSAGE)) {
            @Override
            int read(ByteBuffer buffer) throws IOException {
                return channel.read(buffer);
            }

            @Override
            void write() throws IOException {
                while (out.hasRemaining()) {
                    channel.write(out);
                }
            }

            @Override
            public void close() throws IOException {
                channel.close();
            }
        };
    }

    /** A pair of pipes, as streams (the parent's ends of a child's standard input and output, or the child's). */
    static StreamLink of(InputStream input, OutputStream output) {
        return new StreamLink(ByteBuffer.allocate(64 * 1024), ByteBuffer.allocate(MESSAGE)) {
            @Override
            int read(ByteBuffer buffer) throws IOException {
                int read = input.read(buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining());
                if (read > 0) {
                    buffer.position(buffer.position() + read);
                }
                return read;
            }

            @Override
            void write() throws IOException {
                output.write(out.array(), out.arrayOffset(), MESSAGE);
                output.flush(); // the parent's end is buffered: one write(2) per message
            }

            @Override
            public void close() throws IOException {
                try (input; output) {
                    // closes both
                }
            }
        };
    }
}
