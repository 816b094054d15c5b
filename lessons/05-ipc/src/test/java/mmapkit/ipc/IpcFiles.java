package mmapkit.ipc;

import mmapkit.faults.bench.ScratchFolder;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Shared files for the IPC tests: a fresh folder under {@code /dev/shm} (shared memory, never
 * written back to a disk; {@code java.io.tmpdir} where there is none), deleted with everything in
 * it after each test. Also how the tests make a region and tell a child program where it is.
 */
final class IpcFiles implements AutoCloseable {

    /** The layout version the tests and their child programs agree on. */
    static final int VERSION = 5;

    private final Path dir;
    private int made;

    private IpcFiles(Path dir) {
        this.dir = dir;
    }

    static IpcFiles create() {
        return new IpcFiles(ScratchFolder.fresh(ScratchFolder.inSharedMemory(), "mmapkit-ipc-"));
    }

    /** A path in the folder, unique within this test; the file is not created. */
    Path path(String name) {
        return dir.resolve((made++) + "-" + name);
    }

    /** A region with {@code dataBytes} bytes of data (rounded up to 8), zero, version {@link #VERSION}. */
    SharedRegion region(String name, long dataBytes) throws IOException {
        return region(name, dataBytes, data -> { });
    }

    /** As {@link #region(String, long)}, with {@code initialiser} run before it is published. */
    SharedRegion region(String name, long dataBytes, Consumer<MemorySegment> initialiser) throws IOException {
        return SharedRegion.create(path(name), regionSize(dataBytes), VERSION, initialiser);
    }

    /** The region size for {@code dataBytes} bytes of data. */
    static long regionSize(long dataBytes) {
        return SharedRegion.HEADER_SIZE + ((dataBytes + 7) & -8L);
    }

    /** The first three arguments of every child program of mmapkit.ipc.process: FILE SIZE VERSION. */
    static String[] childArgs(SharedRegion region, String... more) {
        String[] args = new String[3 + more.length];
        args[0] = region.file().toString();
        args[1] = String.valueOf(region.whole().byteSize());
        args[2] = String.valueOf(VERSION);
        System.arraycopy(more, 0, args, 3, more.length);
        return args;
    }

    @Override
    public void close() {
        ScratchFolder.deleteTree(dir);
    }
}
