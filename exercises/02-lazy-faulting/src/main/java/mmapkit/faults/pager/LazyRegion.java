package mmapkit.faults.pager;

import mmapkit.faults.FaultProbes;
import mmapkit.faults.natives.NativeCopy;
import mmapkit.faults.natives.UserfaultCalls;
import mmapkit.mapping.Pages;
import mmapkit.mapping.RawMapping;
import mmapkit.mapping.natives.MemoryMapCalls;
import mmapkit.mapping.natives.NativeCallException;
import mmapkit.mapping.natives.PosixFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A pager in user space: a region of anonymous memory whose pages come from a {@link PageSource} at
 * their first touch, served by this process itself through {@code userfaultfd(2)}, as QEMU serves a
 * migrating virtual machine's memory (postcopy) and CRIU a restored process's (lazy pages).
 *
 * <pre>
 *  reader thread                      kernel                         handler thread ("lazy-region-pager")
 *  read(offset) -> memcpy (native)
 *    touches a missing page --fault-> queues a uffd_msg, the reader
 *                                     sleeps in the fault            poll(fd) wakes; read(fd) -> FaultEvent
 *                                                                    source.fill(page) into a staging page
 *                                     maps the copy, wakes &lt;-------- ioctl(UFFDIO_COPY, page)
 *    memcpy goes on
 * </pre>
 *
 * <h2>Why reads go through native code</h2>
 * The region hands out no {@code MemorySegment}: {@link #read} copies with a {@code memcpy} downcall
 * ({@link NativeCopy}). A thread waiting in a fault it took in Java code counts as running Java, so
 * every safepoint of the JVM (a garbage collection, which the handler may start just by allocating)
 * would wait for it, while it waits for the handler: a deadlock. A thread waiting inside a downcall is
 * in native code, and safepoints proceed without it.
 *
 * <h2>Shutting down</h2>
 * {@link #close()} refuses new reads, lets the handler serve the reads in flight (for a bounded
 * time), stops the handler, and unregisters the range, which wakes any reader still waiting: such a
 * read then fails, saying which page was never served, instead of waiting forever. The memory is
 * unmapped only when no read is in flight.
 */
public final class LazyRegion implements AutoCloseable {

    /** How long the handler waits in {@code poll} before it looks whether it should stop. */
    static final int POLL_MILLIS = 20;
    /** How long {@link #close()} lets reads in flight finish. */
    public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private static final long PAGE = Pages.size();

    private final RawMapping memory;
    private final long pageCount;
    private final int fd;
    private final PageSource source;
    private final Thread handler;
    /** Bit {@code p % 64} of word {@code p / 64}: page p was served (copied or zero-filled). */
    private final AtomicLongArray served;
    private final AtomicLong faults = new AtomicLong();
    private final List<Long> order = new ArrayList<>();
    private final Map<Long, IOException> failures = new ConcurrentHashMap<>();
    /** Reads in flight; guarded by {@code this}. */
    private int readers;
    /** OPEN, then CLOSING (no new reads), then CLOSED; guarded by {@code this}. */
    private State state = State.OPEN;
    private volatile boolean stopping;
    /** Whether the handler thread has ended; guarded by {@code this}. */
    private boolean handlerDone;
    /** Whether close() left the descriptor to the handler to close, because it had not ended; guarded by {@code this}. */
    private boolean descriptorLeftToHandler;
    private volatile Throwable handlerFailure;

    private enum State { OPEN, CLOSING, CLOSED }

    private LazyRegion(RawMapping memory, long pageCount, int fd, PageSource source) {
        this.memory = memory;
        this.pageCount = pageCount;
        this.fd = fd;
        this.source = source;
        this.served = new AtomicLongArray((int) ((pageCount + 63) / 64));
        this.handler = Thread.ofPlatform().daemon().name("lazy-region-pager").unstarted(this::handle);
    }

    /**
     * Maps {@code pageCount} pages of anonymous memory, registers them with a new userfaultfd for
     * missing-page faults, and starts the handler thread. No page is there yet.
     *
     * @throws IllegalArgumentException      for a page count below 1; the message names it
     * @throws UnsupportedOperationException where this process cannot use userfaultfd, with
     *                                       {@link FaultProbes#userfaultfd()}'s reason
     */
    public static LazyRegion open(long pageCount, PageSource source) {
        Objects.requireNonNull(source, "source");
        if (pageCount < 1 || pageCount > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("pageCount " + pageCount + " must be in 1.." + Integer.MAX_VALUE);
        }
        if (!FaultProbes.userfaultfd().holds()) {
            throw new UnsupportedOperationException(FaultProbes.userfaultfd().reason());
        }
        RawMapping memory = RawMapping.anonymous(pageCount * PAGE, MemoryMapCalls.PROT_READ | MemoryMapCalls.PROT_WRITE,
                MemoryMapCalls.MAP_PRIVATE);
        int fd = -1;
        try {
            fd = UserfaultCalls.openForUserFaults(UserfaultCalls.O_CLOEXEC | UserfaultCalls.O_NONBLOCK);
            UserfaultCalls.api(fd, 0);
            UserfaultCalls.register(fd, memory.address(), pageCount * PAGE, UserfaultCalls.UFFDIO_REGISTER_MODE_MISSING);
        } catch (RuntimeException e) {
            if (fd != -1) {
                PosixFiles.close(fd);
            }
            memory.close();
            throw e;
        }
        LazyRegion region = new LazyRegion(memory, pageCount, fd, source);
        region.handler.start();
        return region;
    }

    /** The address of the region's first byte (for mincore). */
    public long address() {
        return memory.address();
    }

    /** How many pages the region has. */
    public long pageCount() {
        return pageCount;
    }

    /** How many page faults the handler has received (one per waiting thread and page). */
    public long faults() {
        return faults.get();
    }

    /** The pages in the order they were served, each once: the order they were first touched. */
    public List<Long> pageOrder() {
        synchronized (order) {
            return List.copyOf(order);
        }
    }

    /** Whether page {@code page} has been served. */
    public boolean isServed(long page) {
        return (served.get((int) (page >>> 6)) & (1L << page)) != 0;
    }

    // tag::native-read[]
    /**
     * Copies {@code into.byteSize()} bytes of the region, from {@code offset}, into {@code into};
     * each page not yet there is asked for and served while the copy waits. The copy runs in
     * native code ({@code memcpy}), so the waiting thread never holds up a safepoint.
     *
     * @throws IllegalArgumentException when the bytes are not all inside the region
     * @throws IllegalStateException    when the region is closed or closing, or it closed before
     *                                  a page this read waited for was served (names the page)
     * @throws UncheckedIOException     when the source failed to produce a page (names the page)
     */
    public void read(long offset, MemorySegment into) {
        long length = into.byteSize();
        long size = pageCount * PAGE;
        if (offset < 0 || offset > size || length > size - offset) {
            throw new IllegalArgumentException("offset " + offset + " with length " + length
                    + " is not inside the " + size + " bytes of the region");
        }
        enter();
        try {
            NativeCopy.copy(memory.address() + offset, into, length); // may wait in faults
        } finally {
            exit();
        }
        for (long page = offset / PAGE; length > 0 && page <= (offset + length - 1) / PAGE; page++) {
            IOException failure = failures.get(page);
            if (failure != null) {
                throw new UncheckedIOException("page " + page + " could not be produced: "
                        + failure.getMessage(), failure);
            }
            if (handlerFailure != null || !isServed(page)) {
                throw new IllegalStateException(handlerFailure == null
                        ? "the region closed before page " + page + " was served"
                        : "page " + page + " was never served: the handler failed: " + handlerFailure,
                        handlerFailure);
            }
        }
    }
    // end::native-read[]

    /** {@link #read(long, MemorySegment)} into a new array. */
    public byte[] read(long offset, int length) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment into = arena.allocate(Math.max(1, length)).asSlice(0, length);
            read(offset, into);
            return into.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        }
    }

    private synchronized void enter() {
        if (state != State.OPEN) {
            throw new IllegalStateException("the lazy region of " + pageCount + " pages is " + state.name().toLowerCase()
                    + ": no more reads");
        }
        readers++;
    }

    private synchronized void exit() {
        readers--;
        notifyAll();
    }

    /**
     * The handler thread: serves faults until {@link #close()} stops it. When it fails, it unregisters
     * the range, which wakes every waiting reader (their reads then fail, giving the failure).
     */
    private void handle() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment message = arena.allocate(UserfaultCalls.MESSAGE_LAYOUT);
            MemorySegment staging = arena.allocate(PAGE, PAGE);
            serve(message, staging);
        } catch (Throwable t) {
            if (!stopping) {
                handlerFailure = t;
                try {
                    UserfaultCalls.unregister(fd, memory.address(), pageCount * PAGE); // wakes every waiting reader
                } catch (RuntimeException ignored) {
                    // the readers' checks report the failure
                }
            }
        } finally {
            synchronized (this) {
                handlerDone = true;
                if (descriptorLeftToHandler) {
                    PosixFiles.close(fd);
                }
            }
        }
    }

    /**
     * The event loop, on the handler thread: until {@code stopping}, waits up to {@link #POLL_MILLIS}
     * for the descriptor to become readable, then reads every pending message and resolves each.
     */
    void serve(MemorySegment message, MemorySegment staging) {
        // TODO 02.8 (see hint 02.8)
        throw new UnsupportedOperationException("TODO 02.8: poll, read and resolve fault messages until stopping (see hint 02.8)");
    }

    /**
     * Serves one fault: counts it, fills {@code staging} with the page from the source and copies it
     * into place with {@code UFFDIO_COPY}, which wakes the waiting thread. A page an earlier message
     * already served needs nothing more (each thread waiting for a page sends a message). When the
     * source fails, the page is served as zeros ({@code UFFDIO_ZEROPAGE}) and the failure kept for
     * the read to report.
     */
    void resolve(FaultEvent event, MemorySegment staging) {
        // TODO 02.8 (see hint 02.8)
        throw new UnsupportedOperationException("TODO 02.8: fill the page at 0x" + Long.toHexString(event.address())
                + " from the source and copy it in (see hint 02.8)");
    }

    private void zeroFill(long pageAddress) {
        try {
            UserfaultCalls.zeropage(fd, pageAddress, PAGE, 0);
        } catch (NativeCallException e) {
            if (!e.errnoName().equals("EEXIST")) {
                throw e;
            }
        }
    }

    /** Records that {@code page} is (about to be) there, and when: first served, first in {@link #pageOrder()}. */
    private void markServed(long page) {
        synchronized (order) {
            order.add(page);
        }
        served.getAndUpdate((int) (page >>> 6), word -> word | (1L << page));
    }

    /** {@link #close(Duration)} with {@link #CLOSE_TIMEOUT}. */
    @Override
    public void close() {
        close(CLOSE_TIMEOUT);
    }

    /**
     * Shuts the region down without leaving a reader waiting forever: refuses new reads, waits up to
     * {@code timeout} for the reads in flight (the handler still serving them), stops the handler,
     * unregisters the range (which wakes any reader still waiting; its read fails naming the page),
     * and unmaps the memory once no read is in flight. A second call does nothing.
     */
    public void close(Duration timeout) {
        // TODO 02.9 (see hint 02.9)
        throw new UnsupportedOperationException(
                "TODO 02.9: refuse reads, let reads in flight finish, stop the handler, unregister (see hint 02.9)");
    }

    /** Waits until no read is in flight, at most {@code timeout}; whether none is. */
    private synchronized boolean awaitNoReaders(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (readers > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "LazyRegion[" + pageCount + " pages at 0x" + Long.toHexString(memory.address()) + ", " + faults() + " faults]";
    }
}
