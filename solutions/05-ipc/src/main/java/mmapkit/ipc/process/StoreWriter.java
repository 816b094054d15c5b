package mmapkit.ipc.process;

import mmapkit.ipc.Atomics;
import mmapkit.ipc.SharedRegion;

/**
 * A child program: attaches to a region and release-stores {@code VALUE} as a long at {@code OFFSET}
 * of its data, then prints {@code stored} and exits. No msync: the other processes see the store
 * through their own mappings of the same pages.
 *
 * <pre>
 * java mmapkit.ipc.process.StoreWriter FILE SIZE VERSION OFFSET VALUE
 * </pre>
 */
public final class StoreWriter {

    private StoreWriter() {
    }

    public static void main(String[] args) throws Exception {
        Children.requireArgs(args, 5, "StoreWriter FILE SIZE VERSION OFFSET VALUE");
        // tag::store-writer[]
        try (SharedRegion region = Children.attach(args[0], args[1], args[2])) {
            Atomics.setRelease(region.data(), Long.parseLong(args[3]), Long.parseLong(args[4]));
            System.out.println("stored");
        }
        // end::store-writer[]
    }
}
