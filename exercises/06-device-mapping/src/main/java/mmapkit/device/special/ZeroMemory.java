package mmapkit.device.special;

import mmapkit.mapping.RawMapping;
import mmapkit.mapping.natives.NativeCallException;
import mmapkit.mapping.proc.MapsEntry;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Zero-filled memory that is not a file on disk: {@code /dev/zero} mapped private or shared, and
 * anonymous shared memory ({@code MAP_SHARED|MAP_ANONYMOUS}). Every mapping here is readable and
 * writable and starts out as zeros; the kernel gives it pages only as they are touched.
 *
 * <p>What the three are, as the kernel sees them:
 * <ul>
 * <li>{@code /dev/zero} mapped {@code MAP_PRIVATE} is private anonymous memory, the same as
 *     {@code MAP_PRIVATE|MAP_ANONYMOUS}: stores make private pages that nobody else ever sees.
 *     {@code /proc/self/maps} still names the device: {@code rw-p ... /dev/zero}.
 * <li>{@code /dev/zero} mapped {@code MAP_SHARED}, and anonymous shared memory, make a new shmem
 *     object (an unnamed file in the kernel's internal tmpfs) for each {@code mmap} call. The maps
 *     line reads {@code rw-s ... /dev/zero (deleted)}, with that object's own inode. Two calls give
 *     two objects that share nothing. The pages are shared only with the processes that
 *     <em>inherit</em> the mapping across {@code fork}; a JVM never forks a copy of itself (it
 *     starts children with a fresh {@code exec}), so to share memory with another Java process, use
 *     a file that it can open: a {@link Memfd} or {@link PosixSharedMemory}.
 * </ul>
 *
 * <p>Every method closes the descriptor of {@code /dev/zero} it opened before it returns, also when
 * the mapping fails: closing a descriptor does not unmap.
 */
public final class ZeroMemory {

    /** The device that reads as endless zeros and swallows whatever is written to it. */
    public static final Path DEV_ZERO = Path.of("/dev/zero");

    private ZeroMemory() {
    }

    /**
     * Private zero-filled memory: {@code mmap(NULL, length, PROT_READ|PROT_WRITE, MAP_PRIVATE, fd, 0)}
     * of {@code /dev/zero}. Stores stay in this mapping: neither another mapping of
     * {@code /dev/zero} nor another process sees them.
     *
     * @param length bytes, at least 1 (the kernel rounds up to whole pages)
     * @throws IllegalArgumentException for a length that is not positive, naming it
     * @throws NativeCallException      when the kernel refuses the call
     */
    public static RawMapping privateZero(long length) {
        // TODO 06.1 (see hint 06.1)
        throw new UnsupportedOperationException("TODO 06.1: map /dev/zero private (see hint 06.1)");
    }

    /**
     * A shmem object of its own: {@code mmap(NULL, length, PROT_READ|PROT_WRITE, MAP_SHARED, fd, 0)} of
     * {@code /dev/zero}. Another {@code sharedZero} call, in this process or any other, gets another
     * object; only a child made by {@code fork} would share this one.
     *
     * @param length bytes, at least 1 (the kernel rounds up to whole pages)
     * @throws IllegalArgumentException for a length that is not positive, naming it
     * @throws NativeCallException      when the kernel refuses the call
     */
    public static RawMapping sharedZero(long length) {
        // TODO 06.1 (see hint 06.1)
        throw new UnsupportedOperationException("TODO 06.1: map /dev/zero shared (see hint 06.1)");
    }

    /**
     * Anonymous shared memory: {@code mmap(NULL, length, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_ANONYMOUS, -1, 0)}.
     * The kernel makes it exactly as {@link #sharedZero}: a new shmem object, shown as
     * {@code /dev/zero (deleted)}.
     *
     * @param length bytes, at least 1 (the kernel rounds up to whole pages)
     * @throws IllegalArgumentException for a length that is not positive, naming it
     * @throws NativeCallException      when the kernel refuses the call
     */
    public static RawMapping sharedAnonymous(long length) {
        // TODO 06.1 (see hint 06.1)
        throw new UnsupportedOperationException("TODO 06.1: map anonymous shared memory (see hint 06.1)");
    }

    /**
     * The line of {@code /proc/self/maps} for the area that holds the mapping's first byte: its
     * permissions ({@code rw-p} or {@code rw-s}), device, inode and path, as the kernel shows them now.
     *
     * @throws IllegalStateException when the mapping is closed, or the kernel lists no area at its address
     */
    public static MapsEntry mapsEntry(RawMapping mapping) {
        Objects.requireNonNull(mapping, "mapping");
        // TODO 06.1 (see hint 06.1)
        throw new UnsupportedOperationException("TODO 06.1: find the maps line of the mapping (see hint 06.1)");
    }

    /**
     * The path under which the kernel shows the object behind a mapping of this process:
     * {@code /proc/<pid>/map_files/<start>-<end>}, with the start and end of its area in lowercase
     * hex, as in {@code /proc/4242/map_files/7f3a1c200000-7f3a1c208000}. A process that may open it
     * opens the very object (for a shared anonymous mapping: its shmem file) and can map the same
     * pages. Opening it needs {@code CAP_SYS_ADMIN} (or {@code CAP_CHECKPOINT_RESTORE}): it exists
     * for checkpoint/restore tools such as CRIU, not for ordinary programs.
     *
     * @throws IllegalStateException when the mapping is closed
     */
    public static Path mapFilesPath(RawMapping mapping) {
        // TODO 06.1 (see hint 06.1)
        throw new UnsupportedOperationException("TODO 06.1: the map_files path of the mapping's area (see hint 06.1)");
    }


}
