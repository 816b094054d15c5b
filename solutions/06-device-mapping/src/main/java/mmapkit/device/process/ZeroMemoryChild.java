package mmapkit.device.process;

import mmapkit.device.special.ZeroMemory;
import mmapkit.mapping.RawMapping;

import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * A child program: maps {@code /dev/zero} shared and private and anonymous shared memory itself, and
 * prints the long each holds at {@code OFFSET}, with the maps line of the shared one. Whatever
 * another process stored in its own mappings of {@code /dev/zero}, this one reads zeros: each
 * {@code mmap} makes memory of its own, and only {@code fork} would hand a mapping on.
 *
 * <pre>
 * java mmapkit.device.process.ZeroMemoryChild OFFSET
 * </pre>
 *
 * It prints {@code shared /dev/zero <value>}, {@code private /dev/zero <value>},
 * {@code shared anonymous <value>} and {@code maps <line>}.
 */
public final class ZeroMemoryChild {

    private ZeroMemoryChild() {
    }

    public static void main(String[] args) {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: ZeroMemoryChild OFFSET, not " + Arrays.toString(args));
        }
        long offset = Long.parseLong(args[0]);
        long length = offset + Long.BYTES;
        try (RawMapping shared = ZeroMemory.sharedZero(length);
                RawMapping privately = ZeroMemory.privateZero(length);
                RawMapping anonymous = ZeroMemory.sharedAnonymous(length)) {
            System.out.println("shared /dev/zero " + shared.segment().get(ValueLayout.JAVA_LONG, offset));
            System.out.println("private /dev/zero " + privately.segment().get(ValueLayout.JAVA_LONG, offset));
            System.out.println("shared anonymous " + anonymous.segment().get(ValueLayout.JAVA_LONG, offset));
            System.out.println("maps " + ZeroMemory.mapsEntry(shared));
        }
    }
}
