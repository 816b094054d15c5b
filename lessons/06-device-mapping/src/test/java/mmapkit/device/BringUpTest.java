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
    void aGeometryThatDoesNotFitInBarZeroIsRefused() throws Exception {
        FramebufferDriver driver = fixture.attach(fixture.fakeBar(bar -> { })); // registers, but no device behind them
        assertThat(driver.readGeometry()).as("the fake BAR0's registers: a default device of 320 x 200")
                .isEqualTo(new Geometry(320, 200, 1280, 0x2000, 0x1000, 64));
        long bar = DeviceLayout.BAR_SIZE;
        refused(driver, DeviceLayout.REG_FB_OFFSET, 0x800, "a framebuffer at FB_OFFSET 0x800 overlaps the register"
                + " block (0x0..0x1000): pixel stores would land on registers");
        refused(driver, DeviceLayout.REG_FB_OFFSET, 0x50000, String.format("a framebuffer of 200 x 1280 bytes (0x%x) at"
                + " FB_OFFSET 0x50000 ends at 0x%x, past the end of BAR0 (0x%x)", 200 * 1280, 0x50000 + 200 * 1280, bar));
        refused(driver, DeviceLayout.REG_HEIGHT, 500, String.format("HEIGHT 500 rows of STRIDE 1280 (0x%x bytes) at"
                + " 0x2000 end at 0x%x, past the end of BAR0 (0x%x)", 500 * 1280, 0x2000 + 500 * 1280, bar));
        refused(driver, DeviceLayout.REG_STRIDE, 1276, "STRIDE 1276 is shorter than a row of 320 pixels of 4 bytes"
                + " (1280): rows would overlap");
        refused(driver, DeviceLayout.REG_RING_OFFSET, 0, "a command ring at RING_OFFSET 0x0 overlaps the register"
                + " block: descriptors would land on ID, CONTROL, DOORBELL");
        refused(driver, DeviceLayout.REG_RING_OFFSET, 0x7F800, String.format("a ring of 64 descriptors of 64 bytes"
                + " (0x1000) at RING_OFFSET 0x7f800 ends at 0x%x, past the end of BAR0 (0x%x)", 0x7F800 + 0x1000, bar));
        refused(driver, DeviceLayout.REG_RING_ENTRIES, 0x10000, String.format("RING_ENTRIES 65536 descriptors of 64"
                + " bytes (0x%x) at 0x1000 do not fit in BAR0 (0x%x)", 0x10000 * 64, bar));
        assertThat(driver.readGeometry()).as("with the registers restored the geometry is accepted again")
                .isEqualTo(new Geometry(320, 200, 1280, 0x2000, 0x1000, 64));
    }

    /**
     * Writes {@code value} into the read-only register at {@code offset} (as the device would), expects readGeometry to
     * refuse, restores it.
     */
    private static void refused(FramebufferDriver driver, int offset, int value, String why) {
        int before = driver.bar().get(INT, offset);
        driver.bar().set(INT, offset, value);
        try {
            assertThatThrownBy(driver::readGeometry, "%s; readGeometry must refuse it with a DeviceException (found"
                    + " 0x%08x at register offset 0x%03x)", why, value, offset)
                    .isInstanceOf(DeviceException.class);
        } finally {
            driver.bar().set(INT, offset, before);
        }
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
