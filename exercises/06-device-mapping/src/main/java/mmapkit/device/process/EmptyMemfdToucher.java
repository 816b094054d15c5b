package mmapkit.device.process;

import mmapkit.device.special.Memfd;
import mmapkit.mapping.Pages;
import mmapkit.mapping.RawMapping;

import java.lang.foreign.ValueLayout;

/**
 * A child program, run in a JVM of its own because what it does would end the test run otherwise:
 * creates a memfd, maps a page of it shared <em>without</em> giving the file a size, and reads the
 * page. A memfd is born with size 0, so the page lies past the end of the file: the kernel raises
 * SIGBUS, which the JVM turns into an {@link InternalError} for a memory segment access.
 *
 * <pre>
 * java mmapkit.device.process.EmptyMemfdToucher
 * </pre>
 *
 * It prints {@code mapped size <bytes>}, then {@code InternalError: <message>} (or, if the read
 * returned, {@code read <value>}), then {@code resized, read <value>} after a {@code resize} makes
 * the same page readable.
 */
public final class EmptyMemfdToucher {

    private EmptyMemfdToucher() {
    }

    public static void main(String[] args) {
        // tag::touch-empty-memfd[]
        try (Memfd memfd = Memfd.create("empty");
                RawMapping mapping = memfd.mapShared(Pages.size())) {   // mmap works: size is not checked
            System.out.println("mapped size " + memfd.size());
            try {
                System.out.println("read " + mapping.segment().get(ValueLayout.JAVA_BYTE, 0));
            } catch (InternalError e) {                                // SIGBUS: past the end of the file
                System.out.println("InternalError: " + e.getMessage());
            }
            memfd.resize(Pages.size());
            System.out.println("resized, read " + mapping.segment().get(ValueLayout.JAVA_BYTE, 0));
        }
        // end::touch-empty-memfd[]
    }
}
