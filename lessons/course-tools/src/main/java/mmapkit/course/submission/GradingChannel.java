package mmapkit.course.submission;

import mmapkit.course.harness.Wire;

import java.io.Closeable;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The private channel from one grading JVM to the grader: a Unix-domain socket in a folder of its
 * own. The grader accepts exactly one connection (the harness makes it before any learner class
 * is loaded), then closes the listening socket and deletes its file, so nothing else can connect.
 * Every line the JVM sends must carry the nonce sent over that connection and the next sequence
 * number; anything else is a {@link Event#malformed} event, and the grader trusts nothing after it.
 */
final class GradingChannel implements Closeable {

    /** A line longer than this is malformed: no honest event comes near it. */
    static final int MAX_LINE_BYTES = 64 * 1024;
    /** All the lines of one grading JVM; beyond this the channel is malformed. */
    static final long MAX_TOTAL_BYTES = 64L << 20;

    /** One event of the grading JVM, checked; {@code fields} are decoded. */
    record Event(String kind, List<String> fields, String malformed) {
        static Event malformed(String why) {
            return new Event("malformed", List.of(), why);
        }

        boolean isMalformed() {
            return malformed != null;
        }

        String field(int index) {
            return fields.get(index);
        }
    }

    /** The end of the stream: the JVM closed the channel (or ended). */
    static final Event CLOSED = new Event("closed", List.of(), null);

    private final Path folder;
    private final Path socket;
    private final ServerSocketChannel server;
    private final String nonce = HexFormat.of().formatHex(random());
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private volatile SocketChannel connection;
    private Thread reader;

    private GradingChannel(Path folder) throws IOException {
        this.folder = folder;
        this.socket = folder.resolve("g.sock");
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        server.configureBlocking(false);
    }

    private static byte[] random() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    /** A channel listening in {@code folder} (made, readable by its owner only where the file system allows). */
    static GradingChannel open(Path folder) throws IOException {
        Files.createDirectories(folder);
        try {
            Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system: the folder is private to the grader's scratch anyway
        }
        return new GradingChannel(folder);
    }

    Path folder() {
        return folder;
    }

    Path socket() {
        return socket;
    }

    /**
     * Waits for the grading JVM to connect, then stops listening and sends it its instructions.
     *
     * @return false when it did not connect within {@code timeout} or ended first
     */
    boolean accept(Process process, Duration timeout, long testTimeoutMillis, Collection<String> classes, Collection<String> skip)
            throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        SocketChannel accepted = null;
        while (accepted == null && System.nanoTime() < deadline && process.isAlive()) {
            accepted = server.accept();
            if (accepted == null) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        server.close();
        Files.deleteIfExists(socket);
        if (accepted == null) {
            return false;
        }
        connection = accepted;
        StringBuilder instructions = new StringBuilder();
        instructions.append("nonce\t").append(nonce).append('\n');
        instructions.append("timeout\t").append(testTimeoutMillis).append('\n');
        classes.forEach(name -> instructions.append("class\t").append(Wire.encode(name)).append('\n'));
        skip.forEach(id -> instructions.append("skip\t").append(Wire.encode(id)).append('\n'));
        instructions.append("end\n");
        ByteBuffer bytes = ByteBuffer.wrap(instructions.toString().getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
            accepted.write(bytes);
        }
        reader = Thread.ofPlatform().daemon().name("grading-channel-reader").start(this::read);
        return true;
    }

    /** The next event, or null when none came within {@code wait}. */
    Event next(Duration wait) throws InterruptedException {
        return events.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void read() {
        ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
        java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
        long total = 0;
        long expected = 0;
        try {
            while (true) {
                buffer.clear();
                int read = connection.read(buffer);
                if (read < 0) {
                    events.add(CLOSED);
                    return;
                }
                total += read;
                if (total > MAX_TOTAL_BYTES) {
                    events.add(Event.malformed("the grading JVM sent more than " + (MAX_TOTAL_BYTES >> 20) + " MiB of events"));
                    return;
                }
                buffer.flip();
                while (buffer.hasRemaining()) {
                    byte b = buffer.get();
                    if (b != '\n') {
                        line.write(b);
                        if (line.size() > MAX_LINE_BYTES) {
                            events.add(Event.malformed("the grading JVM sent an event longer than " + MAX_LINE_BYTES + " bytes"));
                            return;
                        }
                        continue;
                    }
                    Event event = parse(line.toString(StandardCharsets.UTF_8), expected++);
                    line.reset();
                    events.add(event);
                    if (event.isMalformed()) {
                        return;
                    }
                }
            }
        } catch (IOException e) {
            events.add(CLOSED);
        }
    }

    private Event parse(String line, long expectedSequence) {
        String[] parts = line.split("\t", -1);
        if (parts.length < 3 || !parts[0].equals(nonce)) {
            return Event.malformed("an event without the channel's nonce");
        }
        if (!parts[1].equals(Long.toString(expectedSequence))) {
            return Event.malformed("an event out of sequence (" + parts[1] + " where " + expectedSequence + " was due)");
        }
        List<String> fields = new ArrayList<>();
        try {
            for (int i = 3; i < parts.length; i++) {
                fields.add(Wire.decode(parts[i]));
            }
        } catch (IllegalArgumentException e) {
            return Event.malformed("an event with a field that is not percent-encoded");
        }
        int wanted = switch (parts[2]) {
            case "started" -> 3;
            case "result" -> 7;
            case "finished" -> 1;
            case "restart", "done" -> 0;
            default -> -1;
        };
        if (wanted != fields.size()) {
            return Event.malformed("an event '" + parts[2] + "' with " + fields.size() + " fields");
        }
        return new Event(parts[2], List.copyOf(fields), null);
    }

    @Override
    public void close() {
        try {
            server.close();
            if (connection != null) {
                connection.close();
            }
            Files.deleteIfExists(socket);
        } catch (IOException ignored) {
            // the scratch folder goes anyway
        }
        if (reader != null) {
            reader.interrupt();
        }
    }
}
