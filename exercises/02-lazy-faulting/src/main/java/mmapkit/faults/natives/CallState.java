package mmapkit.faults.natives;

import mmapkit.mapping.natives.Errno;

import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;

/**
 * What this package's bindings share: the linker, and errno captured through module 01's
 * {@link Errno}. A downcall linked with {@link #CAPTURE} takes one extra first argument, a segment
 * from {@link #allocate}, into which the linker copies {@code errno} right after the call.
 */
final class CallState {

    static final Linker LINKER = Linker.nativeLinker();
    static final Linker.Option CAPTURE = Errno.CAPTURE;

    private CallState() {
    }

    /** A fresh place for the linker to save errno into. */
    static MemorySegment allocate(Arena arena) {
        return Errno.newCallState(arena);
    }

    /** The errno a call saved into {@code state}. */
    static int errno(MemorySegment state) {
        return Errno.read(state);
    }

    static String hex(long address) {
        return "0x" + Long.toHexString(address);
    }
}
