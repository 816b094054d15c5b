package mmapkit.mapping;

import mmapkit.mapping.natives.MemoryMapCalls;
import mmapkit.mapping.natives.NativeCallException;
import mmapkit.mapping.natives.PosixFiles;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.Set;

/**
 * A region of a file mapped into memory, as a {@link MemorySegment}, unmapped when you say so.
 *
 * <h2>Why not {@code MappedByteBuffer}</h2>
 * For twenty years Java mapped files only as {@link java.nio.MappedByteBuffer}: indexed by
 * {@code int}, so one buffer could not exceed 2 GiB, and with no way to unmap it, since a
 * buffer unmapped while some thread still held it would make that thread's next access crash
 * the JVM. The mapping lived until the garbage collector found the buffer unreachable, which
 * could be never (address space and open files leaked, a mapped file could not be deleted on
 * some systems). Java 22's {@link FileChannel#map(FileChannel.MapMode, long, long, Arena)}
 * maps into a {@code MemorySegment} instead: indexed by {@code long} (no 2 GiB limit), and
 * owned by an {@link Arena}. Closing the arena unmaps at once, and the JVM guarantees that
 * every later access through any segment of that arena throws {@link IllegalStateException}
 * instead of touching unmapped memory. Each {@code MappedFile} has its own shared arena.
 *
 * <h2>Modes</h2>
 * <ul>
 * <li>{@link MapMode#READ_ONLY}: the file is opened for reading only; a store through the
 *     segment throws {@code IllegalArgumentException("Attempt to write a read-only segment")}
 *     (the JDK checks, no signal is involved); a region past the end of the file is refused
 *     (with a writable channel Java would extend the file, even for a read-only map).</li>
 * <li>{@link MapMode#SHARED}: the file is opened for reading and writing; stores go to the
 *     page cache and are seen at once by {@code read()} and every other mapping. A region past
 *     the end of the file extends the file first, as {@code FileChannel.map} does (a sparse
 *     hole reading zero).</li>
 * <li>{@link MapMode#PRIVATE}: copy-on-write on a descriptor open for reading only; stores
 *     never reach the file. {@code FileChannel.map} refuses PRIVATE on a read-only channel
 *     ({@code NonWritableChannelException}), although {@code mmap(2)} accepts it, so this mode
 *     calls {@code mmap} itself (see {@link MemoryMapCalls}) and hands the unmapping to the
 *     arena. A region past the end of the file is refused.</li>
 * </ul>
 *
 * <h2>Any offset, and the last page</h2>
 * {@code mmap} needs a page-aligned file offset, so a mapping starts at the page holding
 * {@code offset}; {@link #segment()} is the slice that starts exactly at {@code offset} and
 * {@link #pageSpan()} is every whole page the kernel mapped. In the last partial page of a
 * file, the bytes past its end read zero and stores there never reach the file.
 *
 * <h2>When the file gets shorter</h2>
 * If the file is cut (by this or another process) while it is mapped, touching a page that now
 * lies wholly past its end raises SIGBUS. The JDK turns that signal into an {@link InternalError}
 * ("a fault occurred in an unsafe memory access operation") in the thread that touched the page;
 * the JVM lives on. Nothing in this class can check for it beforehand: the file may shrink at any
 * moment.
 *
 * <p>A {@code MappedFile} is not thread-safe for {@link #close()} and {@link #grow(long)};
 * its segments may be read and written from any thread.
 */
public final class MappedFile implements AutoCloseable {

    private final Path file;
    private final MapMode mode;
    private final long offset;
    private final long pageStart;
    private long length;
    private Arena arena;
    /** What the kernel mapped: from {@code pageStart} to {@code offset + length}. */
    private MemorySegment mapped;
    private boolean closed;

    private MappedFile(Path file, MapMode mode, long offset, long length, long pageStart, Arena arena, MemorySegment mapped) {
        this.file = file;
        this.mode = mode;
        this.offset = offset;
        this.length = length;
        this.pageStart = pageStart;
        this.arena = arena;
        this.mapped = mapped;
    }

    /**
     * Maps {@code [offset, offset + length)} of a file.
     *
     * @param offset any file offset, page-aligned or not
     * @param length bytes to map, at least 1; sizes beyond 2 GiB are fine
     * @throws IllegalArgumentException for a negative offset, a length that is not positive, or a
     *                                  READ_ONLY or PRIVATE region past the end of the file (the file is left alone)
     * @throws IOException              when the file cannot be opened (it is never created), is a
     *                                  directory, or cannot be mapped: the message names the file, and
     *                                  for a failed mapping the mode, the byte range and what the errno means
     */
    public static MappedFile map(Path file, MapMode mode, long offset, long length) throws IOException {
        // SOLUTION-BEGIN 01.3
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(mode, "mode");
        Arguments.notNegative("offset", offset);
        Arguments.positive("length", length);
        long end = Arguments.end(offset, length);
        long pageStart = pageStart(offset);
        if (Files.isDirectory(file)) {
            throw new FileSystemException(file.toString(), null, "is a directory: only a file's bytes can be mapped");
        }
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(file, openOptions(mode))) {
            if (mode != MapMode.SHARED && end > channel.size()) {
                throw new IllegalArgumentException("offset " + offset + " + length " + length + " = " + end
                        + " is past the end of " + file.getFileName() + " (" + channel.size() + " bytes): a " + mode
                        + " mapping cannot extend the file (map it SHARED to extend it)");
            }
            long sizeBefore = channel.size();
            MemorySegment mapped;
            try {
                mapped = switch (mode) {
                    case READ_ONLY -> channel.map(FileChannel.MapMode.READ_ONLY, pageStart, end - pageStart, arena);
                    case SHARED -> channel.map(FileChannel.MapMode.READ_WRITE, pageStart, end - pageStart, arena);
                    case PRIVATE -> mapCopyOnWrite(file, pageStart, end - pageStart, arena);
                };
            } catch (IOException | NativeCallException e) {
                restoreSize(channel, sizeBefore, e);
                throw cannotMap(file, mode, pageStart, end, e);
            }
            return new MappedFile(file, mode, offset, length, pageStart, arena, mapped);
        } catch (IOException | RuntimeException | Error e) {
            arena.close();
            throw e;
        }
        // SOLUTION-STUB
        // throw new UnsupportedOperationException(
        //         "TODO 01.3: check the arguments, open the file as the mode needs and map it (see hint 01.3)");
        // SOLUTION-END
    }

    // SOLUTION-BEGIN 01.3
    private static Set<StandardOpenOption> openOptions(MapMode mode) {
        return mode == MapMode.SHARED
                ? Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE)
                : Set.of(StandardOpenOption.READ);
    }
    // SOLUTION-END

    /**
     * The failure of the mapping call itself (the file is open), as an {@link IOException} that names
     * the file, the mode and the byte range, and says what the kernel's answer means: the JDK's own
     * message is only the errno text, such as "No such device".
     */
    private static IOException cannotMap(Path file, MapMode mode, long pageStart, long end, Exception cause) {
        String text = cause.getMessage() == null ? cause.toString() : cause.getMessage();
        String why = "";
        if (text.contains("No such device") || text.contains("ENODEV")) {
            why = ": this kind of file cannot be mapped (a directory, a pipe, a socket, many files of /proc and /sys)";
        } else if (text.contains("File too large") || text.contains("EFBIG")) {
            why = ": the end " + end + " lies past the largest file this file system (or RLIMIT_FSIZE) allows";
        } else if (text.contains("Cannot allocate memory") || text.contains("ENOMEM") || text.contains("Map failed")) {
            why = ": " + (end - pageStart) + " bytes do not fit into the free address space (or the map count limit)";
        }
        return new IOException("cannot map " + file + " " + mode + " [" + pageStart + ", " + end + "): " + text + why,
                cause);
    }

    /**
     * Cuts the file back to {@code sizeBefore} when a failed {@code FileChannel.map} left it longer:
     * the JDK extends the file before it calls {@code mmap}, and does not undo that when mmap fails
     * (on tmpfs a 2^62-byte file is allowed, its mapping is not). A failure to cut is added to
     * {@code failure} as suppressed.
     */
    private static void restoreSize(FileChannel channel, long sizeBefore, Exception failure) {
        try {
            if (channel.isOpen() && channel.size() > sizeBefore) {
                channel.truncate(sizeBefore);
            }
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    /** Maps the whole file ({@code map(file, mode, 0, size)}); an empty file cannot be mapped. */
    public static MappedFile map(Path file, MapMode mode) throws IOException {
        return map(file, mode, 0, Files.size(file));
    }

    // tag::private-on-read-only[]
    /**
     * MAP_PRIVATE on a descriptor open for reading only, which {@code FileChannel.map} refuses.
     * The arena unmaps the memory when it is closed, and invalidates every segment first.
     */
    @SuppressWarnings("restricted")
    private static MemorySegment mapCopyOnWrite(Path file, long pageStart, long size, Arena arena) {
        int fd = PosixFiles.open(file, PosixFiles.O_RDONLY, 0);
        long address;
        try {
            address = MemoryMapCalls.mmap(0, size, MemoryMapCalls.PROT_READ | MemoryMapCalls.PROT_WRITE,
                    MemoryMapCalls.MAP_PRIVATE, fd, pageStart);
        } finally {
            PosixFiles.close(fd); // the mapping keeps its own reference to the file
        }
        return MemorySegment.ofAddress(address).reinterpret(size, arena, unused -> MemoryMapCalls.munmap(address, size));
    }
    // end::private-on-read-only[]

    /** The file offset the kernel mapping starts at: the page that holds {@code offset}. */
    private static long pageStart(long offset) {
        // SOLUTION-BEGIN 01.4
        return Pages.alignDown(offset);
        // SOLUTION-STUB
        // if (!Pages.isAligned(offset)) {
        //     throw new UnsupportedOperationException("TODO 01.4: map from the page that holds offset " + offset + " (see hint 01.4)");
        // }
        // return offset;
        // SOLUTION-END
    }

    /**
     * The bytes {@code [offset, offset + length)} of the file, and nothing else: byte 0 of the
     * segment is byte {@code offset} of the file. Read-only for {@link MapMode#READ_ONLY}.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public MemorySegment segment() {
        checkOpen();
        // SOLUTION-BEGIN 01.4
        return mapped.asSlice(offset - pageStart, length);
        // SOLUTION-STUB
        // return mapped; // TODO 01.4: slice off the bytes before offset (see hint 01.4)
        // SOLUTION-END
    }

    /**
     * Every whole page the kernel mapped: from the page holding {@code offset} to the end of the
     * page holding the last byte. Past the end of the file it reads zero; stores there stay in
     * memory and never reach the file (a whole page past the end would raise SIGBUS, so it is
     * never part of the span).
     *
     * @throws IllegalStateException after {@link #close()}
     */
    @SuppressWarnings("restricted")
    public MemorySegment pageSpan() {
        checkOpen();
        // SOLUTION-BEGIN 01.4
        return mapped.reinterpret(Pages.alignUp(mapped.byteSize()));
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 01.4: widen the mapping to whole pages (see hint 01.4)");
        // SOLUTION-END
    }

    /** The mapped file. */
    public Path file() {
        checkOpen();
        return file;
    }

    /** How the file is mapped. */
    public MapMode mode() {
        checkOpen();
        return mode;
    }

    /** The file offset of {@link #segment()}'s first byte. */
    public long offset() {
        checkOpen();
        return offset;
    }

    /** The size of {@link #segment()} in bytes. */
    public long length() {
        checkOpen();
        return length;
    }

    /** The address of {@link #segment()}'s first byte, as {@code /proc/self/maps} shows it (in hex). */
    public long address() {
        return segment().address();
    }

    /**
     * Writes the dirty pages of a SHARED mapping to the file and waits ({@code msync(MS_SYNC)}).
     * Needed for durability only: other readers see the stores without it. Does nothing for
     * READ_ONLY and PRIVATE mappings, whose pages are never written back.
     */
    public void force() {
        checkOpen();
        if (mode == MapMode.SHARED) {
            mapped.force();
        }
    }

    /**
     * Makes a SHARED mapping longer: extends the file if it is shorter than
     * {@code offset + newLength}, maps the longer region and unmaps the old one. The data stays
     * (it is in the file); the address usually changes, and every segment taken before is
     * invalid afterwards. If mapping fails, the old mapping stays as it was.
     *
     * @throws IllegalArgumentException when {@code newLength} is not greater than {@link #length()}
     * @throws IllegalStateException    for a READ_ONLY or PRIVATE mapping, or after {@link #close()}
     */
    public void grow(long newLength) throws IOException {
        checkOpen();
        // SOLUTION-BEGIN 01.7
        if (mode != MapMode.SHARED) {
            throw new IllegalStateException("cannot grow " + describe() + ": only a SHARED mapping can extend its file,"
                    + " this one is " + mode);
        }
        if (newLength <= length) {
            throw new IllegalArgumentException("newLength " + newLength + " must be greater than the current length "
                    + length);
        }
        long end = Arguments.end(offset, newLength);
        Arena newArena = Arena.ofShared();
        MemorySegment newMapping;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long sizeBefore = channel.size();
            try {
                // FileChannel.map extends the file (ftruncate) when end > channel.size()
                newMapping = channel.map(FileChannel.MapMode.READ_WRITE, pageStart, end - pageStart, newArena);
            } catch (IOException e) {
                restoreSize(channel, sizeBefore, e);
                throw cannotMap(file, mode, pageStart, end, e);
            }
        } catch (IOException | RuntimeException | Error e) {
            newArena.close();
            throw e;
        }
        Arena old = arena;
        arena = newArena;
        mapped = newMapping;
        length = newLength;
        old.close();
        // SOLUTION-STUB
        // throw new UnsupportedOperationException(
        //         "TODO 01.7: extend the file, map the longer region, then unmap the old one (see hint 01.7)");
        // SOLUTION-END
    }

    /** Whether the mapping is still mapped (false after {@link #close()}). */
    public boolean isOpen() {
        return !closed;
    }

    /**
     * Unmaps now. Every segment of this mapping becomes unusable (an access throws
     * {@code IllegalStateException: Already closed}), every method but this one, {@link #isOpen()}
     * and {@link #toString()} throws {@code IllegalStateException}, and the address range leaves
     * {@code /proc/self/maps}. Calling it again does nothing. Unmapping writes nothing back: the
     * dirty pages of a SHARED mapping stay in the page cache, and the kernel writes them later.
     */
    @Override
    public void close() {
        // SOLUTION-BEGIN 01.5
        if (closed) {
            return;
        }
        closed = true;
        arena.close();
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 01.5: unmap now, exactly once: close the arena (see hint 01.5)");
        // SOLUTION-END
    }

    private void checkOpen() {
        // SOLUTION-BEGIN 01.5
        if (closed) {
            throw new IllegalStateException(describe() + " is closed: map it again");
        }
        // SOLUTION-END
    }

    /** {@code mapping of data.bin [0, 4096)}. */
    private String describe() {
        return "mapping of " + file.getFileName() + " [" + offset + ", " + (offset + length) + ")";
    }

    @Override
    public String toString() {
        return closed ? describe() + " (closed)" : describe() + " " + mode + " at 0x"
                + Long.toHexString(mapped.address() + offset - pageStart);
    }
}
