package mmapkit.sync;

import java.util.Arrays;

/**
 * A {@link Storage} over a disk image that only reads: recovery must write nothing, so a write or a
 * flush fails the test that made it. Lets the recovery tests run without the crash model of 04.4.
 */
final class ReadOnlyImage implements Storage {

    private final byte[] image;

    ReadOnlyImage(byte[] image) {
        this.image = image.clone();
    }

    @Override
    public long size() {
        return image.length;
    }

    @Override
    public int pageSize() {
        return 4096;  // not a page size: the simulated storage's own page
    }

    @Override
    public byte[] read(long offset, int length) {
        if (offset < 0 || length < 0 || offset > image.length || length > image.length - offset) {
            throw new IllegalArgumentException("offset " + offset + " and length " + length + " do not fit in "
                    + image.length + " bytes");
        }
        return Arrays.copyOfRange(image, (int) offset, (int) offset + length);
    }

    @Override
    public void write(long offset, byte[] data) {
        throw new AssertionError("recovery must write nothing, but it wrote " + data.length + " bytes at offset "
                + offset);
    }

    @Override
    public void flush(long offset, long length) {
        throw new AssertionError("recovery must write nothing, but it flushed " + length + " bytes at offset "
                + offset);
    }
}
