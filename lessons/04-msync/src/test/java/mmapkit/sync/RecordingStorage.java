package mmapkit.sync;

import java.util.ArrayList;
import java.util.List;

/** A {@link Storage} that passes every call on and remembers the writes and flushes, in order. */
final class RecordingStorage implements Storage {

    /** One write or flush: {@code [offset, offset + length)}. */
    record Op(boolean flush, long offset, long length) {

        /** Whether it touches any byte of {@code [from, to)}. */
        boolean touches(long from, long to) {
            return length > 0 && offset < to && from < offset + length;
        }

        @Override
        public String toString() {
            return (flush ? "flush(" : "write(") + offset + ", " + length + ")";
        }
    }

    private final Storage storage;
    private final List<Op> ops = new ArrayList<>();

    RecordingStorage(Storage storage) {
        this.storage = storage;
    }

    /** The writes and flushes so far, in call order. */
    List<Op> ops() {
        return List.copyOf(ops);
    }

    /**
     * Whether the flushes among {@code ops} cover every page of {@code [from, to)}, pages of
     * {@code pageSize} bytes: a flush makes durable the whole pages that hold its range.
     */
    static boolean flushesCover(List<Op> ops, long from, long to, int pageSize) {
        for (long page = from / pageSize; page * pageSize < to; page++) {
            long start = page * pageSize;
            long end = start + pageSize;
            if (ops.stream().noneMatch(op -> op.flush() && op.touches(start, end))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public long size() {
        return storage.size();
    }

    @Override
    public int pageSize() {
        return storage.pageSize();
    }

    @Override
    public byte[] read(long offset, int length) {
        return storage.read(offset, length);
    }

    @Override
    public void write(long offset, byte[] data) {
        storage.write(offset, data);
        ops.add(new Op(false, offset, data.length));
    }

    @Override
    public void flush(long offset, long length) {
        storage.flush(offset, length);
        ops.add(new Op(true, offset, length));
    }
}
