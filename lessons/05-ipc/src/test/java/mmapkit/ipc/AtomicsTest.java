package mmapkit.ipc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import mmapkit.course.Task;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.LinkedHashMap;
import java.util.Map;

@Task(id = "05.1", points = 10, title = "Access shared fields atomically")
class AtomicsTest {

    private final Arena arena = Arena.ofShared();
    /** 64 bytes of native memory on an 8-byte (indeed 64-byte) boundary, zero. */
    private final MemorySegment memory = arena.allocate(64, 64);

    @AfterEach
    void closeArena() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }

    private long rawLong(long offset) {
        return memory.get(ValueLayout.JAVA_LONG, offset);
    }

    private int rawInt(long offset) {
        return memory.get(ValueLayout.JAVA_INT, offset);
    }

    @Test
    void everyLongStoreWritesTheFieldInNativeMemory() {
        Atomics.setPlain(memory, 0, 0x1111_2222_3333_4444L);
        Atomics.setOpaque(memory, 8, -5L);
        Atomics.setRelease(memory, 16, Long.MAX_VALUE);
        Atomics.setVolatile(memory, 56, Long.MIN_VALUE);
        assertThat(rawLong(0)).as("setPlain(0, ...) stores the 8 bytes at offset 0").isEqualTo(0x1111_2222_3333_4444L);
        assertThat(rawLong(8)).as("setOpaque(8, -5)").isEqualTo(-5L);
        assertThat(rawLong(16)).as("setRelease(16, Long.MAX_VALUE)").isEqualTo(Long.MAX_VALUE);
        assertThat(rawLong(56)).as("setVolatile(56, Long.MIN_VALUE): the last 8 bytes of the 64 are a field too")
                .isEqualTo(Long.MIN_VALUE);
        assertThat(rawLong(24)).as("offsets 24..55 were not written: each store writes its own 8 bytes only").isZero();
        assertThat(rawLong(48)).isZero();
    }

    @Test
    void everyLongLoadReadsTheFieldInNativeMemory() {
        memory.set(ValueLayout.JAVA_LONG, 0, 41L);
        memory.set(ValueLayout.JAVA_LONG, 8, -42L);
        memory.set(ValueLayout.JAVA_LONG, 32, 0x0102_0304_0506_0708L);
        memory.set(ValueLayout.JAVA_LONG, 56, 44L);
        assertThat(Atomics.getPlain(memory, 0)).as("getPlain(0)").isEqualTo(41L);
        assertThat(Atomics.getOpaque(memory, 8)).as("getOpaque(8)").isEqualTo(-42L);
        assertThat(Atomics.getAcquire(memory, 32)).as("getAcquire(32)").isEqualTo(0x0102_0304_0506_0708L);
        assertThat(Atomics.getVolatile(memory, 56)).as("getVolatile(56)").isEqualTo(44L);
        assertThat(Atomics.getVolatile(memory, 16)).as("getVolatile(16) of a field never written").isZero();
    }

    @Test
    void compareAndSetChangesTheFieldOnlyWhenItHoldsTheExpectedValue() {
        memory.set(ValueLayout.JAVA_LONG, 8, 7L);
        assertThat(Atomics.compareAndSet(memory, 8, 6L, 100L)).as("the field holds 7, not the expected 6: fails").isFalse();
        assertThat(rawLong(8)).as("a failed compare-and-set leaves the field as it was").isEqualTo(7L);
        assertThat(Atomics.compareAndSet(memory, 8, 7L, 100L)).as("the field holds the expected 7: succeeds").isTrue();
        assertThat(rawLong(8)).as("and stores the new value").isEqualTo(100L);
        assertThat(Atomics.compareAndSet(memory, 8, 7L, 200L)).as("7 is gone now: a second compare-and-set from 7 fails")
                .isFalse();
        assertThat(rawLong(8)).isEqualTo(100L);

        memory.set(ValueLayout.JAVA_INT, 4, 3);
        assertThat(Atomics.compareAndSetInt(memory, 4, 2, 9)).as("compareAndSetInt: 3 is not the expected 2").isFalse();
        assertThat(rawInt(4)).isEqualTo(3);
        assertThat(Atomics.compareAndSetInt(memory, 4, 3, 9)).as("compareAndSetInt from 3 to 9").isTrue();
        assertThat(rawInt(4)).isEqualTo(9);
        assertThat(rawInt(0)).as("a 32-bit compare-and-set at offset 4 changes bytes 4..7 only").isZero();
        assertThat(rawLong(8)).as("nor the long after it").isEqualTo(100L);
    }

    @Test
    void getAndAddAndGetAndSetReturnTheValueBefore() {
        memory.set(ValueLayout.JAVA_LONG, 16, 10L);
        assertThat(Atomics.getAndAdd(memory, 16, 5L)).as("getAndAdd returns the value before the addition").isEqualTo(10L);
        assertThat(rawLong(16)).isEqualTo(15L);
        assertThat(Atomics.getAndAdd(memory, 16, -20L)).isEqualTo(15L);
        assertThat(rawLong(16)).as("a negative delta subtracts").isEqualTo(-5L);

        memory.set(ValueLayout.JAVA_INT, 40, Integer.MAX_VALUE);
        assertThat(Atomics.getAndAddInt(memory, 40, 1)).as("getAndAddInt returns the value before").isEqualTo(Integer.MAX_VALUE);
        assertThat(rawInt(40)).as("32-bit arithmetic wraps around").isEqualTo(Integer.MIN_VALUE);
        assertThat(rawInt(44)).as("getAndAddInt at 40 writes bytes 40..43 only").isZero();

        memory.set(ValueLayout.JAVA_INT, 48, 1);
        assertThat(Atomics.getAndSetInt(memory, 48, 2)).as("getAndSetInt returns the value it replaced").isEqualTo(1);
        assertThat(rawInt(48)).isEqualTo(2);
        assertThat(Atomics.getAndSetInt(memory, 48, 0)).isEqualTo(2);
        assertThat(rawInt(48)).isZero();
    }

    @Test
    void intLoadsAndStoresUseFourBytes() {
        memory.set(ValueLayout.JAVA_LONG, 0, -1L);
        Atomics.setIntRelease(memory, 4, 12345);
        assertThat(rawInt(4)).as("setIntRelease(4, 12345)").isEqualTo(12345);
        assertThat(rawInt(0)).as("an int store at offset 4 leaves bytes 0..3 as they were").isEqualTo(-1);
        memory.set(ValueLayout.JAVA_INT, 60, -77);
        assertThat(Atomics.getIntVolatile(memory, 60)).as("getIntVolatile(60): the last 4 bytes").isEqualTo(-77);
        assertThat(Atomics.getIntAcquire(memory, 4)).as("getIntAcquire(4)").isEqualTo(12345);
    }

    @Test
    void aLongFieldThatIsNotEightByteAlignedIsRefused() {
        memory.set(ValueLayout.JAVA_LONG, 0, 7L);
        memory.set(ValueLayout.JAVA_LONG, 8, 7L);
        Map<String, ThrowingCallable> calls = new LinkedHashMap<>();
        calls.put("getPlain", () -> Atomics.getPlain(memory, 4));
        calls.put("setPlain", () -> Atomics.setPlain(memory, 4, 1L));
        calls.put("getOpaque", () -> Atomics.getOpaque(memory, 4));
        calls.put("setOpaque", () -> Atomics.setOpaque(memory, 4, 1L));
        calls.put("getAcquire", () -> Atomics.getAcquire(memory, 4));
        calls.put("setRelease", () -> Atomics.setRelease(memory, 4, 1L));
        calls.put("getVolatile", () -> Atomics.getVolatile(memory, 4));
        calls.put("setVolatile", () -> Atomics.setVolatile(memory, 4, 1L));
        calls.put("compareAndSet", () -> Atomics.compareAndSet(memory, 4, 0L, 1L));
        calls.put("getAndAdd", () -> Atomics.getAndAdd(memory, 4, 1L));
        calls.put("requireAligned", () -> Atomics.requireAligned(memory, 4, 8));
        calls.forEach((name, call) -> assertThatThrownBy(call, "%s at offset 4: a long must sit at an address that is a"
                        + " multiple of 8, or the hardware may split it over two cache lines and another process could see"
                        + " half of a store", name)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("offset 4")
                .hasMessageContaining("aligned"));
        assertThat(rawLong(0)).as("a refused store changes nothing").isEqualTo(7L);
        assertThat(rawLong(8)).isEqualTo(7L);
    }

    @Test
    void anIntFieldThatIsNotFourByteAlignedIsRefused() {
        Map<String, ThrowingCallable> calls = new LinkedHashMap<>();
        calls.put("getIntVolatile", () -> Atomics.getIntVolatile(memory, 2));
        calls.put("getIntAcquire", () -> Atomics.getIntAcquire(memory, 2));
        calls.put("setIntRelease", () -> Atomics.setIntRelease(memory, 2, 1));
        calls.put("compareAndSetInt", () -> Atomics.compareAndSetInt(memory, 2, 0, 1));
        calls.put("getAndSetInt", () -> Atomics.getAndSetInt(memory, 2, 1));
        calls.put("getAndAddInt", () -> Atomics.getAndAddInt(memory, 2, 1));
        calls.forEach((name, call) -> assertThatThrownBy(call,
                        "%s at offset 2: an int must sit at an address that is a multiple of 4", name)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("offset 2")
                .hasMessageContaining("aligned"));
        assertThat(rawLong(0)).as("a refused store changes nothing").isZero();
        assertThatCode(() -> Atomics.getIntVolatile(memory, 4))
                .as("offset 4 is fine for an int (a multiple of 4), though not for a long").doesNotThrowAnyException();
    }

    @Test
    void alignmentIsThatOfTheAddressNotOfTheOffset() {
        MemorySegment shifted = memory.asSlice(4); // starts at an address that is 4 more than a multiple of 8
        assertThatThrownBy(() -> Atomics.getVolatile(shifted, 0),
                "offset 0 of a slice that starts 4 bytes into 8-aligned memory is the address base + 4: not aligned"
                        + " for a long (compare segment.address() + offset, not offset alone)")
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("offset 0")
                .hasMessageContaining("aligned");
        memory.set(ValueLayout.JAVA_LONG, 8, 99L);
        assertThat(Atomics.getVolatile(shifted, 4)).as("offset 4 of that slice is address base + 8: aligned, the long at"
                + " offset 8 of the memory").isEqualTo(99L);
    }

    @Test
    void aFieldOutsideTheSegmentIsRefused() {
        Map<String, ThrowingCallable> calls = new LinkedHashMap<>();
        calls.put("getVolatile at -8", () -> Atomics.getVolatile(memory, -8));
        calls.put("getVolatile at 64, just past the end", () -> Atomics.getVolatile(memory, 64));
        calls.put("setRelease at 64", () -> Atomics.setRelease(memory, 64, 1L));
        calls.put("getAndAdd at 1024", () -> Atomics.getAndAdd(memory, 1024, 1L));
        calls.put("getIntVolatile at 64", () -> Atomics.getIntVolatile(memory, 64));
        calls.put("compareAndSetInt at -4", () -> Atomics.compareAndSetInt(memory, -4, 0, 1));
        calls.forEach((name, call) -> assertThatThrownBy(call, "%s of a 64-byte segment", name)
                .isInstanceOf(IllegalArgumentException.class));
        assertThatThrownBy(() -> Atomics.getVolatile(memory.asSlice(0, 60), 56),
                "a long at 56 of a 60-byte segment: it starts inside, but its last 4 bytes are outside")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("offset 56");
        assertThatThrownBy(() -> Atomics.requireAligned(memory, 64, 4), "requireAligned(64, 4) of 64 bytes")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("offset 64");
        assertThatCode(() -> Atomics.requireAligned(memory, 60, 4)).as("requireAligned(60, 4): the last int fits")
                .doesNotThrowAnyException();
    }

    @Test
    void aHeapSegmentOrAClosedOneIsRefused() {
        MemorySegment heap = MemorySegment.ofArray(new long[8]);
        assertThatThrownBy(() -> Atomics.getVolatile(heap, 0),
                "a segment over a Java array: the garbage collector may move it, no other process can map it,"
                        + " and its alignment is not that of a native address")
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Atomics.compareAndSetInt(heap, 0, 0, 1), "compareAndSetInt on a heap segment")
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(Atomics.getVolatile(memory, 0)).as("native memory works").isZero();
        arena.close();
        assertThatThrownBy(() -> Atomics.getVolatile(memory, 0), "a segment whose arena is closed")
                .isInstanceOf(IllegalStateException.class);
    }
}
