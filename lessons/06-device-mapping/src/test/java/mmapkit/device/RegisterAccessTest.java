package mmapkit.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import mmapkit.course.Task;
import mmapkit.course.TimeBudget;
import mmapkit.device.registers.Access;
import mmapkit.device.registers.Register;
import mmapkit.device.registers.RegisterBlock;
import mmapkit.device.registers.RegisterTimeoutException;
import mmapkit.device.sim.DeviceLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

@Task(id = "06.4", points = 15, title = "Register access: widths, access modes, ordering, bounded polls")
class RegisterAccessTest {

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN);

    private static final Register ID = new Register("ID", 0x000, 32, Access.RO);
    private static final Register CONTROL = new Register("CONTROL", 0x020, 32, Access.RW);
    private static final Register STATUS = new Register("STATUS", 0x024, 32, Access.W1C, 0x1);
    private static final Register DOORBELL = new Register("DOORBELL", 0x030, 64, Access.WO);
    private static final Register COUNTER = new Register("COUNTER", 0x040, 64, Access.RO);
    private static final Register DATA64 = new Register("DATA64", 0x048, 64, Access.RW);
    private static final Register EVENTS64 = new Register("EVENTS64", 0x050, 64, Access.W1C);

    private final Arena arena = Arena.ofShared();
    private final MemorySegment memory = arena.allocate(DeviceLayout.REGISTER_BLOCK_SIZE, DeviceLayout.REGISTER_BLOCK_SIZE);
    private final RegisterBlock block = new RegisterBlock(memory);

    @AfterEach
    void cleanUp() {
        arena.close();
    }

    @Nested
    class Descriptions {

        @Test
        void aRegisterIsThirtyTwoOrSixtyFourBitsWide() {
            assertThatThrownBy(() -> new Register("HALF", 0x10, 16, Access.RW),
                    "a 16-bit register: this device has only 32- and 64-bit ones")
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("width 16");
            assertThatThrownBy(() -> new Register("ODD", 0x10, 48, Access.RW), "48 bits is no access size")
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("48");
            assertThat(new Register("OK", 0x10, 64, Access.RW).bytes()).isEqualTo(8);
        }

        @Test
        void anOffsetMustBeAlignedToTheWidth() {
            assertThatThrownBy(() -> new Register("X", 6, 32, Access.RW),
                    "offset 6 is not a multiple of 4: a misaligned access is another access (or a bus error)")
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("offset 6");
            assertThatThrownBy(() -> new Register("Y", 0x34, 64, Access.RO), "a 64-bit register at 0x34 (52) is not 8-byte aligned")
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("offset 52");
            assertThatThrownBy(() -> new Register("Z", -4, 32, Access.RO), "a negative offset")
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("offset -4");
            assertThat(new Register("OK", 0x38, 64, Access.RO).offset()).isEqualTo(0x38);
        }

        @Test
        void aNameIsNeeded() {
            assertThatThrownBy(() -> new Register(" ", 0, 32, Access.RW), "a blank name")
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name");
        }
    }

    @Nested
    class Widths {

        @Test
        void aThirtyTwoBitReadIsUnsignedAndTouchesOnlyItsFourBytes() {
            memory.set(INT, 0x020, 0xFFFF_FFFE);
            memory.set(INT, 0x024, 0x1234_5678);
            assertThat(block.read(CONTROL)).as("0xFFFFFFFE read as a 32-bit register is 4294967294, not -2 and not"
                    + " mixed with the next register").isEqualTo(0xFFFF_FFFEL);
        }

        @Test
        void aThirtyTwoBitWriteChangesExactlyFourBytesLittleEndian() {
            memory.set(INT, 0x01C, 0x1111_1111);
            memory.set(INT, 0x024, 0x2222_2222);
            block.write(CONTROL, 0xA1B2_C3D4L);
            assertThat(memory.get(ValueLayout.JAVA_BYTE, 0x020)).as("little-endian: the low byte first").isEqualTo((byte) 0xD4);
            assertThat(memory.get(INT, 0x020)).isEqualTo(0xA1B2_C3D4);
            assertThat(memory.get(INT, 0x01C)).as("the register before is untouched").isEqualTo(0x1111_1111);
            assertThat(memory.get(INT, 0x024)).as("the register after is untouched").isEqualTo(0x2222_2222);
            assertThat(block.read(CONTROL)).isEqualTo(0xA1B2_C3D4L);
        }

        @Test
        void aSixtyFourBitRegisterIsReadAndWrittenWhole() {
            block.write(DATA64, 0x0102_0304_0506_0708L);
            assertThat(memory.get(LONG, 0x048)).isEqualTo(0x0102_0304_0506_0708L);
            memory.set(LONG, 0x040, 0x7FFF_FFFF_FFFF_FFF0L);
            assertThat(block.read(COUNTER)).as("all 64 bits").isEqualTo(0x7FFF_FFFF_FFFF_FFF0L);
        }

        @Test
        void aValueWiderThanTheRegisterIsRefused() {
            memory.set(INT, 0x020, 7);
            assertThatThrownBy(() -> block.write(CONTROL, 0x1_0000_0000L),
                    "bit 32 does not exist in a 32-bit register: silently dropping it would hide a bug")
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0x100000000")
                    .hasMessageContaining("CONTROL");
            assertThat(memory.get(INT, 0x020)).as("a refused write writes nothing").isEqualTo(7);
        }

        @Test
        void aRegisterOutsideTheBlockIsRefused() {
            Register far = new Register("FAR", 2 * DeviceLayout.REGISTER_BLOCK_SIZE, 32, Access.RW);
            assertThatThrownBy(() -> block.read(far), "offset %d in a block of %d bytes",
                    2 * DeviceLayout.REGISTER_BLOCK_SIZE, DeviceLayout.REGISTER_BLOCK_SIZE)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("FAR");
        }
    }

    @Nested
    class AccessModes {

        @Test
        void aReadOnlyRegisterCannotBeWritten() {
            memory.set(INT, 0x000, 0x4D4B_4642);
            assertThatThrownBy(() -> block.write(ID, 1), "ID is read-only: only the device changes it")
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ID (0x000)")
                    .hasMessageContaining("read-only");
            assertThat(memory.get(INT, 0x000)).as("and nothing was written").isEqualTo(0x4D4B_4642);
            assertThat(block.read(ID)).isEqualTo(0x4D4B_4642L);
        }

        @Test
        void aWriteOnlyRegisterCannotBeRead() {
            block.write(DOORBELL, 5);
            assertThat(memory.get(LONG, 0x030)).as("a doorbell write lands").isEqualTo(5);
            assertThatThrownBy(() -> block.read(DOORBELL), "DOORBELL is write-only: on hardware it reads as garbage")
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("DOORBELL (0x030)")
                    .hasMessageContaining("write-only");
        }

        @Test
        void writingOneClearsExactlyThoseBitsAndZeroChangesNothing() {
            memory.set(INT, 0x024, 0b1110);
            block.write(STATUS, 0b0100);
            assertThat(memory.get(INT, 0x024)).as("STATUS 0b1110, write 0b0100: only bit 2 is cleared").isEqualTo(0b1010);
            block.write(STATUS, 0);
            assertThat(memory.get(INT, 0x024)).as("writing 0 to a W1C register changes nothing").isEqualTo(0b1010);
            block.write(STATUS, 0b1010);
            assertThat(memory.get(INT, 0x024)).as("writing ones clears them").isZero();
            memory.set(LONG, 0x050, -1L);
            block.write(EVENTS64, 0x8000_0000_0000_0001L);
            assertThat(memory.get(LONG, 0x050)).as("64-bit W1C: bits 63 and 0 cleared")
                    .isEqualTo(0x7FFF_FFFF_FFFF_FFFEL);
        }

        @Test
        void aBitTheDeviceSetsMeanwhileIsNotLost() throws Exception {
            memory.set(INT, 0x024, 0b0010);
            MemorySegment word = memory.asSlice(0x024, 4);
            int rounds = 20_000;
            Thread device = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < rounds; i++) { // the "device" raises bit 3, atomically
                    int old;
                    do {
                        old = word.get(ValueLayout.JAVA_INT, 0);
                    } while (!ValueLayout.JAVA_INT.varHandle().compareAndSet(word, 0L, old, old | 0b1000));
                }
            });
            try {
                for (int i = 0; i < rounds; i++) {
                    block.write(STATUS, 0b0010); // the driver acknowledges bit 1 only
                }
            } finally {
                device.join(10_000); // before the memory goes, whatever happened
            }
            assertThat(memory.get(INT, 0x024) & 0b1000).as("bit 3, set by the device while the driver cleared bit 1,"
                    + " must survive: a W1C write is one atomic and-not, not read, clear, write back").isEqualTo(0b1000);
        }

        @Test
        void noBitTheDeviceSetsIsLostWhileTheDriverClearsAnotherOne() throws Exception {
            lostBitsWhileClearing(STATUS, 0x024, 0b0010, 0b1000);
            lostBitsWhileClearing(EVENTS64, 0x050, 0x1L, 0x8000_0000_0000_0000L);
        }

        /**
         * A "device" thread raises {@code deviceBit} (and {@code driverBit}) with atomic ORs, again and
         * again, and checks right after each raise that {@code deviceBit} stays set, while this thread,
         * the driver, clears {@code driverBit} through the register block as fast as it can. Only a W1C
         * write that reads the word and stores it back can clear the device's bit: the check counts how
         * often that happened.
         */
        private void lostBitsWhileClearing(Register register, long offset, long driverBit, long deviceBit)
                throws Exception {
            boolean wide = register.width() == 64;
            VarHandle handle = (wide ? ValueLayout.JAVA_LONG : ValueLayout.JAVA_INT).varHandle();
            if (wide) {
                memory.set(LONG, offset, 0L);
            } else {
                memory.set(INT, offset, 0);
            }
            int rounds = 200_000;
            int checksPerRound = 16;
            long budgetNanos = 1_500_000_000L;
            AtomicBoolean started = new AtomicBoolean();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong lost = new AtomicLong();
            AtomicLong deviceRounds = new AtomicLong();
            Thread device = Thread.ofPlatform().start(() -> {
                started.set(true);
                long end = System.nanoTime() + budgetNanos;
                for (int i = 0; i < rounds && !stop.get() && System.nanoTime() - end < 0; i++) {
                    if (wide) { // the device raises both bits, atomically, as a device does
                        long unused = (long) handle.getAndBitwiseOr(memory, offset, driverBit | deviceBit);
                    } else {
                        int unused = (int) handle.getAndBitwiseOr(memory, offset, (int) (driverBit | deviceBit));
                    }
                    boolean missing = false;
                    for (int check = 0; check < checksPerRound && !missing; check++) {
                        long now = wide ? (long) handle.getVolatile(memory, offset) : (int) handle.getVolatile(memory, offset);
                        missing = (now & deviceBit) == 0;
                    }
                    if (missing) {
                        lost.incrementAndGet();
                    }
                    // the test's bookkeeping, not the driver's: take the device's bit back, atomically,
                    // so that the next round raises it anew (a bit that stays set cannot be lost)
                    if (wide) {
                        long unused = (long) handle.getAndBitwiseAnd(memory, offset, ~deviceBit);
                    } else {
                        int unused = (int) handle.getAndBitwiseAnd(memory, offset, (int) ~deviceBit);
                    }
                    deviceRounds.incrementAndGet();
                }
            });
            long clears = 0;
            try {
                long waitStart = System.nanoTime();
                while (!started.get() && System.nanoTime() - waitStart < 5_000_000_000L) {
                    Thread.onSpinWait();
                }
                long end = System.nanoTime() + budgetNanos + 1_000_000_000L;
                for (int i = 0; i < 100_000_000 && device.isAlive() && System.nanoTime() - end < 0; i++) {
                    block.write(register, driverBit); // the driver acknowledges its own bit, nothing else
                    clears++;
                }
            } finally {
                stop.set(true);
                device.join(10_000); // before the memory goes, whatever happened
            }
            assertThat(deviceRounds.get()).as("the device thread ran its rounds while the driver cleared").isPositive();
            assertThat(lost.get()).as("%s: in %d rounds the device raised bit %s and the driver meanwhile wrote %s to"
                    + " clear bit %s %d times; the device's bit was lost %d times. A W1C write must clear exactly the bits"
                    + " written as 1, in one atomic and-not (getAndBitwiseAnd): reading the word, clearing the bit and"
                    + " storing the word back wipes out a bit the device set in between",
                    register.label(), deviceRounds.get(), hex(register, deviceBit), hex(register, driverBit),
                    hex(register, driverBit), clears, lost.get()).isZero();
        }

        private static String hex(Register register, long value) {
            return register.width() == 64 ? String.format("0x%016x", value) : String.format("0x%08x", value);
        }

        @Test
        void readOnlyBitsOfAWriteOneToClearRegisterAreRefused() {
            memory.set(INT, 0x024, 0b0011);
            assertThatThrownBy(() -> block.write(STATUS, 0b0001),
                    "STATUS.READY (bit 0) is the device's: the driver cannot clear it")
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("STATUS");
            assertThat(memory.get(INT, 0x024)).as("a refused write clears nothing").isEqualTo(0b0011);
        }
    }

    @Nested
    class OrderingAndPolls {

        @Test
        void aReleaseWriteOfARegisterPublishesTheDataBeforeIt() throws Exception {
            MemorySegment data = memory.asSlice(1024, 1024);
            AtomicReference<String> problem = new AtomicReference<>();
            for (int round = 1; round <= 200; round++) {
                int value = round;
                AtomicReference<RuntimeException> failed = new AtomicReference<>();
                Thread writer = Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < 256; i++) {
                        data.setAtIndex(ValueLayout.JAVA_INT, i, value);
                    }
                    try {
                        block.write(DATA64, value); // release: the data is visible with it
                    } catch (RuntimeException e) {
                        failed.set(e);
                    }
                });
                writer.join(5_000);
                if (failed.get() != null) {
                    throw failed.get();
                }
                block.awaitValue(DATA64, v -> v == value, "publish round " + value, TimeBudget.scaled(Duration.ofSeconds(5)));
                for (int i = 0; i < 256; i++) {
                    if (data.getAtIndex(ValueLayout.JAVA_INT, i) != value && problem.get() == null) {
                        problem.set("round " + value + ": int " + i + " was " + data.getAtIndex(ValueLayout.JAVA_INT, i));
                    }
                }
            }
            assertThat(problem.get()).as("after an acquire read saw the register, all data written before the release"
                    + " write is visible").isNull();
        }

        @Test
        void awaitBitsReturnsOnceTheDeviceSetsThem() throws Exception {
            AtomicLong storedAt = new AtomicLong();
            Thread device = Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
                memory.set(INT, 0x024, 0b0110);
                storedAt.set(System.nanoTime());
            });
            long value;
            long returnedAt;
            try {
                value = block.awaitBits(STATUS, 0b0100, TimeBudget.scaled(Duration.ofSeconds(10)));
                returnedAt = System.nanoTime();
            } finally {
                device.join(15_000);
            }
            assertThat(value).as("the value that had bit 2 set").isEqualTo(0b0110);
            long lateMillis = (returnedAt - storedAt.get()) / 1_000_000;
            assertThat(lateMillis).as("awaitBits returned %d ms after the device stored 0x%08x in STATUS, with a timeout"
                    + " of 10 s: a poll that has spun parks in short, growing slices (at most about 1 ms), never for the"
                    + " whole remaining timeout, which would let it sleep through the device's answer", lateMillis, 0b0110)
                    .isLessThan(1_000);
            assertThat(block.awaitBits(STATUS, 0b0110, Duration.ZERO)).as("bits already set: no wait at all")
                    .isEqualTo(0b0110);
        }

        @Test
        void awaitValueReturnsOnceTheDeviceStoresTheValue() throws Exception {
            AtomicLong storedAt = new AtomicLong();
            Thread device = Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
                memory.set(LONG, 0x040, 10L);
                storedAt.set(System.nanoTime());
            });
            long value;
            long returnedAt;
            try {
                value = block.awaitValue(COUNTER, v -> v >= 10, "count to 10", TimeBudget.scaled(Duration.ofSeconds(10)));
                returnedAt = System.nanoTime();
            } finally {
                device.join(15_000);
            }
            assertThat(value).as("the value awaitValue accepted").isEqualTo(10L);
            long lateMillis = (returnedAt - storedAt.get()) / 1_000_000;
            assertThat(lateMillis).as("awaitValue returned %d ms after the device stored 10 in COUNTER, with a timeout of"
                    + " 10 s: parks of at most about 1 ms between two reads, not one park for the rest of the timeout",
                    lateMillis).isLessThan(1_000);
        }

        @Test
        void aPollThatTimesOutSaysWhatItWaitedForAndWhatItSaw() {
            memory.set(INT, 0x024, 0b0010);
            Duration timeout = Duration.ofMillis(200);
            long start = System.nanoTime();
            assertThatThrownBy(() -> block.awaitBits(STATUS, 0b0001, timeout),
                    "STATUS bit 0 never comes: the poll must end by its timeout with a clear message")
                    .isInstanceOf(RegisterTimeoutException.class)
                    .hasMessageContaining("STATUS").hasMessageContaining("0x00000001")
                    .hasMessageContaining("was 0x00000002").hasMessageContaining("200 ms");
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(millis).as("the poll ends at its timeout (200 ms), not long after: took %d ms", millis)
                    .isBetween(190L, 900L);
            assertThatThrownBy(() -> block.awaitValue(COUNTER, v -> v >= 10, "count to 10", Duration.ofMillis(50)),
                    "awaitValue times out too").isInstanceOf(RegisterTimeoutException.class)
                    .hasMessageContaining("count to 10").hasMessageContaining("COUNTER");
        }

        @Test
        void aLongPollParksInsteadOfBurningACore() {
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long cpuBefore = threads.getCurrentThreadCpuTime();
            assertThatThrownBy(() -> block.awaitBits(STATUS, 0b1000, Duration.ofMillis(400)), "nobody sets bit 3")
                    .isInstanceOf(RegisterTimeoutException.class);
            long cpuMillis = (threads.getCurrentThreadCpuTime() - cpuBefore) / 1_000_000;
            assertThat(cpuMillis).as("a 400 ms poll should spin briefly, then park: it used %d ms of CPU", cpuMillis)
                    .isLessThan(200);
        }
    }
}
