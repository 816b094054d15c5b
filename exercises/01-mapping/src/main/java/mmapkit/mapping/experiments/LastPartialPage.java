package mmapkit.mapping.experiments;

import mmapkit.mapping.MapMode;
import mmapkit.mapping.MappedFile;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Experiment: the last page of a 100-byte file is a whole page in memory; bytes 100 to 4095 read
 * zero, and a store there stays in memory and never reaches the file.
 */
public final class LastPartialPage {

    private LastPartialPage() {
    }

    public static void main(String[] args) throws IOException {
        Path file = Files.createTempFile("partial-page-", ".bin");
        try {
            byte[] content = new byte[100];
            java.util.Arrays.fill(content, (byte) 'x');
            Files.write(file, content);
            // tag::partial-page[]
            try (MappedFile mapping = MappedFile.map(file, MapMode.SHARED, 0, 100)) {
                MemorySegment page = mapping.pageSpan(); // the whole page the kernel mapped
                System.out.println("file size " + Files.size(file) + ", segment " + mapping.segment().byteSize()
                        + " bytes, page span " + page.byteSize() + " bytes");
                long nonZero = 0;
                for (long i = 100; i < page.byteSize(); i++) {
                    nonZero += page.get(ValueLayout.JAVA_BYTE, i) != 0 ? 1 : 0;
                }
                System.out.println("bytes 100.." + (page.byteSize() - 1) + " that are not zero: " + nonZero);

                page.set(ValueLayout.JAVA_BYTE, 200, (byte) 42);
                System.out.println("stored 42 at byte 200: byte 200 in memory = " + page.get(ValueLayout.JAVA_BYTE, 200)
                        + ", file size " + Files.size(file) + ", read() returns " + Files.readAllBytes(file).length + " bytes");
                mapping.force(); // msync writes the page back: only its first 100 bytes go to the file
                System.out.println("after force():       byte 200 in memory = " + page.get(ValueLayout.JAVA_BYTE, 200)
                        + ", file size " + Files.size(file));
            }
            byte[] after = Files.readAllBytes(file);
            System.out.println("after close: file size " + after.length + ", read() returns " + after.length
                    + " bytes, all 'x': " + allX(after));
            // end::partial-page[]
            System.out.println();
            System.out.println("The kernel maps whole pages: past the end of the file the last page is zero-filled,");
            System.out.println("and writeback copies only the bytes inside the file. A disk file system such as ext4");
            System.out.println("even zeroes the tail of the page in memory when it writes the page back (tmpfs does");
            System.out.println("not), so a store past the end of the file may read back 0 after force().");
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static boolean allX(byte[] bytes) {
        for (byte b : bytes) {
            if (b != 'x') {
                return false;
            }
        }
        return true;
    }
}
