package mmapkit.mapping.experiments;

import mmapkit.mapping.MapMode;
import mmapkit.mapping.MappedFile;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Experiment: a store through a MAP_SHARED mapping is in the file at once (read() sees it, no
 * msync needed); a store through a MAP_PRIVATE mapping never reaches the file.
 */
public final class PrivateVersusSharedWrite {

    private PrivateVersusSharedWrite() {
    }

    public static void main(String[] args) throws IOException {
        Path file = Files.createTempFile("shared-private-", ".txt");
        try {
            Files.writeString(file, "hello, page cache");
            System.out.println("file at start:                  \"" + read(file) + "\"");

            // tag::shared-write[]
            try (MappedFile shared = MappedFile.map(file, MapMode.SHARED)) {
                shared.segment().set(ValueLayout.JAVA_BYTE, 0, (byte) 'J'); // no force(), no close() yet
                System.out.println("read() after a SHARED store:    \"" + read(file) + "\"");
            }
            // end::shared-write[]

            // tag::private-write[]
            try (MappedFile copy = MappedFile.map(file, MapMode.PRIVATE)) {
                MemorySegment segment = copy.segment();
                segment.set(ValueLayout.JAVA_BYTE, 7, (byte) 'P'); // copies the page, for this mapping only
                System.out.println("the PRIVATE mapping now holds:  \"" + text(segment) + "\"");
                System.out.println("read() after a PRIVATE store:   \"" + read(file) + "\"");
            }
            System.out.println("read() after closing it:        \"" + read(file) + "\"");
            // end::private-write[]
            System.out.println();
            System.out.println("The SHARED store changed the page cache page that read() copies from;");
            System.out.println("the PRIVATE store changed a private copy of the page, which closing discards.");
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** What a read() system call returns for the whole file. */
    private static String read(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate((int) channel.size());
            while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                // read until full
            }
            return new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII);
        }
    }

    private static String text(MemorySegment segment) {
        return new String(segment.toArray(ValueLayout.JAVA_BYTE), StandardCharsets.US_ASCII);
    }
}
