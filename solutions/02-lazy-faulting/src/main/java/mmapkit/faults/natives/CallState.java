package mmapkit.faults.natives;

import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

/**
 * How this package's bindings capture {@code errno}, as module 01's {@code mmapkit.mapping.natives.Errno}
 * does: a downcall linked with {@link #CAPTURE} takes one extra first argument, a segment of
 * {@link #LAYOUT}, into which the linker copies {@code errno} right after the call.
 */
final class CallState {

    static final Linker LINKER = Linker.nativeLinker();
    static final Linker.Option CAPTURE = Linker.Option.captureCallState("errno");
    private static final StructLayout LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private CallState() {
    }

    /** A fresh place for the linker to save errno into. */
    static MemorySegment allocate(Arena arena) {
        return arena.allocate(LAYOUT);
    }

    /** The errno a call saved into {@code state}. */
    static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    static String hex(long address) {
        return "0x" + Long.toHexString(address);
    }
}
