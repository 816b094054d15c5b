package mmapkit.course.harness;

import org.junit.platform.engine.FilterResult;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.PostDiscoveryFilter;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

import mmapkit.course.TimeBudget;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * The main class of a grading JVM: runs the graded test classes the grader names and reports
 * each outcome to the grader over a private channel.
 *
 * <p>Before any class of the learner's code is loaded it connects to the grader's Unix-domain
 * socket (the only argument) and reads its instructions: a nonce, the test timeout, the test
 * classes to run and the JUnit unique ids already graded by an earlier grading JVM. The grader
 * accepts one connection and then removes the socket, so nothing else in this JVM can open the
 * channel; the socket's descriptor lives in this module, which opens nothing to reflection.
 *
 * <p>What it sends, one line per event: {@code NONCE<TAB>SEQ<TAB>KIND<TAB>FIELDS...}, every field
 * percent-encoded ({@link Wire}). Kinds: {@code started ID CLASS NAME}, {@code result ID CLASS
 * NAME STATUS MESSAGE FRAME TIMED_OUT}, {@code finished ID}, {@code restart} (a test timed out:
 * this JVM halts so that a thread the test left running cannot disturb the tests after it) and
 * {@code done}. It reports outcomes only: which tests the module has, which task each belongs
 * to and what it is worth, the grader knows from its own plan, and it checks every line.
 */
public final class GradingChild {

    /** Written to the standard error before each test, so the grader can quote what that test printed. */
    public static final String STDERR_MARKER = "----- mmap-course-kit test started: ";

    private static final int MAX_MESSAGE_CHARS = 8_000;

    private GradingChild() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: GradingChild SOCKET (started by the grader, not by hand)");
        }
        TimeBudget.scale(); // read now, before any class of the code under test can set the property
        SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(args[0]));
        Instructions instructions = Instructions.read(channel);
        Reporter reporter = new Reporter(channel, instructions.nonce);
        PrintStream errors = System.err;
        System.setOut(errors); // what the graded code prints is the log of this JVM, never part of its report

        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(instructions.classes.stream().map(DiscoverySelectors::selectClass).toList())
                .filters((PostDiscoveryFilter) descriptor -> instructions.skip.contains(descriptor.getUniqueId().toString())
                        ? FilterResult.excluded("graded by an earlier grading JVM") : FilterResult.included(null))
                .configurationParameter("junit.jupiter.execution.timeout.default", instructions.testTimeoutMillis + " ms")
                .configurationParameter("junit.jupiter.execution.timeout.thread.mode.default", "SEPARATE_THREAD")
                .configurationParameter("junit.jupiter.execution.parallel.enabled", "false")
                .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "false")
                .configurationParameter("junit.platform.output.capture.stdout", "false")
                .build();
        Launcher launcher = LauncherFactory.create(LauncherConfig.builder().build());
        launcher.execute(request, new Collector(reporter, errors));
        reporter.send("done");
        Runtime.getRuntime().halt(0); // threads the graded code left behind cannot keep this JVM alive
    }

    /** What the grader tells this JVM before it runs anything. */
    private record Instructions(String nonce, long testTimeoutMillis, List<String> classes, Set<String> skip) {

        static Instructions read(SocketChannel channel) throws IOException {
            InputStream in = Channels.newInputStream(channel);
            String nonce = null;
            long timeout = 60_000;
            List<String> classes = new ArrayList<>();
            Set<String> skip = new HashSet<>();
            StringBuilder line = new StringBuilder();
            for (int b = in.read(); ; b = in.read()) {
                if (b < 0) {
                    throw new IOException("the grader closed the channel before it sent 'end'");
                }
                if (b != '\n') {
                    line.append((char) b);
                    continue;
                }
                String[] fields = line.toString().split("\t", -1);
                line.setLength(0);
                switch (fields[0]) {
                    case "nonce" -> nonce = fields[1];
                    case "timeout" -> timeout = Long.parseLong(fields[1]);
                    case "class" -> classes.add(Wire.decode(fields[1]));
                    case "skip" -> skip.add(Wire.decode(fields[1]));
                    case "end" -> {
                        if (nonce == null) {
                            throw new IOException("the grader sent no nonce");
                        }
                        return new Instructions(nonce, timeout, List.copyOf(classes), Set.copyOf(skip));
                    }
                    default -> throw new IOException("unknown instruction from the grader: " + fields[0]);
                }
            }
        }
    }

    /** Writes event lines to the channel, numbered, each with the grader's nonce. */
    private static final class Reporter {
        private final SocketChannel channel;
        private final String nonce;
        private long sequence;

        Reporter(SocketChannel channel, String nonce) {
            this.channel = channel;
            this.nonce = nonce;
        }

        synchronized void send(String kind, String... fields) {
            StringBuilder line = new StringBuilder(nonce).append('\t').append(sequence++).append('\t').append(kind);
            for (String field : fields) {
                line.append('\t').append(Wire.encode(field));
            }
            ByteBuffer bytes = ByteBuffer.wrap(line.append('\n').toString().getBytes(StandardCharsets.UTF_8));
            try {
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
            } catch (IOException e) {
                Runtime.getRuntime().halt(70); // the grader is gone: nothing this JVM does can count
            }
        }
    }

    /** Reports every test (and test class) as it starts and ends. */
    private static final class Collector implements TestExecutionListener {
        private final Reporter reporter;
        private final PrintStream errors;
        private TestPlan plan;

        Collector(Reporter reporter, PrintStream errors) {
            this.reporter = reporter;
            this.errors = errors;
        }

        @Override
        public void testPlanExecutionStarted(TestPlan testPlan) {
            this.plan = testPlan;
        }

        @Override
        public void executionStarted(TestIdentifier identifier) {
            if (!reported(identifier)) {
                return;
            }
            String name = identifier.isTest() ? path(identifier) : setUpName(identifier);
            errors.println(STDERR_MARKER + topLevelName(identifier) + " > " + name);
            errors.flush();
            reporter.send("started", identifier.getUniqueId(), topLevelName(identifier), name);
        }

        @Override
        public void executionSkipped(TestIdentifier identifier, String reason) {
            if (identifier.isTest()) {
                result(identifier, "SKIPPED", reason, null);
            } else {
                // a skipped container skips its tests: each is reported skipped with the container's reason
                plan.getDescendants(identifier).stream().filter(TestIdentifier::isTest)
                        .forEach(test -> result(test, "SKIPPED", reason, null));
            }
        }

        @Override
        public void executionFinished(TestIdentifier identifier, TestExecutionResult outcome) {
            String status = switch (outcome.getStatus()) {
                case SUCCESSFUL -> "PASSED";
                case ABORTED -> "SKIPPED";
                case FAILED -> "FAILED";
            };
            Throwable thrown = outcome.getThrowable().orElse(null);
            if (identifier.isTest()) {
                result(identifier, status, thrown == null ? null : Failures.describe(thrown), thrown);
            } else if (reported(identifier) && "FAILED".equals(status)) {
                // a class's set-up, or the arguments of a parameterized test, failed
                result(identifier, status, thrown == null ? null : Failures.describe(thrown), thrown);
            }
            if (reported(identifier)) {
                reporter.send("finished", identifier.getUniqueId());
            }
            if (thrown instanceof TimeoutException) {
                reporter.send("restart");
                Runtime.getRuntime().halt(0);
            }
        }

        private void result(TestIdentifier identifier, String status, String message, Throwable thrown) {
            String shown = message == null || message.length() <= MAX_MESSAGE_CHARS ? message
                    : message.substring(0, MAX_MESSAGE_CHARS)
                            + "\n    ... (" + (message.length() - MAX_MESSAGE_CHARS) + " more characters)";
            String name = identifier.isTest() ? path(identifier) : setUpName(identifier);
            reporter.send("result", identifier.getUniqueId(), topLevelName(identifier), name, status, shown == null ? "" : shown,
                    "FAILED".equals(status) ? frame(identifier, thrown) : "", Boolean.toString(thrown instanceof TimeoutException));
        }

        /** The first line of the test class (or a class nested in it) in the stack of what it threw: {@code class|file|line}. */
        private String frame(TestIdentifier identifier, Throwable thrown) {
            String testClass = topLevelClassName(identifier);
            for (Throwable cause = thrown; cause != null && testClass != null;
                    cause = cause.getCause() == cause ? null : cause.getCause()) {
                for (StackTraceElement frame : cause.getStackTrace()) {
                    String owner = frame.getClassName();
                    if ((owner.equals(testClass) || owner.startsWith(testClass + "$")) && frame.getLineNumber() > 0) {
                        return owner + "|" + frame.getFileName() + "|" + frame.getLineNumber();
                    }
                }
            }
            return "";
        }

        /** Tests, test classes, and the methods of parameterized and dynamic tests are reported as they start and finish. */
        private static boolean reported(TestIdentifier identifier) {
            return identifier.isTest() || isClass(identifier) || identifier.getSource().filter(MethodSource.class::isInstance).isPresent();
        }

        private static boolean isClass(TestIdentifier identifier) {
            return identifier.getSource().filter(ClassSource.class::isInstance).isPresent();
        }

        /** How a report names the set-up of a test class (its static initialiser, {@code @BeforeAll}). */
        private String setUpName(TestIdentifier identifier) {
            String path = path(identifier);
            return path.isEmpty() ? "(set-up of the class)" : path + " (set-up of the class)";
        }

        /** The display names from the top-level class down to the test, the class itself left out. */
        private String path(TestIdentifier identifier) {
            List<String> names = new ArrayList<>();
            for (TestIdentifier node = identifier; node != null; node = plan.getParent(node).orElse(null)) {
                Optional<TestSource> source = node.getSource();
                if (source.isPresent() && source.get() instanceof ClassSource type && !type.getClassName().contains("$")) {
                    break;
                }
                if (node.getParentId().isEmpty()) {
                    break;
                }
                names.add(node.getDisplayName());
            }
            Collections.reverse(names);
            return String.join(" > ", names);
        }

        private String topLevelClassName(TestIdentifier identifier) {
            for (TestIdentifier node = identifier; node != null; node = plan.getParent(node).orElse(null)) {
                Optional<TestSource> source = node.getSource();
                String name = null;
                if (source.isPresent() && source.get() instanceof MethodSource method) {
                    name = method.getClassName();
                } else if (source.isPresent() && source.get() instanceof ClassSource type) {
                    name = type.getClassName();
                }
                if (name != null) {
                    return name.contains("$") ? name.substring(0, name.indexOf('$')) : name;
                }
            }
            return null;
        }

        private String topLevelName(TestIdentifier identifier) {
            String name = topLevelClassName(identifier);
            return name == null ? identifier.getDisplayName() : name.substring(name.lastIndexOf('.') + 1);
        }
    }
}
