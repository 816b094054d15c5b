package mmapkit.mapping;

import mmapkit.mapping.natives.MemoryMapCalls;
import mmapkit.mapping.natives.NativeCallException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Memory mapped by calling {@code mmap} directly, unmapped by {@code munmap} exactly once.
 *
 * <p>The bare calls in {@link MemoryMapCalls} return an address; touching it after
 * {@code munmap} would crash the JVM. A {@code RawMapping} checks the arguments before the call
 * (so the message can say which one is wrong and why), hands out its memory only as a segment
 * of its own {@link Arena}, and on {@link #close()} closes that arena first (every later access
 * throws {@link IllegalStateException}) and only then unmaps. Errors the kernel reports become
 * a {@link NativeCallException} with the call, the errno and its meaning.
 *
 * <p>The segment keeps the promise of the protection: without {@link MemoryMapCalls#PROT_WRITE} it
 * is read-only (a store throws {@link IllegalArgumentException} instead of crashing the JVM with
 * SIGSEGV), and without {@link MemoryMapCalls#PROT_READ} (such as {@code PROT_NONE}, memory
 * reserved only for its address range) there is no segment at all. A page of a file mapping that
 * lies wholly past the end of the file raises SIGBUS when touched, which the JDK turns into an
 * {@link InternalError}; the JVM survives it.
 */
public final class RawMapping implements AutoCloseable {

    private final long address;
    private final long length;
    private final int prot;
    private final int flags;
    private final Arena arena;
    private boolean closed;

    private RawMapping(long address, long length, int prot, int flags, Arena arena) {
        this.address = address;
        this.length = length;
        this.prot = prot;
        this.flags = flags;
        this.arena = arena;
    }

    /**
     * Anonymous, zero-filled memory: {@code mmap(NULL, length, prot, flags | MAP_ANONYMOUS, -1, 0)}.
     *
     * @param flags {@link MemoryMapCalls#MAP_PRIVATE} or {@link MemoryMapCalls#MAP_SHARED} (shared with
     *              child processes), possibly with {@code MAP_POPULATE}, {@code MAP_NORESERVE}, ...
     */
    public static RawMapping anonymous(long length, int prot, int flags) {
        return map(length, prot, flags | MemoryMapCalls.MAP_ANONYMOUS, -1, 0);
    }

    /**
     * {@code mmap(NULL, length, prot, flags, fd, offset)}; the kernel chooses the address. The
     * descriptor may be closed afterwards: that does not unmap.
     *
     * @param length bytes, at least 1; the kernel rounds it up to whole pages
     * @param flags  exactly one of MAP_SHARED, MAP_PRIVATE, MAP_SHARED_VALIDATE, plus others but
     *               not {@code MAP_FIXED} (which would silently replace whatever is mapped there)
     * @param offset a multiple of the page size
     * @throws IllegalArgumentException for arguments the kernel would refuse, checked before the call
     * @throws NativeCallException      when the kernel refuses the call
     */
    public static RawMapping map(long length, int prot, int flags, int fd, long offset) {
        // TODO 01.8 (see hint 01.8)
        throw new UnsupportedOperationException("TODO 01.8: check the arguments, then call mmap (see hint 01.8)");
    }

    /**
     * The mapped memory, {@link #length()} bytes; unusable after {@link #close()}. Read-only
     * ({@link MemorySegment#isReadOnly()}) when the mapping was made without
     * {@link MemoryMapCalls#PROT_WRITE}: the kernel would answer a store with SIGSEGV, which kills
     * the JVM, so the segment refuses it first.
     *
     * @throws IllegalStateException after {@link #close()}, or for a mapping without
     *                               {@link MemoryMapCalls#PROT_READ} (any access would crash the JVM)
     */
    @SuppressWarnings("restricted")
    public MemorySegment segment() {
        checkOpen();
        // TODO 01.8 (see hint 01.8)
        throw new UnsupportedOperationException("TODO 01.8: give the memory out as a segment of this mapping's arena, read-only without PROT_WRITE (see hint 01.8)");
    }

    /** The address the kernel chose (page-aligned). */
    public long address() {
        checkOpen();
        return address;
    }

    /** The length asked for (the kernel maps it rounded up to whole pages). */
    public long length() {
        return length;
    }

    /** The protection given to mmap. */
    public int prot() {
        return prot;
    }

    /** The flags given to mmap. */
    public int flags() {
        return flags;
    }

    /** Whether the memory is still mapped. */
    public boolean isOpen() {
        return !closed;
    }

    /**
     * Makes every segment of this mapping unusable, then calls {@code munmap}: once, however often
     * this is called.
     *
     * @throws NativeCallException when munmap fails (the mapping counts as closed anyway)
     */
    @Override
    public void close() {
        // TODO 01.8 (see hint 01.8)
        // TODO 01.8: unmap exactly once, after making the segments unusable (see hint 01.8)
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("raw mapping at 0x" + Long.toHexString(address) + " of " + length
                    + " bytes is closed: map again");
        }
    }

    @Override
    public String toString() {
        return "RawMapping[0x" + Long.toHexString(address) + ", " + length + " bytes, " + MemoryMapCalls.protNames(prot)
                + ", " + MemoryMapCalls.flagNames(flags) + (closed ? ", closed]" : "]");
    }
}
