package mmapkit.faults.natives;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The C library's {@code memcpy} through the FFM linker: a copy made by native code, while the
 * calling thread is "in native" for the JVM.
 *
 * <p>Why that matters: a thread that touches a page of a userfaultfd region waits inside the page
 * fault until a handler serves the page. If it touched the page from Java code
 * ({@code MemorySegment.get}, {@code MemorySegment.copy}, which the JIT compiles into plain loads),
 * the JVM counts it as running Java code, and a safepoint (a garbage collection, for one) waits for
 * it to reach a safepoint poll, which it cannot do until the handler serves the page; if the handler
 * is a Java thread that needs that safepoint, nobody ever moves. A thread blocked in a downcall is in
 * native code: safepoints go ahead without it. The handle is linked without
 * {@code Linker.Option.critical}, which would keep the thread in Java state.
 */
@SuppressWarnings("restricted") // binding native functions is what this class is for
public final class NativeCopy {

    // tag::memcpy-handle[]
    /** {@code void *memcpy(void *dst, const void *src, size_t n)}: no errno, it cannot fail. */
    private static final MethodHandle MEMCPY = CallState.LINKER.downcallHandle(
            CallState.LINKER.defaultLookup().findOrThrow("memcpy"),
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
    // end::memcpy-handle[]

    private NativeCopy() {
    }

    /**
     * Copies {@code length} bytes from address {@code source} to the start of {@code target}, in
     * native code.
     *
     * @throws IllegalArgumentException  when {@code target} is read-only
     * @throws IndexOutOfBoundsException when {@code target} is shorter than {@code length}
     */
    public static void copy(long source, MemorySegment target, long length) {
        if (target.isReadOnly()) {
            throw new IllegalArgumentException("target " + target + " is read-only: memcpy would store into memory the"
                    + " segment promises not to change (into a read-only mapping, a SIGSEGV that ends the JVM)");
        }
        if (length < 0 || length > target.byteSize()) {
            throw new IndexOutOfBoundsException("length " + length + " must be in 0.." + target.byteSize()
                    + ", the size of the target");
        }
        try {
            MemorySegment ignored = (MemorySegment) MEMCPY.invokeExact(target, MemorySegment.ofAddress(source), length);
        } catch (Throwable t) {
            throw new IllegalStateException("cannot call memcpy", t);
        }
    }
}
