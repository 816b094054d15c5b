package mmapkit.faults.natives;

import mmapkit.mapping.natives.Architecture;
import mmapkit.mapping.natives.NativeCallException;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code userfaultfd(2)} and its ioctls through the FFM linker: a file descriptor through which this
 * process receives the page faults of registered ranges of its own memory, and answers them.
 *
 * <pre>
 * fd = userfaultfd(O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY)
 * ioctl(fd, UFFDIO_API, {api: 0xAA, features})          negotiate the features, once
 * ioctl(fd, UFFDIO_REGISTER, {range, mode: MISSING})    faults on empty pages of the range now wait
 * read(fd, &amp;msg, 32)                                  one struct uffd_msg: event 0x12, flags, address
 * ioctl(fd, UFFDIO_COPY, {dst, src, len})               fill the page and wake the faulting thread
 * ioctl(fd, UFFDIO_UNREGISTER, range); close(fd)
 * </pre>
 *
 * <p>The C library has no wrapper for {@code userfaultfd}, so it goes through {@code syscall} with
 * the number {@link Architecture} knows (323 on x86-64, 282 on arm64). The ioctl request numbers
 * are computed as the kernel's {@code _IOWR}/{@code _IOR} macros do from the struct sizes; those
 * macros and the structs are the same on x86-64 and arm64 ({@code asm-generic/ioctl.h}, fields of
 * fixed width and no padding), so the numbers are too. Constants are those of
 * {@code include/uapi/linux/userfaultfd.h}.
 *
 * <p>Unprivileged processes may use userfaultfd when {@code /proc/sys/vm/unprivileged_userfaultfd}
 * is 1, or, whatever it says, for faults taken in user mode only: {@link #UFFD_USER_MODE_ONLY}
 * (Linux 5.11). A fault a system call takes on the range (a {@code read(2)} into it, say) then
 * fails with EFAULT instead of waiting.
 */
@SuppressWarnings("restricted") // binding native functions is what this class is for
public final class UserfaultCalls {

    /** userfaultfd(2) flag: handle faults taken in user mode only; allowed unprivileged (Linux 5.11). */
    public static final int UFFD_USER_MODE_ONLY = 1;
    /** userfaultfd(2) flag: close the descriptor in a program started with exec (x86-64 and arm64). */
    public static final int O_CLOEXEC = 02000000;
    /** userfaultfd(2) flag: {@code read} returns EAGAIN instead of waiting when no event is pending. */
    public static final int O_NONBLOCK = 04000;

    /** The only API version: what UFFDIO_API must be given. */
    public static final long UFFD_API = 0xAA;

    /** Feature: write-protect faults are reported with UFFD_PAGEFAULT_FLAG_WP (Linux 5.7). */
    public static final long UFFD_FEATURE_PAGEFAULT_FLAG_WP = 1L << 0;
    /** Feature: missing faults of shared memory (shmem, memfd) can be registered (Linux 4.11). */
    public static final long UFFD_FEATURE_MISSING_SHMEM = 1L << 5;
    /** Feature: a fault on the range gets SIGBUS instead of waiting for the handler (Linux 4.14). */
    public static final long UFFD_FEATURE_SIGBUS = 1L << 7;
    /** Feature: the message names the thread that faulted (Linux 4.14). */
    public static final long UFFD_FEATURE_THREAD_ID = 1L << 8;
    /** Feature: write-protect also applies to pages not yet populated (Linux 6.4). */
    public static final long UFFD_FEATURE_WP_UNPOPULATED = 1L << 13;
    /**
     * Feature: write-protect faults are resolved by the kernel itself, without a message: the page is
     * made writable and marked written, which {@code PAGEMAP_SCAN} reports (Linux 6.7).
     */
    public static final long UFFD_FEATURE_WP_ASYNC = 1L << 15;

    /** Register mode: report faults on pages that have no page yet (missing faults). */
    public static final long UFFDIO_REGISTER_MODE_MISSING = 1L << 0;
    /** Register mode: report writes to write-protected pages (Linux 5.7). */
    public static final long UFFDIO_REGISTER_MODE_WP = 1L << 1;

    /** UFFDIO_COPY mode: do not wake the faulting threads (wake them later with UFFDIO_WAKE). */
    public static final long UFFDIO_COPY_MODE_DONTWAKE = 1L << 0;
    /** UFFDIO_WRITEPROTECT mode: protect (set) rather than unprotect (clear). */
    public static final long UFFDIO_WRITEPROTECT_MODE_WP = 1L << 0;

    /** uffd_msg.event of a page fault. */
    public static final int UFFD_EVENT_PAGEFAULT = 0x12;
    /** uffd_msg.arg.pagefault.flags: the fault was a write. */
    public static final long UFFD_PAGEFAULT_FLAG_WRITE = 1L << 0;
    /** uffd_msg.arg.pagefault.flags: the fault was a write to a write-protected page. */
    public static final long UFFD_PAGEFAULT_FLAG_WP = 1L << 1;

    /** poll(2): data to read. */
    public static final short POLLIN = 0x1;

    // tag::uffd-layouts[]
    /** {@code struct uffdio_api { __u64 api; __u64 features; __u64 ioctls; }} */
    public static final StructLayout API_LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("api"), ValueLayout.JAVA_LONG.withName("features"),
            ValueLayout.JAVA_LONG.withName("ioctls"));
    /** {@code struct uffdio_range { __u64 start; __u64 len; }} */
    public static final StructLayout RANGE_LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("start"), ValueLayout.JAVA_LONG.withName("len"));
    /** {@code struct uffdio_register { struct uffdio_range range; __u64 mode; __u64 ioctls; }} */
    public static final StructLayout REGISTER_LAYOUT = MemoryLayout.structLayout(
            RANGE_LAYOUT.withName("range"), ValueLayout.JAVA_LONG.withName("mode"), ValueLayout.JAVA_LONG.withName("ioctls"));
    /** {@code struct uffdio_copy { __u64 dst; __u64 src; __u64 len; __u64 mode; __s64 copy; }} */
    public static final StructLayout COPY_LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("dst"), ValueLayout.JAVA_LONG.withName("src"), ValueLayout.JAVA_LONG.withName("len"),
            ValueLayout.JAVA_LONG.withName("mode"), ValueLayout.JAVA_LONG.withName("copy"));
    /** {@code struct uffdio_zeropage { struct uffdio_range range; __u64 mode; __s64 zeropage; }} */
    public static final StructLayout ZEROPAGE_LAYOUT = MemoryLayout.structLayout(
            RANGE_LAYOUT.withName("range"), ValueLayout.JAVA_LONG.withName("mode"), ValueLayout.JAVA_LONG.withName("zeropage"));
    /** {@code struct uffdio_writeprotect { struct uffdio_range range; __u64 mode; }} */
    public static final StructLayout WRITEPROTECT_LAYOUT = MemoryLayout.structLayout(
            RANGE_LAYOUT.withName("range"), ValueLayout.JAVA_LONG.withName("mode"));
    /**
     * {@code struct uffd_msg} as a page fault fills it: {@code __u8 event; __u8 reserved1; __u16 reserved2;
     * __u32 reserved3;} then the union {@code arg}, whose {@code pagefault} member is
     * {@code { __u64 flags; __u64 address; __u32 ptid; }}; 32 bytes in all.
     */
    public static final StructLayout MESSAGE_LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_BYTE.withName("event"), ValueLayout.JAVA_BYTE.withName("reserved1"),
            ValueLayout.JAVA_SHORT.withName("reserved2"), ValueLayout.JAVA_INT.withName("reserved3"),
            ValueLayout.JAVA_LONG.withName("flags"), ValueLayout.JAVA_LONG.withName("address"),
            ValueLayout.JAVA_INT.withName("ptid"), MemoryLayout.paddingLayout(4));
    // end::uffd-layouts[]

    /** The ioctl "type" of userfaultfd's requests. */
    private static final int UFFDIO = 0xAA;

    // tag::ioctl-numbers[]
    /** _IOWR(0xAA, 0x3F, struct uffdio_api) = 0xc018aa3f */
    public static final long UFFDIO_API =
            IoctlNumbers.readWrite(UFFDIO, 0x3F, API_LAYOUT.byteSize());
    /** _IOWR(0xAA, 0x00, struct uffdio_register) = 0xc020aa00 */
    public static final long UFFDIO_REGISTER =
            IoctlNumbers.readWrite(UFFDIO, 0x00, REGISTER_LAYOUT.byteSize());
    /** _IOR(0xAA, 0x01, struct uffdio_range) = 0x8010aa01 ("read" for history: the kernel reads it) */
    public static final long UFFDIO_UNREGISTER =
            IoctlNumbers.read(UFFDIO, 0x01, RANGE_LAYOUT.byteSize());
    /** _IOR(0xAA, 0x02, struct uffdio_range) = 0x8010aa02 */
    public static final long UFFDIO_WAKE =
            IoctlNumbers.read(UFFDIO, 0x02, RANGE_LAYOUT.byteSize());
    /** _IOWR(0xAA, 0x03, struct uffdio_copy) = 0xc028aa03 */
    public static final long UFFDIO_COPY =
            IoctlNumbers.readWrite(UFFDIO, 0x03, COPY_LAYOUT.byteSize());
    /** _IOWR(0xAA, 0x04, struct uffdio_zeropage) = 0xc020aa04 */
    public static final long UFFDIO_ZEROPAGE =
            IoctlNumbers.readWrite(UFFDIO, 0x04, ZEROPAGE_LAYOUT.byteSize());
    /** _IOWR(0xAA, 0x06, struct uffdio_writeprotect) = 0xc018aa06 */
    public static final long UFFDIO_WRITEPROTECT =
            IoctlNumbers.readWrite(UFFDIO, 0x06, WRITEPROTECT_LAYOUT.byteSize());
    // end::ioctl-numbers[]

    private static final Linker LINKER = CallState.LINKER;

    /** {@code long syscall(long number, ...)}, called with (userfaultfd, flags). */
    private static final MethodHandle SYSCALL = LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("syscall"),
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG),
            Linker.Option.firstVariadicArg(1), CallState.CAPTURE);

    /** {@code int ioctl(int fd, unsigned long request, ...)}, called with one pointer after the request. */
    private static final MethodHandle IOCTL = LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("ioctl"),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS),
            Linker.Option.firstVariadicArg(2), CallState.CAPTURE);

    /** {@code ssize_t read(int fd, void *buf, size_t count)} */
    private static final MethodHandle READ = LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("read"),
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG),
            CallState.CAPTURE);

    /**
     * {@code int poll(struct pollfd *fds, nfds_t nfds, int timeout)}, with {@code struct pollfd { int fd; short events;
     * short revents; }}.
     */
    private static final MethodHandle POLL = LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("poll"),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT),
            CallState.CAPTURE);

    private static final VarHandle API_API = API_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("api"));
    private static final VarHandle API_FEATURES = API_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("features"));
    private static final VarHandle API_IOCTLS = API_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("ioctls"));

    private static final int EAGAIN = 11;
    private static final int EINTR = 4;

    private UserfaultCalls() {
    }

    /**
     * Calls {@code userfaultfd(flags)}.
     *
     * @param flags {@link #O_CLOEXEC}, {@link #O_NONBLOCK}, {@link #UFFD_USER_MODE_ONLY}, or'ed
     * @return the new descriptor; close it with {@code PosixFiles.close}
     * @throws NativeCallException EPERM when this process may not (not privileged, and
     *                             {@code vm.unprivileged_userfaultfd} is 0 without UFFD_USER_MODE_ONLY),
     *                             EINVAL for a flag this kernel does not know (UFFD_USER_MODE_ONLY before 5.11),
     *                             ENOSYS on a kernel built without {@code CONFIG_USERFAULTFD}
     */
    public static int userfaultfd(int flags) {
        long number = Architecture.current().systemCall("userfaultfd");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = CallState.allocate(arena);
            long fd = (long) SYSCALL.invokeExact(state, number, (long) flags);
            if (fd == -1) {
                throw new NativeCallException("userfaultfd(" + flagNames(flags) + ")", CallState.errno(state));
            }
            return (int) fd;
        } catch (NativeCallException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("cannot call syscall(SYS_userfaultfd)", t);
        }
    }

    /**
     * A userfaultfd for faults taken in user mode, the kind an unprivileged process may have: first
     * with {@link #UFFD_USER_MODE_ONLY} (Linux 5.11+), and where the kernel does not know that flag
     * (EINVAL), without it (which an unprivileged process gets only when
     * {@code vm.unprivileged_userfaultfd} is 1).
     *
     * @param flags {@link #O_CLOEXEC}, {@link #O_NONBLOCK}, or both
     * @throws NativeCallException from the last try, when neither works
     */
    public static int openForUserFaults(int flags) {
        try {
            return userfaultfd(flags | UFFD_USER_MODE_ONLY);
        } catch (NativeCallException e) {
            if (e.errno() != 22) { // EINVAL: a kernel before 5.11, which knows no UFFD_USER_MODE_ONLY
                throw e;
            }
            return userfaultfd(flags & ~UFFD_USER_MODE_ONLY);
        }
    }

    /**
     * {@code ioctl(fd, UFFDIO_API, {UFFD_API, features})}: asks for {@code features}; must be the first
     * ioctl on a new descriptor, and only once.
     *
     * @return the features this kernel offers (the kernel writes them back), a superset of those asked
     * @throws NativeCallException EINVAL when a feature asked for is unknown or unavailable here
     */
    public static long api(int fd, long features) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment api = arena.allocate(API_LAYOUT);
            API_API.set(api, 0L, UFFD_API);
            API_FEATURES.set(api, 0L, features);
            ioctl(fd, UFFDIO_API, api, "UFFDIO_API, {api=0xaa, features=" + featureNames(features) + "}");
            return (long) API_FEATURES.get(api, 0L);
        }
    }

    /**
     * {@code ioctl(fd, UFFDIO_REGISTER, {start, length, mode})}: from now on faults of the kinds in
     * {@code mode} on {@code [start, start + length)} are this descriptor's to answer. Both must be
     * page-aligned.
     *
     * @return the ioctls allowed on the range, one bit per ioctl number (bit 3 is UFFDIO_COPY)
     * @throws NativeCallException EINVAL (unaligned, or memory that mode cannot apply to), EBUSY
     *                             (registered with another descriptor), ENOMEM (not mapped)
     */
    public static long register(int fd, long start, long length, long mode) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment register = arena.allocate(REGISTER_LAYOUT);
            register.set(ValueLayout.JAVA_LONG, 0, start);
            register.set(ValueLayout.JAVA_LONG, 8, length);
            register.set(ValueLayout.JAVA_LONG, 16, mode);
            ioctl(fd, UFFDIO_REGISTER, register, "UFFDIO_REGISTER, {" + CallState.hex(start) + ", " + length + ", "
                    + modeNames(mode) + "}");
            return register.get(ValueLayout.JAVA_LONG, 24);
        }
    }

    /**
     * {@code ioctl(fd, UFFDIO_UNREGISTER, {start, length})}: faults there are the kernel's again. Threads
     * waiting for a fault there are woken and retry.
     */
    public static void unregister(int fd, long start, long length) {
        range(fd, UFFDIO_UNREGISTER, "UFFDIO_UNREGISTER", start, length);
    }

    /** {@code ioctl(fd, UFFDIO_WAKE, {start, length})}: wakes the threads waiting for a fault in the range. */
    public static void wake(int fd, long start, long length) {
        range(fd, UFFDIO_WAKE, "UFFDIO_WAKE", start, length);
    }

    // tag::uffdio-copy[]
    /**
     * {@code ioctl(fd, UFFDIO_COPY, {dst, src, length, mode})}: copies {@code length} bytes from
     * {@code src} into new pages at {@code dst} (page-aligned, inside a range registered for missing
     * faults), maps them, and wakes the threads waiting for them unless mode has
     * {@link #UFFDIO_COPY_MODE_DONTWAKE}.
     *
     * @return the bytes copied: {@code length}
     * @throws NativeCallException EEXIST when a page at dst is already there (another copy filled it
     *                             first; nothing to do), EAGAIN when the range changed meanwhile (unmapped,
     *                             say), ENOENT when the faulting process is gone
     */
    public static long copy(int fd, long dst, MemorySegment src, long length, long mode) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment copy = arena.allocate(COPY_LAYOUT);
            copy.set(ValueLayout.JAVA_LONG, 0, dst);
            copy.set(ValueLayout.JAVA_LONG, 8, src.address());
            copy.set(ValueLayout.JAVA_LONG, 16, length);
            copy.set(ValueLayout.JAVA_LONG, 24, mode);
            ioctl(fd, UFFDIO_COPY, copy, "UFFDIO_COPY, {dst=" + CallState.hex(dst) + ", src=" + CallState.hex(src.address())
                    + ", " + length + "}");
            return copy.get(ValueLayout.JAVA_LONG, 32);
        }
    }
    // end::uffdio-copy[]

    /**
     * {@code ioctl(fd, UFFDIO_ZEROPAGE, {start, length, mode})}: maps zero-filled pages (the shared zero
     * page, for anonymous memory) at {@code [start, start + length)} and wakes the waiting threads.
     *
     * @return the bytes zeroed: {@code length}
     * @throws NativeCallException EEXIST when a page is already there
     */
    public static long zeropage(int fd, long start, long length, long mode) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment zero = arena.allocate(ZEROPAGE_LAYOUT);
            zero.set(ValueLayout.JAVA_LONG, 0, start);
            zero.set(ValueLayout.JAVA_LONG, 8, length);
            zero.set(ValueLayout.JAVA_LONG, 16, mode);
            ioctl(fd, UFFDIO_ZEROPAGE, zero, "UFFDIO_ZEROPAGE, {" + CallState.hex(start) + ", " + length + "}");
            return zero.get(ValueLayout.JAVA_LONG, 24);
        }
    }

    /**
     * {@code ioctl(fd, UFFDIO_WRITEPROTECT, {start, length, mode})}: write-protects the range
     * ({@code protect}) or lifts the protection, in a range registered with {@link #UFFDIO_REGISTER_MODE_WP}.
     */
    public static void writeProtect(int fd, long start, long length, boolean protect) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment protection = arena.allocate(WRITEPROTECT_LAYOUT);
            protection.set(ValueLayout.JAVA_LONG, 0, start);
            protection.set(ValueLayout.JAVA_LONG, 8, length);
            protection.set(ValueLayout.JAVA_LONG, 16, protect ? UFFDIO_WRITEPROTECT_MODE_WP : 0L);
            ioctl(fd, UFFDIO_WRITEPROTECT, protection, "UFFDIO_WRITEPROTECT, {" + CallState.hex(start) + ", " + length
                    + ", " + (protect ? "MODE_WP" : "0") + "}");
        }
    }

    /**
     * {@code read(fd, message, 32)}: one event into {@code message} (at least {@link #MESSAGE_LAYOUT} bytes).
     *
     * @return whether an event was read: {@code false} when none is pending on a descriptor opened
     *         with {@link #O_NONBLOCK} (EAGAIN), or when a signal interrupted the wait (EINTR)
     * @throws NativeCallException for any other failure (EBADF: closed)
     */
    public static boolean readMessage(int fd, MemorySegment message) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = CallState.allocate(arena);
            long read = (long) READ.invokeExact(state, fd, message, MESSAGE_LAYOUT.byteSize());
            if (read == -1) {
                int errno = CallState.errno(state);
                if (errno == EAGAIN || errno == EINTR) {
                    return false;
                }
                throw new NativeCallException("read(" + fd + ", msg, " + MESSAGE_LAYOUT.byteSize() + ")", errno);
            }
            if (read != MESSAGE_LAYOUT.byteSize()) {
                throw new IllegalStateException("read(" + fd + ") of a userfaultfd gave " + read + " bytes, not one "
                        + MESSAGE_LAYOUT.byteSize() + "-byte struct uffd_msg");
            }
            return true;
        } catch (NativeCallException | IllegalStateException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("cannot call read", t);
        }
    }

    /**
     * {@code poll({fd, POLLIN}, 1, timeoutMillis)}: waits, in native code, until an event can be read
     * or the time is up, so that an event loop can also notice that it should stop.
     *
     * @return whether an event (or an error, which the next read reports) is ready; {@code false} on
     *         timeout or when a signal interrupted the wait
     */
    public static boolean pollReadable(int fd, int timeoutMillis) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = CallState.allocate(arena);
            MemorySegment pollfd = arena.allocate(8, 4);
            pollfd.set(ValueLayout.JAVA_INT, 0, fd);
            pollfd.set(ValueLayout.JAVA_SHORT, 4, POLLIN);
            int ready = (int) POLL.invokeExact(state, pollfd, 1L, timeoutMillis);
            if (ready == -1) {
                int errno = CallState.errno(state);
                if (errno == EINTR) {
                    return false;
                }
                throw new NativeCallException("poll({" + fd + ", POLLIN}, 1, " + timeoutMillis + ")", errno);
            }
            return ready > 0;
        } catch (NativeCallException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("cannot call poll", t);
        }
    }

    /** {@code O_CLOEXEC|O_NONBLOCK|UFFD_USER_MODE_ONLY}, as C would spell them. */
    public static String flagNames(int flags) {
        List<String> names = new ArrayList<>();
        if ((flags & O_CLOEXEC) != 0) {
            names.add("O_CLOEXEC");
        }
        if ((flags & O_NONBLOCK) != 0) {
            names.add("O_NONBLOCK");
        }
        if ((flags & UFFD_USER_MODE_ONLY) != 0) {
            names.add("UFFD_USER_MODE_ONLY");
        }
        int rest = flags & ~(O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY);
        if (rest != 0 || names.isEmpty()) {
            names.add("0x" + Integer.toHexString(rest));
        }
        return String.join("|", names);
    }

    /** The names of the feature bits this class knows, such as {@code WP_ASYNC|WP_UNPOPULATED}. */
    public static String featureNames(long features) {
        List<String> names = new ArrayList<>();
        long rest = features;
        long[] bits = {UFFD_FEATURE_PAGEFAULT_FLAG_WP, UFFD_FEATURE_MISSING_SHMEM, UFFD_FEATURE_SIGBUS,
                UFFD_FEATURE_THREAD_ID, UFFD_FEATURE_WP_UNPOPULATED, UFFD_FEATURE_WP_ASYNC};
        String[] labels = {"PAGEFAULT_FLAG_WP", "MISSING_SHMEM", "SIGBUS", "THREAD_ID", "WP_UNPOPULATED", "WP_ASYNC"};
        for (int i = 0; i < bits.length; i++) {
            if ((features & bits[i]) != 0) {
                names.add(labels[i]);
                rest &= ~bits[i];
            }
        }
        if (rest != 0 || names.isEmpty()) {
            names.add("0x" + Long.toHexString(rest));
        }
        return String.join("|", names);
    }

    private static String modeNames(long mode) {
        List<String> names = new ArrayList<>();
        if ((mode & UFFDIO_REGISTER_MODE_MISSING) != 0) {
            names.add("MODE_MISSING");
        }
        if ((mode & UFFDIO_REGISTER_MODE_WP) != 0) {
            names.add("MODE_WP");
        }
        long rest = mode & ~(UFFDIO_REGISTER_MODE_MISSING | UFFDIO_REGISTER_MODE_WP);
        if (rest != 0 || names.isEmpty()) {
            names.add("0x" + Long.toHexString(rest));
        }
        return String.join("|", names);
    }

    private static void range(int fd, long request, String name, long start, long length) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment range = arena.allocate(RANGE_LAYOUT);
            range.set(ValueLayout.JAVA_LONG, 0, start);
            range.set(ValueLayout.JAVA_LONG, 8, length);
            ioctl(fd, request, range, name + ", {" + CallState.hex(start) + ", " + length + "}");
        }
    }

    /**
     * {@code ioctl(fd, request, argument)}, for any module's ioctl that takes one struct.
     *
     * @param description the request and the argument as the message should show them
     * @return what ioctl returned (0, or a count for some requests)
     * @throws NativeCallException when it returns -1
     */
    public static int ioctl(int fd, long request, MemorySegment argument, String description) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = CallState.allocate(arena);
            int result = (int) IOCTL.invokeExact(state, fd, request, argument);
            if (result == -1) {
                throw new NativeCallException("ioctl(" + fd + ", " + description + ")", CallState.errno(state));
            }
            return result;
        } catch (NativeCallException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("cannot call ioctl", t);
        }
    }
}
