package mmapkit.ipc;

import java.lang.foreign.MemorySegment;

/**
 * What a ring's consumer does with each record it reads, given the record's payload as a segment
 * of its own. Each record costs a slice object, which the JIT compiler removes only when it inlines
 * the handler; hot loops use {@link RecordVisitor}.
 */
@FunctionalInterface
public interface RecordHandler extends RecordVisitor {

    /**
     * Handles one record.
     *
     * @param type    the record's type, as the producer gave it (never the padding type)
     * @param payload the record's bytes, in the shared memory itself: valid only during this call
     *                (copy what you keep), and read-only by contract
     */
    void onRecord(int type, MemorySegment payload);

    /** Hands the record to {@link #onRecord(int, MemorySegment)} as a slice. */
    @Override
    default void onRecord(int type, MemorySegment records, long offset, int length) {
        onRecord(type, records.asSlice(offset, length));
    }
}
