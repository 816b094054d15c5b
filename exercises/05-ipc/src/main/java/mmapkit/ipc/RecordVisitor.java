package mmapkit.ipc;

import java.lang.foreign.MemorySegment;

/**
 * What a ring's consumer does with each record, told where the record lies instead of given a slice
 * of it: the shape for hot loops, since it needs no object per record ({@link RecordHandler} is the
 * simpler one, built on this).
 */
@FunctionalInterface
public interface RecordVisitor {

    /**
     * Handles one record.
     *
     * @param type    the record's type, as the producer gave it (never the padding type)
     * @param records the ring's record area, in the shared memory itself
     * @param offset  where the record's payload starts in {@code records}
     * @param length  the payload's length in bytes; the bytes are valid only during this call
     */
    void onRecord(int type, MemorySegment records, long offset, int length);
}
