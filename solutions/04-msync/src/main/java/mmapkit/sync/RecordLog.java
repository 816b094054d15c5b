package mmapkit.sync;

import mmapkit.sync.RecordFormat.Mark;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A crash-consistent, append-only log of records on a {@link Storage}: after a crash at any point,
 * {@link #open} recovers exactly the records of some completed commit (the last one, or the one
 * that was in progress), never a torn record and never fewer than were committed.
 *
 * {@snippet :
 * try (MappedStorage storage = MappedStorage.open(path, 1 << 20)) {
 *     RecordLog log = RecordLog.create(storage);   // formats the storage
 *     log.append("debit 10".getBytes(UTF_8));
 *     log.append("credit 10".getBytes(UTF_8));
 *     log.commit();                                // both records are durable, or neither
 * }
 * // after a crash, a kill or a reboot:
 * RecordLog log = RecordLog.open(storage);         // the records of the last commit
 * }
 *
 * <h2>How</h2>
 * The layout is in {@link RecordFormat}: two commit slots, then checksummed records. A commit
 * flushes the new records first, and only then writes and flushes a commit mark (sequence number,
 * committed end, checksum) into the slot the previous commit did not use. Recovery takes the valid
 * mark with the highest sequence number and reads the records up to its committed end. A crash
 * before the mark reached the device leaves the previous mark in charge; a crash while the mark was
 * written leaves a slot that fails its checksum, and the other slot in charge; a mark on the device
 * always points at records that are there too, because they were flushed before it was written.
 *
 * <p>Not thread-safe, and one writer at a time: a learner-sized log.
 */
public final class RecordLog {

    private final Storage storage;
    private final FlushPolicy policy;
    /** The sequence number of the last commit (1 after create). */
    private long sequence;
    /** The offset just past the last committed record. */
    private long committedEnd;
    /** The offset where the next record goes: committedEnd plus the records appended since. */
    private long end;
    private long committedCount;
    private long pendingCount;

    private RecordLog(Storage storage, FlushPolicy policy, long sequence, long committedEnd, long committedCount) {
        this.storage = storage;
        this.policy = policy;
        this.sequence = sequence;
        this.committedEnd = committedEnd;
        this.end = committedEnd;
        this.committedCount = committedCount;
    }

    /** {@link #create(Storage, FlushPolicy)} with the crash-consistent {@link FlushPolicy#DATA_THEN_MARK}. */
    public static RecordLog create(Storage storage) {
        return create(storage, FlushPolicy.DATA_THEN_MARK);
    }

    /**
     * Formats {@code storage} as an empty log (commit 1 in slot B, slot A zeroed) and flushes the
     * format, whatever the policy. Whatever the storage held is gone.
     *
     * @throws IllegalArgumentException for a storage smaller than three blocks (12288 bytes)
     */
    public static RecordLog create(Storage storage, FlushPolicy policy) {
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(policy, "policy");
        if (storage.size() < RecordFormat.DATA_START + RecordFormat.BLOCK) {
            throw new IllegalArgumentException("storage of " + storage.size() + " bytes is too small for a log: it needs"
                    + " at least " + (RecordFormat.DATA_START + RecordFormat.BLOCK) + " (two commit slots and a block of records)");
        }
        storage.write(RecordFormat.slotOffset(0), new byte[RecordFormat.SLOT_SIZE]);
        storage.write(RecordFormat.slotOffset(1), RecordFormat.encodeMark(new Mark(1, RecordFormat.DATA_START)));
        storage.flush(0, RecordFormat.DATA_START);
        return new RecordLog(storage, policy, 1, RecordFormat.DATA_START, 0);
    }

    /** {@link #open(Storage, FlushPolicy)} with the crash-consistent {@link FlushPolicy#DATA_THEN_MARK}. */
    public static RecordLog open(Storage storage) {
        return open(storage, FlushPolicy.DATA_THEN_MARK);
    }

    /**
     * Recovers the log on {@code storage}: takes the valid commit mark with the highest sequence
     * number, checks every record up to its committed end, and forgets whatever lies after it
     * (records appended but never committed, or torn by a crash). Writes nothing.
     *
     * @throws CorruptLogException when neither slot holds a valid mark (the message says "no valid
     *                             commit mark", in any letter case; its offset is 0, that of slot A), or a committed record does not
     *                             check out (its length is negative or runs past the committed end, or
     *                             its checksum fails): then {@link CorruptLogException#offset()} is the
     *                             record's offset and the message names it as in "offset 12296"
     */
    public static RecordLog open(Storage storage, FlushPolicy policy) {
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(policy, "policy");
        // SOLUTION-BEGIN 04.6
        Optional<Mark> newest = Optional.empty();
        for (long slot : RecordFormat.SLOT_OFFSETS) {
            Optional<Mark> mark = RecordFormat.decodeMark(storage.read(slot, RecordFormat.SLOT_SIZE), storage.size());
            if (mark.isPresent() && (newest.isEmpty() || mark.get().sequence() > newest.get().sequence())) {
                newest = mark;
            }
        }
        Mark mark = newest.orElseThrow(() -> new CorruptLogException("no valid commit mark in the slots at offsets 0 and "
                + RecordFormat.BLOCK + ": the storage holds no record log (or was never formatted)", 0));
        long offset = RecordFormat.DATA_START;
        long count = 0;
        while (offset < mark.committedEnd()) {
            checkRecord(storage, offset, mark.committedEnd());
            offset += RecordFormat.recordSize(RecordFormat.headerLength(storage.read(offset, RecordFormat.HEADER_SIZE)));
            count++;
        }
        return new RecordLog(storage, policy, mark.sequence(), mark.committedEnd(), count);
        // SOLUTION-STUB
        // throw new UnsupportedOperationException(
        //         "TODO 04.6: find the newest valid commit mark and check the records up to it (see hint 04.6)");
        // SOLUTION-END
    }

    // SOLUTION-BEGIN 04.6
    /** Refuses a committed record at {@code offset} whose length or checksum does not check out. */
    private static void checkRecord(Storage storage, long offset, long committedEnd) {
        if (committedEnd - offset < RecordFormat.HEADER_SIZE) {
            throw new CorruptLogException("record header at offset " + offset + " runs past the committed end "
                    + committedEnd, offset);
        }
        byte[] header = storage.read(offset, RecordFormat.HEADER_SIZE);
        int length = RecordFormat.headerLength(header);
        if (length < 0 || RecordFormat.recordSize(length) > committedEnd - offset) {
            throw new CorruptLogException("committed record at offset " + offset + " claims " + length
                    + " bytes, past the committed end " + committedEnd
                    + ": the commit mark reached the device before this record did", offset);
        }
        byte[] payload = storage.read(offset + RecordFormat.HEADER_SIZE, length);
        if (RecordFormat.recordChecksum(offset, payload, 0, length) != RecordFormat.headerChecksum(header)) {
            throw new CorruptLogException("committed record at offset " + offset + " (" + length + " bytes) fails its"
                    + " checksum: the commit mark reached the device before this record did", offset);
        }
    }
    // SOLUTION-END

    /**
     * Appends a record after the others. It is visible to {@link #pendingCount()} at once and part of
     * the log only after the next {@link #commit()}; a crash before that loses it.
     *
     * @return the offset of the record in the storage
     * @throws NullPointerException  for a null payload
     * @throws IllegalStateException when the record does not fit in what is left of the storage; the
     *                               message names the bytes left as a number (as in "88") and the
     *                               record's size, its payload's or its whole size (as in "100" or
     *                               "112"); nothing is written then
     */
    public long append(byte[] payload) {
        // SOLUTION-BEGIN 04.5
        Objects.requireNonNull(payload, "payload");
        long size = RecordFormat.recordSize(payload.length);
        if (size > storage.size() - end) {
            throw new IllegalStateException("log full: a record of " + payload.length + " bytes needs " + size
                    + " bytes at offset " + end + ", but only " + (storage.size() - end) + " are left");
        }
        long offset = end;
        storage.write(offset, RecordFormat.encodeRecord(offset, payload));
        end += size;
        pendingCount++;
        return offset;
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 04.5: write the record after the others (see hint 04.5)");
        // SOLUTION-END
    }

    /**
     * Makes every appended record part of the log, durably when the policy flushes: the records, then
     * a new commit mark in the other slot, in the order the {@link FlushPolicy} says. With nothing
     * appended since the last commit it does nothing.
     *
     * @return the sequence number of the last commit
     */
    public long commit() {
        // SOLUTION-BEGIN 04.5
        if (end == committedEnd) {
            return sequence;
        }
        long next = sequence + 1;
        long slot = RecordFormat.slotOffset(next);
        byte[] mark = RecordFormat.encodeMark(new Mark(next, end));
        switch (policy) {
            case DATA_THEN_MARK -> {
                storage.flush(committedEnd, end - committedEnd);   // 1. the records reach the device
                storage.write(slot, mark);                         // 2. then the mark that points at them
                storage.flush(slot, RecordFormat.SLOT_SIZE);       // 3. the commit is durable
            }
            case MARK_THEN_DATA -> {                               // wrong: a crash between the two flushes
                storage.write(slot, mark);                         // leaves a mark on the device that points
                storage.flush(slot, RecordFormat.SLOT_SIZE);       // at records that never got there
                storage.flush(committedEnd, end - committedEnd);
            }
            case NO_FLUSH -> storage.write(slot, mark);             // the kernel writes it back some time
        }
        sequence = next;
        committedEnd = end;
        committedCount += pendingCount;
        pendingCount = 0;
        return sequence;
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 04.5: flush the records, then write and flush the commit mark (see hint 04.5)");
        // SOLUTION-END
    }

    /** The payloads of the committed records, in order, read from the storage. */
    public List<byte[]> records() {
        List<byte[]> records = new ArrayList<>();
        long offset = RecordFormat.DATA_START;
        while (offset < committedEnd) {
            int length = RecordFormat.headerLength(storage.read(offset, RecordFormat.HEADER_SIZE));
            records.add(storage.read(offset + RecordFormat.HEADER_SIZE, length));
            offset += RecordFormat.recordSize(length);
        }
        return records;
    }

    /** The sequence number of the last commit: 1 for a new log, one more for each commit. */
    public long sequence() {
        return sequence;
    }

    /** The offset just past the last committed record. */
    public long committedEnd() {
        return committedEnd;
    }

    /** How many records are committed. */
    public long committedCount() {
        return committedCount;
    }

    /** How many records were appended since the last commit. */
    public long pendingCount() {
        return pendingCount;
    }

    /** The flush order of its commits. */
    public FlushPolicy policy() {
        return policy;
    }

    /** The storage it lives on. */
    public Storage storage() {
        return storage;
    }

    @Override
    public String toString() {
        return "RecordLog[commit " + sequence + ", " + committedCount + " record(s) up to offset " + committedEnd
                + ", " + pendingCount + " pending, " + policy + "]";
    }
}
