package mmapkit.sync.process;

import mmapkit.sync.FlushPolicy;
import mmapkit.sync.MappedStorage;
import mmapkit.sync.RecordLog;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A child program for kill tests: formats {@code FILE} as a {@link RecordLog} of {@code SIZE} bytes
 * and commits record 0, 1, 2, ... one per commit with {@code POLICY}, printing {@code committed N}
 * after commit N returns, until {@code MAX_RECORDS} records or {@code MAX_SECONDS} seconds, then
 * prints {@code done N}. Record {@code n} is {@link #record(long) record(n)}, so a parent can check
 * every recovered byte.
 *
 * <pre>
 * java mmapkit.sync.process.LogWriter FILE SIZE POLICY MAX_RECORDS MAX_SECONDS
 * </pre>
 */
public final class LogWriter {

    private LogWriter() {
    }

    /** Record number {@code n}: 8 + n % 200 bytes, its number then bytes derived from it. */
    public static byte[] record(long n) {
        byte[] payload = new byte[8 + (int) (n % 200)];
        ByteBuffer.wrap(payload).putLong(n);
        Arrays.fill(payload, 8, payload.length, (byte) (n * 31 + 7));
        return payload;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            throw new IllegalArgumentException("usage: LogWriter FILE SIZE POLICY MAX_RECORDS MAX_SECONDS, not " + Arrays.toString(args));
        }
        Path file = Path.of(args[0]);
        long size = Long.parseLong(args[1]);
        FlushPolicy policy = FlushPolicy.valueOf(args[2]);
        long maxRecords = Long.parseLong(args[3]);
        long until = System.nanoTime() + Long.parseLong(args[4]) * 1_000_000_000L;
        try (MappedStorage storage = MappedStorage.open(file, size)) {
            RecordLog log = RecordLog.create(storage, policy);
            System.out.println("created");
            long n = 0;
            while (n < maxRecords && System.nanoTime() < until) {
                log.append(record(n));
                log.commit();
                System.out.println("committed " + n);
                n++;
            }
            System.out.println("done " + n);
        }
    }
}
