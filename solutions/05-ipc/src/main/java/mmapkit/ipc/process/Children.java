package mmapkit.ipc.process;

import mmapkit.ipc.SharedRegion;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/** What the child programs of this package share: their arguments and how they attach. */
final class Children {

    /** How long a child waits for its region to be published. */
    static final Duration ATTACH_TIMEOUT = Duration.ofSeconds(20);

    private Children() {
    }

    static void requireArgs(String[] args, int count, String usage) {
        if (args.length != count) {
            throw new IllegalArgumentException("usage: " + usage + ", not " + Arrays.toString(args));
        }
    }

    static SharedRegion attach(String file, String size, String version) throws IOException, InterruptedException {
        return SharedRegion.attach(Path.of(file), Long.parseLong(size), Integer.parseInt(version), ATTACH_TIMEOUT);
    }

    static long deadlineAfterSeconds(String seconds) {
        return System.nanoTime() + Long.parseLong(seconds) * 1_000_000_000L;
    }
}
