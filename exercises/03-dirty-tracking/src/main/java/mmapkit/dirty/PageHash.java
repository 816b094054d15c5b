package mmapkit.dirty;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * A fast 64-bit hash of a range of bytes: XXH64 (Yann Collet's xxHash, 64-bit variant, seed 0),
 * written out in Java over a {@link MemorySegment}. Given code: {@link PageHashTracker} uses it
 * for one hash per page.
 *
 * <h2>Why this hash</h2>
 * It reads 8 bytes per step in four independent lanes, so a modern core hashes several gigabytes
 * a second: a page costs about as much as reading it from memory. It is not cryptographic.
 *
 * <h2>Collision odds</h2>
 * A tracker compares each page's new hash with that same page's old one, never with the
 * hashes of other pages, so the birthday bound does not apply: a changed page goes unnoticed
 * only when its new content happens to hash to exactly the old value, for a hash that behaves
 * like a random function about once in 2<sup>64</sup> (1.8 &middot; 10<sup>19</sup>) comparisons of
 * changed pages. Checking a million changed pages a second, every second, that is one miss in
 * about 580 000 years. Those odds hold for ordinary data only: XXH64 has no secret, so someone
 * who chooses the bytes written can build two pages with equal hashes. Where writers may be
 * hostile, use a keyed or cryptographic hash (SipHash, SHA-256), at several times the cost.
 */
public final class PageHash {

    private static final long P1 = 0x9E3779B185EBCA87L;
    private static final long P2 = 0xC2B2AE3D27D4EB4FL;
    private static final long P3 = 0x165667B19E3779F9L;
    private static final long P4 = 0x85EBCA77C2B2AE63L;
    private static final long P5 = 0x27D4EB2F165667C5L;

    /** XXH64 reads its input as little-endian words, whatever the machine. */
    private static final ValueLayout.OfLong WORD = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt HALF_WORD = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private PageHash() {
    }

    /**
     * The XXH64 hash (seed 0) of the {@code length} bytes of {@code segment} at {@code offset}.
     * The empty range hashes to {@code 0xEF46DB3751D8E999}, the bytes of {@code "abc"} to
     * {@code 0x44BC2CF5AD770999}, as in the reference implementation.
     *
     * @throws IllegalArgumentException for a negative offset or length, or a range past the segment's end
     * @throws IllegalStateException    for a segment of a closed arena
     */
    public static long of(MemorySegment segment, long offset, long length) {
        TrackerArguments.liveSegment("segment", segment);
        TrackerArguments.range(offset, length, segment.byteSize());
        long at = offset;
        long end = offset + length;
        long hash;
        // tag::xxh64-stripes[]
        if (length >= 32) { // four lanes of 8 bytes: four independent multiply chains the core runs side by side
            long v1 = P1 + P2;
            long v2 = P2;
            long v3 = 0;
            long v4 = -P1;
            for (long limit = end - 32; at <= limit; at += 32) {
                v1 = round(v1, segment.get(WORD, at));
                v2 = round(v2, segment.get(WORD, at + 8));
                v3 = round(v3, segment.get(WORD, at + 16));
                v4 = round(v4, segment.get(WORD, at + 24));
            }
            hash = Long.rotateLeft(v1, 1) + Long.rotateLeft(v2, 7) + Long.rotateLeft(v3, 12) + Long.rotateLeft(v4, 18);
            hash = merge(hash, v1);
            hash = merge(hash, v2);
            hash = merge(hash, v3);
            hash = merge(hash, v4);
        } else {
            hash = P5;
        }
        // end::xxh64-stripes[]
        hash += length;
        for (; at + 8 <= end; at += 8) {
            hash ^= round(0, segment.get(WORD, at));
            hash = Long.rotateLeft(hash, 27) * P1 + P4;
        }
        if (at + 4 <= end) {
            hash ^= (segment.get(HALF_WORD, at) & 0xFFFF_FFFFL) * P1;
            hash = Long.rotateLeft(hash, 23) * P2 + P3;
            at += 4;
        }
        for (; at < end; at++) {
            hash ^= (segment.get(ValueLayout.JAVA_BYTE, at) & 0xFFL) * P5;
            hash = Long.rotateLeft(hash, 11) * P1;
        }
        return avalanche(hash);
    }

    private static long round(long accumulator, long input) {
        return Long.rotateLeft(accumulator + input * P2, 31) * P1;
    }

    private static long merge(long hash, long lane) {
        return (hash ^ round(0, lane)) * P1 + P4;
    }

    /** Spreads every input bit over every output bit. */
    private static long avalanche(long hash) {
        hash ^= hash >>> 33;
        hash *= P2;
        hash ^= hash >>> 29;
        hash *= P3;
        hash ^= hash >>> 32;
        return hash;
    }
}
