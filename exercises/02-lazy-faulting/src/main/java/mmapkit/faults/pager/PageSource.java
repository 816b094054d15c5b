package mmapkit.faults.pager;

import mmapkit.mapping.Pages;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.time.Duration;
import java.util.Objects;

/**
 * Where the pages of a {@link LazyRegion} come from: asked once per page, at the page's first touch,
 * on the region's handler thread.
 */
@FunctionalInterface
public interface PageSource {

    /**
     * Fills {@code page} (one page, {@link Pages#size()} bytes, zeroed) with the content of page number
     * {@code pageNumber}.
     *
     * @throws IOException when the content cannot be had; the region then serves a zero page and the
     *                     read that asked for it fails with this exception as its cause
     */
    void fill(long pageNumber, MemorySegment page) throws IOException;

    /**
     * A generated pattern, no I/O: every byte of page {@code p} is {@code (byte) (7 * p + 1)}, so that
     * neighbouring pages differ and no page is all zeros.
     */
    static PageSource pattern() {
        return (pageNumber, page) -> page.fill(patternByte(pageNumber));
    }

    /** The byte {@link #pattern()} puts in every byte of page {@code pageNumber}. */
    static byte patternByte(long pageNumber) {
        return (byte) (7 * pageNumber + 1);
    }

    /**
     * The pages of an open file, read with {@code pread} at offset {@code pageNumber * Pages.size()}
     * ({@link FileChannel#read(ByteBuffer, long)}, which does not move the channel's position). A page
     * past the end of the file, and the rest of a last partial page, stay zero, as in a mapping of the
     * file.
     *
     * @param channel open for reading; the caller closes it after the region
     */
    static PageSource file(FileChannel channel) {
        Objects.requireNonNull(channel, "channel");
        return (pageNumber, page) -> {
            // TODO 02.9 (see hint 02.9)
            throw new UnsupportedOperationException("TODO 02.9: read page " + pageNumber + " of the file with pread (see hint 02.9)");
        };
    }

    /**
     * {@code source}, taking {@code delay} longer for every page: a disk or a network far away, so that
     * a fault stays pending long enough to watch.
     */
    static PageSource slow(PageSource source, Duration delay) {
        Objects.requireNonNull(source, "source");
        long nanos = delay.toNanos();
        return (pageNumber, page) -> {
            try {
                Thread.sleep(Duration.ofNanos(nanos));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while slowly producing page " + pageNumber, e);
            }
            source.fill(pageNumber, page);
        };
    }
}
