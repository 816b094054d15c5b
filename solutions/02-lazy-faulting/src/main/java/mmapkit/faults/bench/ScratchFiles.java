package mmapkit.faults.bench;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Files that experiments and tests write before they measure or check something, in the states that
 * matter for the page cache: a hole (nothing cached, nothing on disk, nothing dirty), or written with
 * {@code write()} and flushed (every page cached and clean). Put them in a {@link ScratchFolder#onDisk()}
 * folder: on tmpfs a file's pages are never written back, so clean and dirty would mean nothing.
 */
public final class ScratchFiles {

    /** How much one {@code write()} hands the kernel at most. */
    private static final int CHUNK = 1 << 20;

    private ScratchFiles() {
    }

    /**
     * Makes {@code file} (created if missing) {@code size} bytes long by setting its length only: one
     * hole, no block of it on disk, no page of it in the page cache, nothing dirty.
     *
     * @return {@code file}
     * @throws IllegalArgumentException for a negative size
     * @throws UncheckedIOException     when the file cannot be made or resized (the message names it)
     */
    public static Path hole(Path file, long size) {
        requireSize(size);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(size);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make " + file + " a hole of " + size + " bytes", e);
        }
        return file;
    }

    /**
     * Writes {@code size} bytes of {@code value} into {@code file} (created if missing) from its start with
     * {@code write()}, and flushes them with {@code fsync()}: every page cached and clean.
     *
     * @return {@code file}
     * @throws IllegalArgumentException for a negative size
     * @throws UncheckedIOException     when the file cannot be written (the message names it)
     */
    public static Path filled(Path file, long size, byte value) {
        requireSize(size);
        ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(CHUNK, size));
        while (chunk.hasRemaining()) {
            chunk.put(value);
        }
        return write(file, size, chunk, ignored -> { });
    }

    /**
     * Writes {@code size} bytes of random longs into {@code file} (created if missing) from its start with
     * {@code write()}, and flushes them with {@code fsync()}: every page cached and clean. The same seed
     * gives the same bytes: the longs of {@code new SplittableRandom(seed)}, one after another, big-endian.
     *
     * @return {@code file}
     * @throws IllegalArgumentException for a size that is negative or no multiple of 8
     * @throws UncheckedIOException     when the file cannot be written (the message names it)
     */
    public static Path randomLongs(Path file, long size, long seed) {
        requireSize(size);
        if (size % Long.BYTES != 0) {
            throw new IllegalArgumentException("size " + size + " must be a multiple of " + Long.BYTES
                    + ": the file holds whole longs");
        }
        SplittableRandom random = new SplittableRandom(seed);
        return write(file, size, ByteBuffer.allocateDirect((int) Math.min(CHUNK, size)), chunk -> {
            while (chunk.hasRemaining()) {
                chunk.putLong(random.nextLong());
            }
        });
    }

    /** Writes {@code chunk} over and over, refilled before each write, up to {@code size} bytes; then fsync. */
    private static Path write(Path file, long size, ByteBuffer chunk, Consumer<ByteBuffer> refill) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            for (long position = 0; position < size; position += chunk.capacity()) {
                chunk.clear();
                refill.accept(chunk);
                chunk.flip().limit((int) Math.min(chunk.capacity(), size - position));
                while (chunk.hasRemaining()) {
                    channel.write(chunk, position + chunk.position());
                }
            }
            channel.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + size + " bytes into " + file, e);
        }
        return file;
    }

    private static void requireSize(long size) {
        if (size < 0) {
            throw new IllegalArgumentException("size " + size + " must not be negative");
        }
    }
}
