package mmapkit.mapping.proc;


/**
 * One line of {@code /proc/PID/maps} (and the header line of each mapping in
 * {@code /proc/PID/smaps}): one virtual memory area of the process.
 *
 * <pre>
 * 7f3a1c200000-7f3a1c201000 rw-s 00002000 fd:01 1835021                    /tmp/data.bin
 * start        end          perms offset  device inode                     path
 * </pre>
 *
 * @param start       the first address of the area
 * @param end         the first address after the area
 * @param permissions four characters: {@code r} or {@code -}, {@code w} or {@code -}, {@code x} or
 *                    {@code -}, then {@code s} (shared) or {@code p} (private, copy-on-write)
 * @param offset      the file offset mapped at {@code start} (0 for anonymous memory)
 * @param device      the file's device as {@code major:minor} in hex ({@code 00:00} for none)
 * @param inode       the file's inode (0 for none)
 * @param path        the file's path, possibly ending in {@code " (deleted)"}; a pseudo-path such as
 *                    {@code [heap]}, {@code [stack]}, {@code [vdso]}; or empty for anonymous memory
 */
public record MapsEntry(long start, long end, String permissions, long offset, String device, long inode, String path) {

    /** The suffix the kernel adds to the path of a file deleted while mapped. */
    public static final String DELETED = " (deleted)";


    /**
     * Parses one line of {@code /proc/PID/maps}, such as
     * {@code 55d0c8a00000-55d0c8a21000 rw-p 00000000 00:00 0          [heap]}.
     *
     * @throws IllegalArgumentException when the line is not a maps line, quoting it
     */
    public static MapsEntry parse(String line) {
        // TODO 01.2 (see hint 01.2)
        throw new UnsupportedOperationException("TODO 01.2: parse one line of /proc/self/maps (see hint 01.2)");
    }

    /**
     * Whether a line starts like a maps line ({@code hex-hex }), as the header of each mapping in
     * {@code /proc/PID/smaps} does; its other lines ({@code Rss:    4 kB}) do not.
     */
    public static boolean isEntryLine(String line) {
        int dash = line.indexOf('-');
        int space = line.indexOf(' ');
        if (dash <= 0 || space <= dash + 1) {
            return false;
        }
        for (int i = 0; i < space; i++) {
            char c = line.charAt(i);
            if (i != dash && Character.digit(c, 16) < 0) {
                return false;
            }
        }
        return true;
    }

    /** The size of the area in bytes, a multiple of the page size. */
    public long size() {
        return end - start;
    }

    /** Whether {@code start <= address < end}. */
    public boolean contains(long address) {
        return Long.compareUnsigned(start, address) <= 0 && Long.compareUnsigned(address, end) < 0;
    }

    /** Whether the pages may be read ({@code r}). */
    public boolean readable() {
        return permissions.charAt(0) == 'r';
    }

    /** Whether the pages may be written ({@code w}). */
    public boolean writable() {
        return permissions.charAt(1) == 'w';
    }

    /** Whether the pages may be executed ({@code x}). */
    public boolean executable() {
        return permissions.charAt(2) == 'x';
    }

    /** Whether the mapping is shared ({@code s}, MAP_SHARED) rather than private ({@code p}, copy-on-write). */
    public boolean shared() {
        return permissions.charAt(3) == 's';
    }

    /** Whether the mapped file has been deleted (its path ends with {@code " (deleted)"}). */
    public boolean deleted() {
        return path.endsWith(DELETED);
    }

    /** Whether no file or pseudo-path is named (anonymous memory such as a Java heap). */
    public boolean anonymous() {
        return path.isEmpty();
    }

    /** The path without a {@code " (deleted)"} suffix. */
    public String filePath() {
        return deleted() ? path.substring(0, path.length() - DELETED.length()) : path;
    }

    /** The line as the kernel writes it (addresses and offset in hex, the path after one space). */
    @Override
    public String toString() {
        return Long.toHexString(start) + "-" + Long.toHexString(end) + " " + permissions + " "
                + String.format("%08x", offset) + " " + device + " " + inode + (path.isEmpty() ? "" : " " + path);
    }
}
