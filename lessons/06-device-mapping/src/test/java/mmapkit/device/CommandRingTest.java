package mmapkit.device;

import static mmapkit.device.DeviceFixture.INT;
import static mmapkit.device.DeviceFixture.LONG;
import static mmapkit.device.DeviceFixture.TIMEOUT;
import static mmapkit.device.DeviceFixture.raw32;
import static mmapkit.device.DeviceFixture.raw64;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import mmapkit.course.Task;
import mmapkit.device.fb.Command;
import mmapkit.device.fb.CommandFailedException;
import mmapkit.device.fb.CommandRing;
import mmapkit.device.fb.FramebufferDriver;
import mmapkit.device.registers.RegisterBlock;
import mmapkit.device.registers.RegisterTimeoutException;
import mmapkit.device.sim.DeviceLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.Optional;

@Task(id = "06.6", points = 15, title = "The command ring: descriptors, doorbell, in-order completion, full ring")
class CommandRingTest {

    private final DeviceFixture fixture = new DeviceFixture();

    @AfterEach
    void cleanUp() throws Exception {
        fixture.close();
    }

    @Test
    void aDescriptorIsFilledAsTheDataSheetSaysBeforeTheDoorbell() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment bar = arena.allocate(DeviceLayout.BAR_SIZE, DeviceLayout.REGISTER_BLOCK_SIZE);
            CommandRing ring = DeviceFixture.ringWithoutDevice(bar, 8);
            ring.submit(Command.nop(), TIMEOUT);
            long sequence = ring.submit(Command.fill(3, 4, 5, 6, 0x00ABCDEF), TIMEOUT);
            assertThat(sequence).as("the second command has sequence 1").isEqualTo(1);
            MemorySegment slot = bar.asSlice(0x1000 + 64, 64);
            assertThat(slot.get(INT, DeviceLayout.DESC_OPCODE)).as("opcode at 0x00: FILL").isEqualTo(DeviceLayout.OP_FILL);
            assertThat(slot.get(LONG, DeviceLayout.DESC_SEQUENCE)).as("sequence at 0x08").isEqualTo(1);
            assertThat(slot.get(INT, DeviceLayout.DESC_X)).as("x at 0x10").isEqualTo(3);
            assertThat(slot.get(INT, DeviceLayout.DESC_Y)).as("y at 0x14").isEqualTo(4);
            assertThat(slot.get(INT, DeviceLayout.DESC_WIDTH)).as("width at 0x18").isEqualTo(5);
            assertThat(slot.get(INT, DeviceLayout.DESC_HEIGHT)).as("height at 0x1C").isEqualTo(6);
            assertThat(slot.get(INT, DeviceLayout.DESC_COLOUR)).as("colour at 0x28").isEqualTo(0x00ABCDEF);
            assertThat(slot.get(INT, DeviceLayout.DESC_RESULT)).as("result at 0x2C: PENDING until the device writes it")
                    .isEqualTo(DeviceLayout.RESULT_PENDING);
            assertThat(bar.get(LONG, DeviceLayout.REG_DOORBELL)).as("DOORBELL holds the new tail: 2 commands submitted")
                    .isEqualTo(2);
            assertThat(ring.nextSequence()).isEqualTo(2);
        }
    }

    @Test
    void theDoorbellIsRungOnlyAfterTheWholeDescriptorIsWritten() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment bar = arena.allocate(DeviceLayout.BAR_SIZE, DeviceLayout.REGISTER_BLOCK_SIZE);
            MemorySegment slot = bar.asSlice(0x1000, 64);
            slot.fill((byte) 0x5A); // what a previous command left behind: every field must be written anew
            // registers the driver may read but not write: ringing the doorbell fails, and everything the
            // driver wrote to the descriptor before it stays as it was at that moment
            RegisterBlock readOnly = new RegisterBlock(bar.asSlice(0, DeviceLayout.REGISTER_BLOCK_SIZE).asReadOnly());
            CommandRing ring = new CommandRing(readOnly, bar.asSlice(0x1000, 4 * 64), 4, Optional.empty());
            // a command with every field set (the factories check nothing, the device would refuse it)
            Command command = new Command(DeviceLayout.OP_COPY, 3, 4, 5, 6, 7, 8, 0x00ABCDEF);
            Throwable doorbell = catchThrowable(() -> ring.submit(command, TIMEOUT));
            assertThat(doorbell).as("the register block is read-only here, so submit's DOORBELL write must fail")
                    .isNotNull();
            assertThat(doorbell.getMessage()).as("the failure is the refused register write (%s), not a stub or a"
                    + " missing feature", doorbell).doesNotContain("TODO");
            String when = " when the DOORBELL write failed: the device may take the descriptor the moment DOORBELL"
                    + " moves, so every field must be written before it (the doorbell's release store publishes them)";
            assertThat(slot.get(INT, DeviceLayout.DESC_OPCODE)).as("opcode COPY (%d) at 0x00" + when, DeviceLayout.OP_COPY)
                    .isEqualTo(DeviceLayout.OP_COPY);
            assertThat(slot.get(LONG, DeviceLayout.DESC_SEQUENCE)).as("sequence 0 at 0x08" + when).isZero();
            assertThat(slot.get(INT, DeviceLayout.DESC_X)).as("x 3 at 0x10" + when).isEqualTo(3);
            assertThat(slot.get(INT, DeviceLayout.DESC_Y)).as("y 4 at 0x14" + when).isEqualTo(4);
            assertThat(slot.get(INT, DeviceLayout.DESC_WIDTH)).as("width 5 at 0x18" + when).isEqualTo(5);
            assertThat(slot.get(INT, DeviceLayout.DESC_HEIGHT)).as("height 6 at 0x1C" + when).isEqualTo(6);
            assertThat(slot.get(INT, DeviceLayout.DESC_SRC_X)).as("srcX 7 at 0x20" + when).isEqualTo(7);
            assertThat(slot.get(INT, DeviceLayout.DESC_SRC_Y)).as("srcY 8 at 0x24" + when).isEqualTo(8);
            assertThat(slot.get(INT, DeviceLayout.DESC_COLOUR)).as("colour 0x00abcdef at 0x28" + when + ", found %s",
                    String.format("0x%08x", slot.get(INT, DeviceLayout.DESC_COLOUR))).isEqualTo(0x00ABCDEF);
            assertThat(slot.get(INT, DeviceLayout.DESC_RESULT)).as("result PENDING (0) at 0x2C" + when + "; a stale"
                    + " result would read as already completed, found %s",
                    String.format("0x%08x", slot.get(INT, DeviceLayout.DESC_RESULT))).isEqualTo(DeviceLayout.RESULT_PENDING);
        }
    }

    @Test
    void waitingForACommandWhoseSlotWasReusedIsRefused() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment bar = arena.allocate(DeviceLayout.BAR_SIZE, DeviceLayout.REGISTER_BLOCK_SIZE);
            CommandRing ring = DeviceFixture.ringWithoutDevice(bar, 4);
            for (int i = 0; i < 4; i++) {
                ring.submit(Command.nop(), TIMEOUT);
            }
            for (int slot = 0; slot < 4; slot++) { // the "device" completes all four
                bar.set(INT, 0x1000 + slot * 64 + DeviceLayout.DESC_RESULT, DeviceLayout.RESULT_DONE);
            }
            bar.set(LONG, DeviceLayout.REG_RING_HEAD, 4);
            bar.set(LONG, DeviceLayout.REG_COMPLETED, 4);
            assertThat(ring.submit(Command.fill(0, 0, 1, 1, 1), TIMEOUT)).as("command 4 goes into slot 4 mod 4 = 0")
                    .isEqualTo(4);
            assertThatThrownBy(() -> ring.awaitCompletion(0, TIMEOUT), "slot 0 now holds command 4 (still PENDING):"
                    + " its result says nothing about command 0, so waiting for command 0 must be refused, not answered"
                    + " from the new command's descriptor")
                    .isInstanceOf(IllegalStateException.class);
            ring.awaitCompletion(1, TIMEOUT); // slot 1 still holds command 1, DONE
        }
    }

    @Test
    void aFullRingWaitsBoundedAndSubmitsNothingWhenTheDeviceTakesNone() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment bar = arena.allocate(DeviceLayout.BAR_SIZE, DeviceLayout.REGISTER_BLOCK_SIZE);
            CommandRing ring = DeviceFixture.ringWithoutDevice(bar, 4);
            for (int i = 0; i < 4; i++) {
                assertThat(ring.submit(Command.nop(), TIMEOUT)).isEqualTo(i);
            }
            long start = System.nanoTime();
            assertThatThrownBy(() -> ring.submit(Command.fill(0, 0, 1, 1, 1), Duration.ofMillis(200)),
                    "4 of 4 slots in flight and RING_HEAD stays 0: the fifth command must wait, bounded")
                    .isInstanceOf(RegisterTimeoutException.class).hasMessageContaining("RING_HEAD")
                    .hasMessageContaining("200 ms");
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(millis).as("waited its timeout, 200 ms: took %d", millis).isBetween(190L, 1_200L);
            assertThat(ring.nextSequence()).as("nothing submitted").isEqualTo(4);
            assertThat(bar.get(LONG, DeviceLayout.REG_DOORBELL)).as("the doorbell did not move").isEqualTo(4);
            assertThat(bar.get(INT, 0x1000 + DeviceLayout.DESC_OPCODE)).as("slot 0 still holds command 0, a NOP")
                    .isEqualTo(DeviceLayout.OP_NOP);
            bar.set(LONG, DeviceLayout.REG_RING_HEAD, 1); // the "device" takes one
            assertThat(ring.submit(Command.fill(0, 0, 1, 1, 1), TIMEOUT)).as("room for one more").isEqualTo(4);
            assertThat(bar.get(INT, 0x1000 + DeviceLayout.DESC_OPCODE)).as("command 4 went into slot 4 % 4 = 0")
                    .isEqualTo(DeviceLayout.OP_FILL);
        }
    }

    @Test
    void theDeviceCompletesCommandsInOrder() throws Exception {
        FramebufferDriver driver = fixture.start();
        driver.bringUp(false, TIMEOUT);
        CommandRing ring = driver.ring();
        long last = -1;
        for (int i = 0; i < 10; i++) {
            long sequence = ring.submit(Command.fill(5, 5, 1, 1, 0x010101 * (i + 1)), TIMEOUT);
            assertThat(sequence).as("sequence numbers count up from 0 after bring-up").isEqualTo(i);
            last = sequence;
        }
        ring.awaitCompletion(last, TIMEOUT);
        assertThat(raw64(driver, DeviceLayout.REG_COMPLETED)).as("COMPLETED counts every command").isEqualTo(10);
        assertThat(raw64(driver, DeviceLayout.REG_RING_HEAD)).isEqualTo(10);
        for (int slot = 0; slot < 10; slot++) {
            assertThat(ring.descriptor(slot).get(INT, DeviceLayout.DESC_RESULT)).as("descriptor %d: DONE", slot)
                    .isEqualTo(DeviceLayout.RESULT_DONE);
        }
        assertThat(driver.bar().get(INT, driver.geometry().fbOffset() + 5 * 1280 + 5 * 4)).as("ten FILLs of pixel"
                + " (5, 5), executed in order: the last colour wins").isEqualTo(0x0A0A0A);
        assertThat(raw32(driver, DeviceLayout.REG_STATUS) & DeviceLayout.STATUS_COMMAND_DONE)
                .as("STATUS.COMMAND_DONE set by the device").isEqualTo(DeviceLayout.STATUS_COMMAND_DONE);
    }

    @Test
    void moreCommandsThanSlotsGoThroughAsTheDeviceFreesThem() throws Exception {
        FramebufferDriver driver = fixture.start("ring=8");
        driver.bringUp(false, TIMEOUT);
        CommandRing ring = driver.ring();
        long last = -1;
        for (int i = 0; i < 300; i++) {
            last = ring.submit(i % 2 == 0 ? Command.nop() : Command.fill(0, 0, 4, 4, i), TIMEOUT);
        }
        ring.awaitCompletion(last, TIMEOUT);
        assertThat(raw64(driver, DeviceLayout.REG_COMPLETED)).as("300 commands through a ring of 8: submit waits for"
                + " room whenever 8 are in flight").isEqualTo(300);
    }

    @Test
    void aBadCommandFailsClearlyAndTheRingGoesOn() throws Exception {
        FramebufferDriver driver = fixture.start();
        driver.bringUp(false, TIMEOUT);
        CommandRing ring = driver.ring();
        long bad = ring.submit(Command.fill(300, 190, 40, 20, 0xFF0000), TIMEOUT);
        assertThatThrownBy(() -> ring.awaitCompletion(bad, TIMEOUT), "a 40 x 20 rectangle at (300, 190) does not fit"
                + " in 320 x 200: the device completes it with ERROR")
                .isInstanceOf(CommandFailedException.class).hasMessageContaining("command 0")
                .hasMessageContaining("OUT_OF_BOUNDS").hasMessageContaining("FILL");
        assertThat(raw32(driver, DeviceLayout.REG_ERROR_CODE)).as("ERROR_CODE says why")
                .isEqualTo(DeviceLayout.ERR_OUT_OF_BOUNDS);
        assertThat(raw32(driver, DeviceLayout.REG_STATUS) & DeviceLayout.STATUS_ERROR).as("the driver acknowledged"
                + " STATUS.ERROR by writing one to it").isZero();
        long status = raw32(driver, DeviceLayout.REG_STATUS);
        assertThat(status & DeviceLayout.STATUS_COMMAND_DONE).as("STATUS is %s after the acknowledgement: the device"
                + " set COMMAND_DONE (0x%08x) too when it completed the bad command, and the driver acknowledged only"
                + " ERROR (0x%08x); writing one to ERROR alone must leave COMMAND_DONE pending (writing back what STATUS"
                + " read clears every pending bit)", String.format("0x%08x", status), DeviceLayout.STATUS_COMMAND_DONE,
                DeviceLayout.STATUS_ERROR).isEqualTo(DeviceLayout.STATUS_COMMAND_DONE);
        long unknown = ring.submit(new Command(9, 0, 0, 0, 0, 0, 0, 0), TIMEOUT);
        assertThatThrownBy(() -> ring.awaitCompletion(unknown, TIMEOUT), "opcode 9 does not exist")
                .isInstanceOf(CommandFailedException.class).hasMessageContaining("UNKNOWN_OPCODE");
        long fine = ring.submit(Command.nop(), TIMEOUT);
        ring.awaitCompletion(fine, TIMEOUT);
        assertThat(fine).as("after two failed commands the ring goes on").isEqualTo(2);
        assertThatThrownBy(() -> ring.awaitCompletion(7, TIMEOUT), "command 7 was never submitted")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sequence 7");
    }

    @Test
    void waitingForACommandTheDeviceNeverCompletesTimesOut() throws Exception {
        FramebufferDriver driver = fixture.start("freeze-after=0");
        driver.bringUp(false, TIMEOUT);
        long sequence = driver.ring().submit(Command.nop(), TIMEOUT);
        long start = System.nanoTime();
        assertThatThrownBy(() -> driver.ring().awaitCompletion(sequence, Duration.ofMillis(300)),
                "the device froze before its first command").isInstanceOf(RegisterTimeoutException.class)
                .hasMessageContaining("COMPLETED").hasMessageContaining("300 ms");
        assertThat((System.nanoTime() - start) / 1_000_000).isBetween(290L, 1_300L);
    }
}
