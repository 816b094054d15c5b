package mmapkit.device;

import static mmapkit.device.DeviceFixture.INT;
import static mmapkit.device.DeviceFixture.TIMEOUT;
import static mmapkit.device.DeviceFixture.raw32;
import static mmapkit.device.DeviceFixture.raw64;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import mmapkit.course.Task;
import mmapkit.device.fb.DeviceException;
import mmapkit.device.fb.FramebufferDriver;
import mmapkit.device.fb.Geometry;
import mmapkit.device.registers.RegisterTimeoutException;
import mmapkit.device.sim.DeviceLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.nio.file.NoSuchFileException;
import java.time.Duration;

@Task(id = "06.5", points = 10, title = "Bring-up: identify, reset, wait ready, with timeouts")
class BringUpTest {

    private final DeviceFixture fixture = new DeviceFixture();

    @AfterEach
    void cleanUp() throws Exception {
        fixture.close();
    }

    @Test
    void theDriverIdentifiesResetsAndEnablesTheDevice() throws Exception {
        FramebufferDriver driver = fixture.start();
        assertThat(driver.identify()).as("VERSION of the device: major 1, minor 0 (1 << 16)").isEqualTo(0x1_0000);
        Geometry geometry = driver.bringUp(true, TIMEOUT);
        assertThat(geometry).as("the default device: 320 x 200, stride 1280, 64 descriptors at 0x1000, pixels at"
                + " 0x2000").isEqualTo(new Geometry(320, 200, 1280, 0x2000, 0x1000, 64));
        assertThat(raw32(driver, DeviceLayout.REG_CONTROL)).as("after bring-up CONTROL = ENABLE | INTERRUPTS")
                .isEqualTo(DeviceLayout.CONTROL_ENABLE | DeviceLayout.CONTROL_INTERRUPTS);
        assertThat(raw32(driver, DeviceLayout.REG_STATUS) & DeviceLayout.STATUS_READY).as("STATUS.READY after the reset")
                .isEqualTo(DeviceLayout.STATUS_READY);
        assertThat(driver.geometry()).isEqualTo(geometry);
    }

    @Test
    void theGeometryComesFromTheRegistersNeverFromAssumptions() throws Exception {
        FramebufferDriver driver = fixture.start("width=64", "height=48", "ring=16");
        Geometry geometry = driver.bringUp(false, TIMEOUT);
        assertThat(geometry).as("a device started as 64 x 48 with 16 ring entries says so in WIDTH, HEIGHT, STRIDE,"
                + " RING_ENTRIES, FB_OFFSET and RING_OFFSET").isEqualTo(new Geometry(64, 48, 256, 0x2000, 0x1000, 16));
        assertThat(raw32(driver, DeviceLayout.REG_CONTROL)).as("bring-up without interrupts: CONTROL = ENABLE")
                .isEqualTo(DeviceLayout.CONTROL_ENABLE);
    }

    @Test
    void aResetBringsTheDeviceBackToAKnownState() throws Exception {
        FramebufferDriver driver = fixture.start();
        Geometry geometry = driver.bringUp(true, TIMEOUT);
        MemorySegment pixels = driver.bar().asSlice(geometry.fbOffset(), geometry.fbBytes());
        for (long offset = 0; offset < pixels.byteSize(); offset += 4) {
            pixels.set(INT, offset, 0x00FF00FF); // whatever a previous user left on the screen
        }
        driver.reset(TIMEOUT);
        assertThat(raw32(driver, DeviceLayout.REG_CONTROL)).as("after a reset the device is disabled and RESET is"
                + " clear (the device clears it when done)").isZero();
        assertThat(raw32(driver, DeviceLayout.REG_STATUS)).as("after a reset STATUS is READY and nothing else")
                .isEqualTo(DeviceLayout.STATUS_READY);
        assertThat(raw64(driver, DeviceLayout.REG_COMPLETED)).isZero();
        assertThat(raw32(driver, DeviceLayout.REG_IRQ_COUNT)).isZero();
        long lit = 0;
        for (long offset = 0; offset < pixels.byteSize(); offset += 4) {
            lit += pixels.get(INT, offset) != 0 ? 1 : 0;
        }
        assertThat(lit).as("after a reset the framebuffer is black").isZero();
        assertThatThrownBy(driver::ring, "after a reset the ring must be brought up again")
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void anotherDeviceIsRefusedWithWhatWasFound() throws Exception {
        FramebufferDriver wrongId = fixture.attach(fixture.fakeBar(bar -> bar.set(INT, DeviceLayout.REG_ID, 0xDEADBEEF)));
        assertThatThrownBy(wrongId::identify, "ID 0xDEADBEEF is not this driver's device")
                .isInstanceOf(DeviceException.class).hasMessageContaining("0xdeadbeef").hasMessageContaining("MKFB");
    }

    @Test
    void anUnsupportedMajorVersionIsRefusedAndANewerMinorAccepted() throws Exception {
        FramebufferDriver driver = fixture.attach(fixture.fakeBar(bar -> bar.set(INT, DeviceLayout.REG_VERSION, 2 << 16)));
        assertThatThrownBy(driver::identify, "VERSION 2.0: a new major version may change the register map")
                .isInstanceOf(DeviceException.class).hasMessageContaining("2.0").hasMessageContaining("major version 1");
        driver.bar().set(INT, DeviceLayout.REG_VERSION, 1 << 16 | 3);
        assertThat(driver.identify()).as("VERSION 1.3: minor versions only add, the driver accepts it")
                .isEqualTo(1 << 16 | 3);
    }

    @Test
    void aDeviceThatNeverFinishesItsResetMakesBringUpTimeOut() throws Exception {
        FramebufferDriver driver = fixture.attach(fixture.fakeBar(bar -> { })); // registers, but no device behind them
        Duration timeout = Duration.ofMillis(300);
        long start = System.nanoTime();
        assertThatThrownBy(() -> driver.reset(timeout), "nobody clears CONTROL.RESET")
                .isInstanceOf(RegisterTimeoutException.class).hasMessageContaining("CONTROL")
                .hasMessageContaining("RESET").hasMessageContaining("300 ms");
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(millis).as("the reset wait ends by its timeout: took %d ms", millis).isBetween(290L, 1_300L);
        assertThat(raw32(driver, DeviceLayout.REG_CONTROL) & DeviceLayout.CONTROL_RESET)
                .as("the driver asked for the reset by writing CONTROL.RESET").isEqualTo(DeviceLayout.CONTROL_RESET);
    }

    @Test
    void attachingWhereNoDeviceAppearsTimesOut() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> FramebufferDriver.attach(fixture.bar(), Duration.ofMillis(200)),
                "no device process created BAR0").isInstanceOf(NoSuchFileException.class);
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2_000);
    }
}
