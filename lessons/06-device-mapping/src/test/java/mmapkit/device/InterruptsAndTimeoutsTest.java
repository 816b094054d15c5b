package mmapkit.device;

import static mmapkit.device.DeviceFixture.TIMEOUT;
import static mmapkit.device.DeviceFixture.raw32;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import mmapkit.course.Task;
import mmapkit.course.TimeBudget;
import mmapkit.device.fb.Command;
import mmapkit.device.fb.CommandRing;
import mmapkit.device.fb.DeviceNotRespondingException;
import mmapkit.device.fb.FramebufferDriver;
import mmapkit.device.sim.DeviceLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

@Task(id = "06.7", points = 10, title = "Interrupts and a device that stops answering")
class InterruptsAndTimeoutsTest {

    private final DeviceFixture fixture = new DeviceFixture();

    @AfterEach
    void cleanUp() throws Exception {
        fixture.close();
    }

    @Test
    void anInterruptWakesTheSleepingDriver() throws Exception {
        FramebufferDriver driver = fixture.start();
        driver.bringUp(true, TIMEOUT);
        CommandRing ring = driver.ring();
        long seen = raw32(driver, DeviceLayout.REG_IRQ_COUNT);
        ring.submit(Command.nop(), TIMEOUT);
        long now = ring.awaitInterrupt(seen, TIMEOUT);
        assertThat(now).as("one completed command raises one interrupt: IRQ_COUNT goes from %d on", seen)
                .isGreaterThan(seen);
        for (int i = 0; i < 50; i++) {
            long sequence = ring.submit(Command.fill(i, i, 2, 2, 0x00FF00), TIMEOUT);
            ring.awaitCompletionByInterrupt(sequence, TIMEOUT);
        }
        assertThat(raw32(driver, DeviceLayout.REG_IRQ_COUNT)).as("51 commands, 51 interrupts").isEqualTo(51);
    }

    @Test
    void withInterruptsOffASleepIsRefused() throws Exception {
        FramebufferDriver driver = fixture.start();
        driver.bringUp(false, TIMEOUT);
        assertThatThrownBy(() -> driver.ring().awaitInterrupt(0, Duration.ofMillis(100)),
                "CONTROL.INTERRUPTS is off: nothing would ever wake the driver")
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("INTERRUPTS");
    }

    @Test
    void withInterruptsOffWaitingForACompletionByInterruptIsRefused() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment bar = arena.allocate(DeviceLayout.BAR_SIZE, DeviceLayout.REGISTER_BLOCK_SIZE);
            bar.set(DeviceFixture.INT, DeviceLayout.REG_CONTROL, DeviceLayout.CONTROL_ENABLE); // no INTERRUPTS
            CommandRing ring = DeviceFixture.ringWithoutDevice(bar, 4);
            long done = ring.submit(Command.nop(), TIMEOUT);
            bar.set(DeviceFixture.INT, 0x1000 + DeviceLayout.DESC_RESULT, DeviceLayout.RESULT_DONE); // the "device"
            bar.set(DeviceFixture.LONG, DeviceLayout.REG_RING_HEAD, 1);
            bar.set(DeviceFixture.LONG, DeviceLayout.REG_COMPLETED, 1);
            String control = String.format("0x%08x", bar.get(DeviceFixture.INT, DeviceLayout.REG_CONTROL));
            assertThatThrownBy(() -> ring.awaitCompletionByInterrupt(done, TIMEOUT), "CONTROL is %s, INTERRUPTS (0x%08x)"
                    + " is off: awaitCompletionByInterrupt refuses at once, before it looks at COMPLETED, even for a"
                    + " command that is complete (a driver that calls it with interrupts off has a bug)", control,
                    DeviceLayout.CONTROL_INTERRUPTS)
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("INTERRUPTS");
            long pending = ring.submit(Command.nop(), TIMEOUT);
            long start = System.nanoTime();
            assertThatThrownBy(() -> ring.awaitCompletionByInterrupt(pending, Duration.ofSeconds(2)), "CONTROL is %s:"
                    + " no interrupt will ever come for command %d", control, pending)
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("INTERRUPTS");
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(millis).as("refused at once, not after the 2 s timeout: took %d ms", millis).isLessThan(1_000);
        }
    }

    @Test
    void anInterruptThatNeverComesEndsByItsTimeoutAsleep() throws Exception {
        FramebufferDriver driver = fixture.start();
        driver.bringUp(true, TIMEOUT);
        CommandRing ring = driver.ring();
        for (int i = 0; i < 3; i++) {
            ring.awaitCompletionByInterrupt(ring.submit(Command.nop(), TIMEOUT), TIMEOUT);
        }
        long seen = raw32(driver, DeviceLayout.REG_IRQ_COUNT);
        assertThat(seen).as("three commands, three interrupts").isEqualTo(3);
        Duration timeout = Duration.ofMillis(600); // the device is idle: it raises no interrupt
        Waited waited = inAnotherThread(() -> ring.awaitInterrupt(seen, timeout), TimeBudget.scaled(Duration.ofSeconds(4)),
                "awaitInterrupt(3, 600 ms) on an idle device");
        assertThat(waited.thrown()).as("an idle device raises no interrupt: awaitInterrupt(3, 600 ms) must end with"
                + " DeviceNotRespondingException, it returned %s", waited.value())
                .isInstanceOf(DeviceNotRespondingException.class);
        DeviceNotRespondingException e = (DeviceNotRespondingException) waited.thrown();
        assertThat(e.getMessage()).as("the message names the register, its value (3), the timeout, and that the device"
                + " lives").contains("IRQ_COUNT", "3", "600 ms", "alive");
        assertThat(e.deviceGone()).as("the device process is alive, only silent").isFalse();
        assertThat(waited.millis()).as("ends at its timeout of 600 ms, plus a small margin: took %d ms", waited.millis())
                .isBetween(590L, 600L + TimeBudget.scaledMillis(1_000));
        assertThat(waited.cpuMillis()).as("the driver sleeps on IRQ_COUNT with futex: %d ms of CPU in a 600 ms wait",
                waited.cpuMillis()).isLessThan(TimeBudget.scaledMillis(200));
        assertThat(waited.millis() - waited.cpuMillis()).as("of the %d ms the wait took, the driver spent %d ms on the CPU:"
                + " it must sleep (futex) for most of its 600 ms timeout, not spin", waited.millis(), waited.cpuMillis())
                .isGreaterThanOrEqualTo(400);
    }

    @Test
    void aKilledDeviceEndsTheWaitForAnInterruptAtOnce() throws Exception {
        FramebufferDriver driver = fixture.start();
        driver.bringUp(true, TIMEOUT);
        CommandRing ring = driver.ring();
        ring.awaitCompletionByInterrupt(ring.submit(Command.nop(), TIMEOUT), TIMEOUT);
        long seen = raw32(driver, DeviceLayout.REG_IRQ_COUNT);
        long pid = fixture.child().pid();
        fixture.child().kill(); // SIGKILL: the device is gone, its memory stays mapped here
        Waited waited = inAnotherThread(() -> ring.awaitInterrupt(seen, Duration.ofSeconds(10)), TimeBudget.scaled(Duration.ofSeconds(3)),
                "awaitInterrupt(" + seen + ", 10 s) with the device killed");
        assertThat(waited.thrown()).as("the device process %d was killed: no interrupt will ever come, awaitInterrupt"
                + " must end with DeviceNotRespondingException; it returned %s", pid, waited.value())
                .isInstanceOf(DeviceNotRespondingException.class);
        DeviceNotRespondingException e = (DeviceNotRespondingException) waited.thrown();
        assertThat(e.getMessage()).as("the message says the device is gone and names its process")
                .contains("gone", String.valueOf(pid));
        assertThat(e.deviceGone()).as("deviceGone(): the process no longer exists").isTrue();
        assertThat(waited.millis()).as("a dead device is told from a slow one within a sleep slice (50 ms), long before"
                + " the 10 s timeout: took %d ms", waited.millis()).isLessThan(1_000);
    }

    /** What a wait run in another thread did: its value or exception, its wall-clock and CPU time. */
    private record Waited(Object value, Throwable thrown, long millis, long cpuMillis) {
    }

    /**
     * Runs {@code wait} in a thread of its own and gives it {@code bound}: a wait that never ends (a spin
     * without timeout) fails the test instead of hanging it.
     */
    private static Waited inAnotherThread(Callable<?> wait, Duration bound, String what) throws InterruptedException {
        AtomicReference<Waited> result = new AtomicReference<>();
        Thread waiter = Thread.ofPlatform().daemon().name("driver-wait").start(() -> {
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long cpuBefore = threads.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            Object value = null;
            Throwable thrown = null;
            try {
                value = wait.call();
            } catch (Throwable t) {
                thrown = t;
            }
            result.set(new Waited(value, thrown, (System.nanoTime() - start) / 1_000_000,
                    (threads.getCurrentThreadCpuTime() - cpuBefore) / 1_000_000));
        });
        waiter.join(bound.toMillis());
        assertThat(result.get()).as("%s did not return within %d ms: every wait of the driver is bounded by its"
                + " timeout and ends at once when the device is gone", what, bound.toMillis()).isNotNull();
        return result.get();
    }

    @Test
    void aFrozenDeviceMakesTheDriverTimeOutAsleepNotSpinning() throws Exception {
        FramebufferDriver driver = fixture.start("freeze-after=2");
        driver.bringUp(true, TIMEOUT);
        CommandRing ring = driver.ring();
        ring.awaitCompletionByInterrupt(ring.submit(Command.nop(), TIMEOUT), TIMEOUT);
        ring.awaitCompletionByInterrupt(ring.submit(Command.nop(), TIMEOUT), TIMEOUT);
        long third = ring.submit(Command.nop(), TIMEOUT);
        Duration timeout = Duration.ofMillis(600);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpuBefore = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        DeviceNotRespondingException thrown = null;
        try {
            ring.awaitCompletionByInterrupt(third, timeout);
        } catch (DeviceNotRespondingException e) {
            thrown = e;
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        long cpuMillis = (threads.getCurrentThreadCpuTime() - cpuBefore) / 1_000_000;
        assertThat(thrown).as("the device froze after 2 commands: waiting for command 2 must end with"
                + " DeviceNotRespondingException").isNotNull();
        assertThat(thrown.getMessage()).as("the message says what was awaited, what was seen, the timeout, and that"
                + " the device lives").contains("command 2", "COMPLETED", "600 ms", "alive");
        assertThat(thrown.deviceGone()).as("the device process is alive, only silent").isFalse();
        assertThat(millis).as("ends at its timeout of 600 ms, plus a small margin: took %d ms", millis)
                .isBetween(590L, 600L + TimeBudget.scaledMillis(1_000));
        assertThat(cpuMillis).as("the driver sleeps on IRQ_COUNT with futex: %d ms of CPU in a 600 ms wait", cpuMillis)
                .isLessThan(TimeBudget.scaledMillis(200));
        assertThat(millis - cpuMillis).as("of the %d ms the wait took, the driver spent %d ms on the CPU: it must sleep"
                + " (futex) for most of its 600 ms timeout, not spin", millis, cpuMillis)
                .isGreaterThanOrEqualTo(400);
    }

    @Test
    void aKilledDeviceIsReportedGoneAtOnce() throws Exception {
        FramebufferDriver driver = fixture.start();
        driver.bringUp(true, TIMEOUT);
        CommandRing ring = driver.ring();
        ring.awaitCompletionByInterrupt(ring.submit(Command.nop(), TIMEOUT), TIMEOUT);
        long pid = fixture.child().pid();
        fixture.child().kill(); // SIGKILL: the device is gone, its memory stays mapped here
        long sequence = ring.submit(Command.nop(), TIMEOUT);
        Duration timeout = Duration.ofSeconds(10);
        long start = System.nanoTime();
        assertThatThrownBy(() -> ring.awaitCompletionByInterrupt(sequence, timeout),
                "the device process was killed: its command will never complete")
                .isInstanceOf(DeviceNotRespondingException.class)
                .hasMessageContaining("gone").hasMessageContaining(String.valueOf(pid))
                .satisfies(e -> assertThat(((DeviceNotRespondingException) e).deviceGone()).isTrue());
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(millis).as("a dead device is told from a slow one within a sleep slice (50 ms), long before the"
                + " 10 s timeout: took %d ms", millis).isLessThan(1_000);
    }
}
