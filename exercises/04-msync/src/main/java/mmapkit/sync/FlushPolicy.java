package mmapkit.sync;

/**
 * In which order {@link RecordLog#commit()} makes things durable. Only {@link #DATA_THEN_MARK}
 * is crash-consistent; the other two exist so that the crash tests can show what goes wrong
 * without it.
 */
public enum FlushPolicy {
    /**
     * Flush the new records, then write the commit mark, then flush the mark. After a power cut
     * the mark on the device never points past data that is not there.
     */
    DATA_THEN_MARK,
    /**
     * Deliberately wrong: write and flush the mark first, then flush the records. A power cut
     * between the two leaves a mark that points at records that never reached the device.
     */
    MARK_THEN_DATA,
    /**
     * Flush nothing: write the mark and leave everything to the kernel's write-back. Survives a
     * killed process (the page cache keeps it all) but not a power cut, which may lose committed
     * records, or keep a mark whose records it lost.
     */
    NO_FLUSH
}
