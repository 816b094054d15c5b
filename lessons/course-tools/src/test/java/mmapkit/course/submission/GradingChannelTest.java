package mmapkit.course.submission;

import mmapkit.course.harness.Wire;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The channel from a grading JVM checks every line: nonce, sequence, encoding, size; and it takes one connection only. */
@Timeout(60)
class GradingChannelTest {

    @TempDir
    Path temp;

    /** Plays the harness: connects, reads the instructions, returns the nonce and the connection. */
    private record FakeHarness(SocketChannel socket, String nonce, List<String> instructions) {
        void send(String line) throws IOException {
            ByteBuffer bytes = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                socket.write(bytes);
            }
        }
    }

    private FakeHarness connect(GradingChannel channel) throws Exception {
        Process alive = new ProcessBuilder("sleep", "30").start();
        try {
            CompletableFuture<FakeHarness> harness = CompletableFuture.supplyAsync(() -> {
                try {
                    SocketChannel socket = SocketChannel.open(UnixDomainSocketAddress.of(channel.socket()));
                    InputStream in = Channels.newInputStream(socket);
                    StringBuilder text = new StringBuilder();
                    while (!text.toString().endsWith("end\n")) {
                        text.append((char) in.read());
                    }
                    List<String> lines = text.toString().lines().toList();
                    return new FakeHarness(socket, lines.getFirst().split("\t")[1], lines);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertThat(channel.accept(alive, Duration.ofSeconds(20), 8000, List.of("mmapkit.demo.AddTest"),
                    List.of("[engine:x]/[class:y]")))
                    .isTrue();
            return harness.get();
        } finally {
            alive.destroyForcibly();
        }
    }

    @Test
    void wellFormedEventsArriveDecodedAndTheSocketIsGoneAfterTheOneConnection() throws Exception {
        try (GradingChannel channel = GradingChannel.open(Files.createDirectories(temp.resolve("c")))) {
            FakeHarness harness = connect(channel);
            assertThat(harness.instructions()).contains("timeout\t8000", "class\t" + Wire.encode("mmapkit.demo.AddTest"), "end");
            assertThat(channel.socket()).as("nothing else can connect").doesNotExist();
            assertThatThrownBy(() -> SocketChannel.open(UnixDomainSocketAddress.of(channel.socket()))).isInstanceOf(IOException.class);
            harness.send(harness.nonce() + "\t0\tstarted\t" + Wire.encode("[engine:x]/[method:a()]") + "\tAddTest\t" + Wire.encode("a()"));
            harness.send(harness.nonce() + "\t1\tdone");
            GradingChannel.Event started = channel.next(Duration.ofSeconds(10));
            assertThat(started.kind()).isEqualTo("started");
            assertThat(started.fields()).containsExactly("[engine:x]/[method:a()]", "AddTest", "a()");
            assertThat(channel.next(Duration.ofSeconds(10)).kind()).isEqualTo("done");
        }
    }

    @Test
    void aWrongNonceIsMalformedAndNothingAfterItIsRead() throws Exception {
        try (GradingChannel channel = GradingChannel.open(Files.createDirectories(temp.resolve("c")))) {
            FakeHarness harness = connect(channel);
            harness.send("0000\t0\tdone");
            harness.send(harness.nonce() + "\t1\tdone");
            GradingChannel.Event event = channel.next(Duration.ofSeconds(10));
            assertThat(event.isMalformed()).isTrue();
            assertThat(event.malformed()).isEqualTo("an event without the channel's nonce");
            assertThat(channel.next(Duration.ofMillis(300))).as("the reader stopped at the first bad line").isNull();
        }
    }

    @Test
    void outOfSequenceUnknownKindsWrongFieldCountsAndHugeLinesAreMalformed() throws Exception {
        String[][] cases = {
                {"\t1\tdone", "an event out of sequence (1 where 0 was due)"},
                {"\t0\tpassed-everything", "an event 'passed-everything' with 0 fields"},
                {"\t0\tresult\tonly-one-field", "an event 'result' with 1 fields"},
                {"\t0\tfinished\t%zz", "an event with a field that is not percent-encoded"},
                {"\t0\tfinished\t" + "x".repeat(GradingChannel.MAX_LINE_BYTES + 10), "the grading JVM sent an event longer than "
                        + GradingChannel.MAX_LINE_BYTES + " bytes"},
        };
        for (String[] bad : cases) {
            try (GradingChannel channel = GradingChannel.open(Files.createTempDirectory(temp, "c"))) {
                FakeHarness harness = connect(channel);
                harness.send(harness.nonce() + bad[0]);
                GradingChannel.Event event = channel.next(Duration.ofSeconds(10));
                assertThat(event.malformed()).as("after " + bad[0].substring(0, Math.min(40, bad[0].length()))).isEqualTo(bad[1]);
            }
        }
    }
}
