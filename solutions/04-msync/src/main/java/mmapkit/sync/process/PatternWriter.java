package mmapkit.sync.process;

import mmapkit.mapping.Pages;
import mmapkit.sync.MappedStorage;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * A child program for kill tests: maps {@code FILE} with {@link MappedStorage}, fills page {@code p}
 * of its first {@code PAGES} pages with the byte {@link #patternByte(int) patternByte(p)}, flushes
 * nothing, prints {@code written PAGES pages}, then waits (at most 60 s) to be killed; with
 * {@code exit} as a third argument it returns from {@code main} at once instead, and the JVM exits
 * normally (the process's mappings go away with it, unflushed).
 *
 * <pre>
 * java mmapkit.sync.process.PatternWriter FILE PAGES [exit]
 * </pre>
 */
public final class PatternWriter {

    /** How long it waits to be killed before it exits by itself. */
    public static final long MAX_WAIT_MILLIS = 60_000;

    private PatternWriter() {
    }

    /** The byte that fills page {@code page}: never 0, so a page of zeros never passes. */
    public static byte patternByte(int page) {
        return (byte) (1 + page % 255);
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || args.length > 3 || (args.length == 3 && !args[2].equals("exit"))) {
            throw new IllegalArgumentException("usage: PatternWriter FILE PAGES [exit], not " + Arrays.toString(args));
        }
        Path file = Path.of(args[0]);
        int pages = Integer.parseInt(args[1]);
        int page = (int) Pages.size();
        MappedStorage storage = MappedStorage.open(file, (long) pages * page);
        for (int p = 0; p < pages; p++) {
            byte[] fill = new byte[page];
            Arrays.fill(fill, patternByte(p));
            storage.write((long) p * page, fill);
        }
        System.out.println("written " + pages + " pages");
        System.out.flush();
        if (args.length == 3) {
            return; // exit with the mapping still there: no close(), no msync
        }
        Thread.sleep(MAX_WAIT_MILLIS); // the parent kills it long before; no close(), no msync
    }
}
