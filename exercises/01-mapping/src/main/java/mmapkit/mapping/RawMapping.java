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
 * <p>A mapping can change after {@code mmap}: {@link #protect} changes its protection
 * ({@code mprotect}), {@link #resize} and {@link #resizeInPlace} its length and perhaps its address
 * ({@code mremap}), and {@link #mapAt} places a new mapping at an exact address without ever
 * replacing what is there ({@code MAP_FIXED_NOREPLACE}), which is how {@link #guardPageBelow} and
 * {@link #guardPageAbove} put a guard page next to a mapping. Each change closes the arena of the
 * segments handed out before it (they throw {@link IllegalStateException} from then on) and opens a
 * new one, so that no segment ever promises more than the mapping now allows: {@link #segment()}
 * is read-only when the protection lacks {@code PROT_WRITE}.
 *
 * <p>With {@link MemoryMapCalls#PROT_NONE} the memory is reserved but any access would crash the
 * JVM (SIGSEGV, which the JVM does not turn into an exception): {@link #segment()} refuses, and
 * such a mapping serves for its address range only, as a guard page or a reservation.
 *
 * <p>A page of a file mapping that lies wholly past the end of the file raises SIGBUS when touched,
 * which the JDK turns into an {@link InternalError}; the JVM survives it.
 */
public final class RawMapping implements AutoCloseable {

    private long address;
    private long length;
    private int prot;
    private final int flags;
    private Arena arena;
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
     * {@code mmap(address, length, prot, flags | MAP_FIXED_NOREPLACE, fd, offset)}: exactly at
     * {@code address}, or not at all. Where anything is mapped in the range, the kernel refuses with
     * EEXIST and leaves it alone; {@code MAP_FIXED} would silently replace it.
     *
     * @param address page-aligned, not 0
     * @throws IllegalArgumentException      for arguments the kernel would refuse, checked before the call
     * @throws NativeCallException           when the kernel refuses: EEXIST when the range is taken
     * @throws UnsupportedOperationException when the kernel ignored the flag (before Linux 4.17 it
     *                                       is unknown, and the address only a hint) and mapped
     *                                       elsewhere; that mapping is unmapped again
     */
    public static RawMapping mapAt(long address, long length, int prot, int flags, int fd, long offset) {
        // TODO 01.9 (see hint 01.9)
        throw new UnsupportedOperationException("TODO 01.9: check the arguments, then mmap with MAP_FIXED_NOREPLACE (see hint 01.9)");
    }

    /** Anonymous, zero-filled memory exactly at {@code address}, or not at all: see {@link #mapAt}. */
    public static RawMapping anonymousAt(long address, long length, int prot, int flags) {
        return mapAt(address, length, prot, flags | MemoryMapCalls.MAP_ANONYMOUS, -1, 0);
    }

    // tag::guard-pages[]
    /**
     * A guard page: one {@code PROT_NONE} page right below this mapping, so that code running off
     * its start faults (SIGSEGV) instead of reading or corrupting a neighbour. Close it yourself.
     *
     * @throws NativeCallException EEXIST when something is mapped there already; it stays as it was
     */
    public RawMapping guardPageBelow() {
        return anonymousAt(address() - Pages.size(), Pages.size(), MemoryMapCalls.PROT_NONE,
                MemoryMapCalls.MAP_PRIVATE | MemoryMapCalls.MAP_NORESERVE);
    }

    /**
     * A guard page right above this mapping's last page (see {@link #guardPageBelow()}).
     *
     * @throws NativeCallException EEXIST when something is mapped there already; it stays as it was
     */
    public RawMapping guardPageAbove() {
        return anonymousAt(address() + Pages.alignUp(length), Pages.size(), MemoryMapCalls.PROT_NONE,
                MemoryMapCalls.MAP_PRIVATE | MemoryMapCalls.MAP_NORESERVE);
    }
    // end::guard-pages[]

    /**
     * The mapped memory, {@link #length()} bytes, read-only when the protection lacks
     * {@code PROT_WRITE}; unusable after {@link #close()} and after the next {@link #protect} or
     * resize.
     *
     * @throws IllegalStateException after {@link #close()}, and for a {@code PROT_NONE} mapping
     */
    @SuppressWarnings("restricted")
    public MemorySegment segment() {
        checkOpen();
        if ((prot & MemoryMapCalls.PROT_READ) == 0) {
            throw new IllegalStateException(this + " has no PROT_READ: Java cannot read or write it (an access"
                    + " would crash the JVM with SIGSEGV); map it with PROT_READ, or use only its address()");
        }
        // TODO 01.8 (see hint 01.8)
        throw new UnsupportedOperationException(
                "TODO 01.8: give the memory out as a segment of this mapping's arena, read-only without PROT_WRITE (see hint 01.8)");
    }

    /** The address the kernel chose (page-aligned); a {@link #resize} may move it. */
    public long address() {
        checkOpen();
        return address;
    }

    /** The length asked for, or given to the last resize (the kernel maps it rounded up to whole pages). */
    public long length() {
        return length;
    }

    /** The protection now: given to mmap, or to the last {@link #protect}. */
    public int prot() {
        return prot;
    }

    /**
     * {@code mprotect(address, length, newProt)}: gives every page of the mapping a new protection.
     * An access it forbids raises SIGSEGV. Segments taken before are unusable afterwards, even when
     * the call fails, because a writable segment of a mapping that became read-only would crash the
     * JVM on its next store; take a new one from {@link #segment()}.
     *
     * @param newProt {@code PROT_NONE}, or PROT_READ, PROT_WRITE and PROT_EXEC combined
     * @throws IllegalArgumentException for other bits, before the call
     * @throws NativeCallException      when the kernel refuses (EACCES for PROT_WRITE on a shared
     *                                  mapping of a file opened read-only); the protection stays as it was
     */
    public void protect(int newProt) {
        checkOpen();
        // TODO 01.9 (see hint 01.9)
        throw new UnsupportedOperationException("TODO 01.9: close the segments, call mprotect, keep the new protection (see hint 01.9)");
    }

    /**
     * Makes the mapping {@code newLength} bytes long where it is ({@code mremap} without
     * {@code MREMAP_MAYMOVE}). Shrinking always works; growing works only when the pages above the
     * mapping are free. Segments taken before are unusable afterwards, even when the call fails.
     * Growing a file mapping past the end of its file gives pages that raise SIGBUS.
     *
     * @throws IllegalArgumentException when {@code newLength} is not positive
     * @throws NativeCallException      ENOMEM when something is mapped above; the mapping stays as it was
     */
    public void resizeInPlace(long newLength) {
        remap(newLength, 0);
    }

    /**
     * Makes the mapping {@code newLength} bytes long, in place if the pages above it are free,
     * otherwise at a new address ({@code mremap} with {@code MREMAP_MAYMOVE}). A move carries the
     * pages over without copying their data and unmaps the old range, so segments taken before are
     * unusable afterwards (even when the call fails), and so is any address kept from before.
     *
     * @return whether the mapping moved: {@link #address()} is then a new one
     * @throws IllegalArgumentException when {@code newLength} is not positive
     * @throws NativeCallException      when the kernel refuses (ENOMEM: no room anywhere, or a limit);
     *                                  the mapping stays as it was
     */
    public boolean resize(long newLength) {
        long before = address;
        remap(newLength, MemoryMapCalls.MREMAP_MAYMOVE);
        return address != before;
    }

    private void remap(long newLength, int remapFlags) {
        checkOpen();
        // TODO 01.9 (see hint 01.9)
        throw new UnsupportedOperationException(
                "TODO 01.9: close the segments, call mremap, keep the new address and length (see hint 01.9)");
    }

    /** The flags given to mmap (with {@code MAP_FIXED_NOREPLACE} for {@link #mapAt}). */
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
