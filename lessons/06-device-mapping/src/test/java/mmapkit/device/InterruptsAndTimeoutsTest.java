package mmapkit.device;

import static mmapkit.device.DeviceFixture.TIMEOUT;
import static mmapkit.device.DeviceFixture.raw32;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import mmapkit.course.Task;
import mmapkit.device.fb.Command;
import mmapkit.device.fb.CommandRing;
import mmapkit.device.fb.DeviceNotRespondingException;
import mmapkit.device.fb.FramebufferDriver;
import mmapkit.device.sim.DeviceLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;

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
                .isBetween(590L, 1_600L);
        assertThat(cpuMillis).as("the driver sleeps on IRQ_COUNT with futex: %d ms of CPU in a 600 ms wait", cpuMillis)
                .isLessThan(200);
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
