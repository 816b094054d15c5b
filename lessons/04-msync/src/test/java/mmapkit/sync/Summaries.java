package mmapkit.sync;

import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Short descriptions of pages, disk images and record lists, for the tests to compare: a failure
 * then prints a few lines ("page 3: all 4" against "page 3: all 0") instead of every byte.
 */
final class Summaries {

    private Summaries() {
    }

    /** Bytes {@code [from, to)} as their runs of equal values, such as {@code all 4} or {@code 3 x10, 0 x4086}. */
    static String bytes(byte[] bytes, int from, int to) {
        List<String> runs = new ArrayList<>();
        int i = from;
        while (i < to) {
            int start = i;
            while (i < to && bytes[i] == bytes[start]) {
                i++;
            }
            runs.add(bytes[start] + " x" + (i - start));
        }
        if (runs.size() == 1) {
            return "all " + bytes[from];
        }
        if (runs.size() <= 4) {
            return String.join(", ", runs);
        }
        return runs.size() + " runs of equal bytes, " + runs.getFirst() + " first, crc32 " + crc(bytes, from, to);
    }

    /** Page {@code page} of an image, as {@code page 3: all 4}. */
    static String page(byte[] image, int page, int pageSize) {
        return "page " + page + ": " + bytes(image, page * pageSize, (page + 1) * pageSize);
    }

    /** Every page of an image, one summary each. */
    static List<String> pages(byte[] image, int pageSize) {
        List<String> pages = new ArrayList<>();
        for (int page = 0; page * pageSize < image.length; page++) {
            pages.add(page(image, page, pageSize));
        }
        return pages;
    }

    /** A list of records as their count, their lengths and one checksum over them all. */
    static String records(List<byte[]> records) {
        CRC32 crc = new CRC32();
        List<Integer> lengths = new ArrayList<>();
        for (byte[] record : records) {
            lengths.add(record.length);
            crc.update(record.length);
            crc.update(record);
        }
        return records.size() + " record(s) of " + lengths + " bytes, crc32 " + Long.toHexString(crc.getValue());
    }

    private static String crc(byte[] bytes, int from, int to) {
        CRC32 crc = new CRC32();
        crc.update(bytes, from, to - from);
        return Long.toHexString(crc.getValue());
    }
}
