package mmapkit.ipc;

import java.lang.foreign.Arena;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * What an IPC test holds while it runs: native memory in a shared arena (its threads use it too), the
 * threads it starts, and a folder for region files ({@link IpcFiles}). {@link #close()}, called after each
 * test, gives them back in the one safe order: the threads are interrupted and waited for (10 s at most)
 * before the memory they may still touch is freed, then the files are deleted.
 */
final class IpcFixture {

    private final Arena arena = Arena.ofShared();
    private final ExecutorService executor;
    private final IpcFiles files = IpcFiles.create();

    private IpcFixture(ExecutorService executor) {
        this.executor = executor;
    }

    /** For a test that starts several threads at once. */
    static IpcFixture withThreadPool() {
        return new IpcFixture(Executors.newCachedThreadPool());
    }

    /** For a test whose tasks run one after another, on one thread. */
    static IpcFixture withOneThread() {
        return new IpcFixture(Executors.newSingleThreadExecutor());
    }

    Arena arena() {
        return arena;
    }

    ExecutorService executor() {
        return executor;
    }

    IpcFiles files() {
        return files;
    }

    /** Stops the threads, then frees the memory and deletes the files: the test's {@code @AfterEach}. */
    void close() throws InterruptedException {
        executor.shutdownNow();
        executor.awaitTermination(10, TimeUnit.SECONDS);
        arena.close();
        files.close();
    }
}
