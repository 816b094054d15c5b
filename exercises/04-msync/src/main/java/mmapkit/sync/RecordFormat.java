package mmapkit.sync;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * The byte layout of a {@link RecordLog}, and the code that writes and checks it. Every number is
 * little-endian; checksums are CRC-32C ({@link CRC32C}, the one iSCSI, ext4 and btrfs use).
 *
 * <pre>
 * offset   size  what
 * 0        32    commit slot A  (its own 4096-byte block)
 * 4096     32    commit slot B  (its own 4096-byte block)
 * 8192     ...   records, one after the other, each starting at a multiple of 8
 *
 * commit slot                              record at offset R
 * 0   8  magic "MMAPLOG1"                  0   4  payload length L (bytes)
 * 8   8  sequence number (1, 2, 3, ...)    4   4  CRC-32C of R (8 bytes), L (4 bytes), payload
 * 16  8  committed end: the offset just    8   L  payload
 *        past the last committed record    8+L    zero padding up to a multiple of 8
 * 24  4  CRC-32C of bytes 0..23
 * 28  4  zero
 * </pre>
 *
 * <p>Commit number {@code s} writes its mark into slot {@code s % 2}, so the mark of the previous
 * commit stays intact while the new one is written. A record's checksum covers its own offset, so
 * that zeros, or a stale record left at another place, never pass for a record.
 */
public final class RecordFormat {

    /** The size of the block that holds each commit slot. */
    public static final int BLOCK = 4096;  // not a page size: the log format's block, the same on every machine
    /** Where commit slot A and slot B start. */
    public static final long[] SLOT_OFFSETS = {0, BLOCK};
    /** The bytes of a commit slot. */
    public static final int SLOT_SIZE = 32;
    /** Where the first record starts. */
    public static final long DATA_START = 2L * BLOCK;
    /** The bytes of a record header: length and checksum. */
    public static final int HEADER_SIZE = 8;
    /** Records start at multiples of this. */
    public static final int ALIGNMENT = 8;
    /** "MMAPLOG1" in ASCII, read as a little-endian long. */
    public static final long MAGIC = ByteBuffer.wrap("MMAPLOG1".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
            .order(ByteOrder.LITTLE_ENDIAN).getLong();

    private RecordFormat() {
    }

    /** A valid commit mark: commit number {@code sequence}, records up to {@code committedEnd}. */
    public record Mark(long sequence, long committedEnd) {
    }

    /** The slot that commit number {@code sequence} writes its mark into: 0 (A) or 4096 (B). */
    public static long slotOffset(long sequence) {
        return SLOT_OFFSETS[(int) (sequence % 2)];
    }

    // tag::encode-mark[]
    /** The 32 bytes of a commit slot holding {@code mark}. */
    public static byte[] encodeMark(Mark mark) {
        ByteBuffer slot = ByteBuffer.allocate(SLOT_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        slot.putLong(MAGIC).putLong(mark.sequence()).putLong(mark.committedEnd());
        slot.putInt((int) crc(slot.array(), 0, 24)).putInt(0);
        return slot.array();
    }
    // end::encode-mark[]

    /**
     * The mark in these 32 bytes, if they hold a valid one: the magic and the checksum match, the
     * sequence is positive and the committed end lies in {@code [DATA_START, storageSize]} on a
     * multiple of 8. Empty for zeros, garbage, or a slot torn by a crash.
     *
     * <p>A mark whose magic and checksum match but whose end lies past {@code storageSize} was not
     * torn: it is intact, and the storage is smaller than the log it holds (the file was cut, or
     * opened with a smaller size). Passing it over would roll the log back to an older commit, and
     * the next commit would overwrite newer records; so it is refused.
     *
     * @throws CorruptLogException for an intact mark whose committed end lies past the storage: the
     *                             message names the storage size and the mark's end, its
     *                             {@link CorruptLogException#offset()} is the storage size
     */
    public static Optional<Mark> decodeMark(byte[] slot, long storageSize) {
        if (slot.length < SLOT_SIZE) {
            return Optional.empty();
        }
        ByteBuffer buffer = ByteBuffer.wrap(slot).order(ByteOrder.LITTLE_ENDIAN);
        long magic = buffer.getLong(0);
        long sequence = buffer.getLong(8);
        long end = buffer.getLong(16);
        int checksum = buffer.getInt(24);
        boolean intact = magic == MAGIC && checksum == (int) crc(slot, 0, 24) && sequence > 0;
        if (intact && end > storageSize) {
            throw new CorruptLogException("commit mark " + sequence + " is intact and says the log ends at " + end
                    + ", past the end of the storage (" + storageSize + " bytes): the storage is smaller than the log"
                    + " (cut, or opened with a smaller size); open it with at least " + end
                    + " bytes instead of rolling back to an older commit", storageSize);
        }
        boolean valid = intact && end >= DATA_START && end % ALIGNMENT == 0;
        return valid ? Optional.of(new Mark(sequence, end)) : Optional.empty();
    }

    /** How many bytes a record of {@code payloadLength} bytes takes, header and padding included. */
    public static long recordSize(int payloadLength) {
        return (HEADER_SIZE + (long) payloadLength + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    /** The bytes of a record at {@code offset}: header, payload, padding. */
    public static byte[] encodeRecord(long offset, byte[] payload) {
        ByteBuffer record = ByteBuffer.allocate((int) recordSize(payload.length)).order(ByteOrder.LITTLE_ENDIAN);
        record.putInt(payload.length).putInt(recordChecksum(offset, payload, 0, payload.length)).put(payload);
        return record.array();
    }

    /** The payload length in a record header (its first 4 bytes). */
    public static int headerLength(byte[] header) {
        return ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
    }

    /** The checksum in a record header (its bytes 4 to 7). */
    public static int headerChecksum(byte[] header) {
        return ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).getInt(4);
    }

    // tag::record-checksum[]
    /** The checksum a record at {@code offset} with this payload must carry. */
    public static int recordChecksum(long offset, byte[] payload, int from, int length) {
        CRC32C crc = new CRC32C();
        ByteBuffer prefix = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        prefix.putLong(offset).putInt(length);
        crc.update(prefix.array());
        crc.update(payload, from, length);
        return (int) crc.getValue();
    }
    // end::record-checksum[]

    private static long crc(byte[] bytes, int from, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, from, length);
        return crc.getValue();
    }
}
