package mmapkit.sync;

import mmapkit.sync.RecordFormat.Mark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Record-log disk images, made and read by the tests themselves with the given {@link RecordFormat},
 * so that a test of one task does not lean on the learner's code of another.
 */
final class LogImages {

    private LogImages() {
    }

    /** Where the records of {@code payloads} end, laid out one after the other from {@link RecordFormat#DATA_START}. */
    static long endOf(List<byte[]> payloads) {
        long end = RecordFormat.DATA_START;
        for (byte[] payload : payloads) {
            end += RecordFormat.recordSize(payload.length);
        }
        return end;
    }

    /** An image of {@code size} bytes holding {@code payloads} from DATA_START and each mark in its slot. */
    static byte[] image(int size, List<byte[]> payloads, Mark... marks) {
        byte[] image = new byte[size];
        long offset = RecordFormat.DATA_START;
        for (byte[] payload : payloads) {
            byte[] record = RecordFormat.encodeRecord(offset, payload);
            System.arraycopy(record, 0, image, (int) offset, record.length);
            offset += record.length;
        }
        for (Mark mark : marks) {
            byte[] slot = RecordFormat.encodeMark(mark);
            System.arraycopy(slot, 0, image, (int) RecordFormat.slotOffset(mark.sequence()), slot.length);
        }
        return image;
    }

    /** The valid mark with the highest sequence number in the two slots of {@code image}. */
    static Optional<Mark> newestMark(byte[] image) {
        Optional<Mark> newest = Optional.empty();
        for (long slot : RecordFormat.SLOT_OFFSETS) {
            Optional<Mark> mark = RecordFormat.decodeMark(
                    Arrays.copyOfRange(image, (int) slot, (int) slot + RecordFormat.SLOT_SIZE), image.length);
            if (mark.isPresent() && (newest.isEmpty() || mark.get().sequence() > newest.get().sequence())) {
                newest = mark;
            }
        }
        return newest;
    }

    /** The mark in the slot at {@code slot}, if it holds a valid one. */
    static Optional<Mark> markAt(byte[] image, long slot) {
        return RecordFormat.decodeMark(Arrays.copyOfRange(image, (int) slot, (int) slot + RecordFormat.SLOT_SIZE),
                image.length);
    }

    /**
     * The records of {@code image} up to {@code committedEnd}, read with RecordFormat; {@code problem} says
     * which record does not check out (and the records stop before it), or is empty.
     */
    record Decoded(List<byte[]> records, String problem) {
    }

    static Decoded decode(byte[] image, long committedEnd) {
        List<byte[]> records = new ArrayList<>();
        long offset = RecordFormat.DATA_START;
        while (offset < committedEnd) {
            if (committedEnd - offset < RecordFormat.HEADER_SIZE) {
                return new Decoded(records, "the header at offset " + offset + " runs past the committed end "
                        + committedEnd);
            }
            byte[] header = Arrays.copyOfRange(image, (int) offset, (int) offset + RecordFormat.HEADER_SIZE);
            int length = RecordFormat.headerLength(header);
            if (length < 0 || RecordFormat.recordSize(length) > committedEnd - offset) {
                return new Decoded(records, "the record at offset " + offset + " claims " + length
                        + " bytes, past the committed end " + committedEnd);
            }
            byte[] payload = Arrays.copyOfRange(image, (int) offset + RecordFormat.HEADER_SIZE,
                    (int) offset + RecordFormat.HEADER_SIZE + length);
            if (RecordFormat.recordChecksum(offset, payload, 0, length) != RecordFormat.headerChecksum(header)) {
                return new Decoded(records, "the record at offset " + offset + " (" + length + " bytes) fails"
                        + " its checksum (it is not on the disk)");
            }
            records.add(payload);
            offset += RecordFormat.recordSize(length);
        }
        return new Decoded(records, "");
    }

    /** Whether two lists hold the same payloads in the same order. */
    static boolean same(List<byte[]> a, List<byte[]> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!Arrays.equals(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** A payload of {@code length} bytes, all {@code value}. */
    static byte[] payload(int length, int value) {
        byte[] payload = new byte[length];
        Arrays.fill(payload, (byte) value);
        return payload;
    }
}
