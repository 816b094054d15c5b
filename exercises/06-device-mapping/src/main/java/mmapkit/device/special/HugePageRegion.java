package mmapkit.device.special;

import mmapkit.mapping.Pages;
import mmapkit.mapping.RawMapping;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

/**
 * Memory for which huge pages were asked ({@link HugePages#transparent}, {@link HugePages#hugetlb}),
 * aligned to a huge page, with the means to find out what the kernel granted: {@link #report()}.
 */
public final class HugePageRegion implements AutoCloseable {

    /** Where the kernel shows each mapping with its statistics, huge pages included. */
    public static final Path SMAPS = Path.of("/proc/self/smaps");

    private final HugePageReport.Kind kind;
    private final RawMapping mapping;
    private final long address;
    private final long length;
    private final String adviceRefused;

    HugePageRegion(HugePageReport.Kind kind, RawMapping mapping, long address, long length, String adviceRefused) {
        this.kind = kind;
        this.mapping = mapping;
        this.address = address;
        this.length = length;
        this.adviceRefused = adviceRefused;
    }

    /** How the huge pages were asked for. */
    public HugePageReport.Kind kind() {
        return kind;
    }

    /**
     * The region: {@code length} bytes starting on a huge-page boundary.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public MemorySegment segment() {
        return mapping.segment().asSlice(address - mapping.address(), length);
    }

    /** The bytes of the region. */
    public long length() {
        return length;
    }

    /**
     * Writes one byte in every small page: the first write to each huge-page block is when the kernel
     * decides whether it gets a huge page (a read could map the shared zero page instead).
     */
    public void touch() {
        MemorySegment segment = segment();
        for (long offset = 0; offset < length; offset += Pages.size()) {
            segment.set(ValueLayout.JAVA_BYTE, offset, (byte) 1);
        }
    }

    /**
     * What the kernel granted, now, from the region's entry in {@code /proc/self/smaps}: for
     * transparent huge pages its {@code AnonHugePages}, for hugetlb pages its
     * {@code Private_Hugetlb} and {@code Shared_Hugetlb}. Settings only explain the result
     * ({@link ThpMode}): a region of a kernel in {@code madvise} mode may still get no huge page.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public HugePageReport report() {
        // TODO 06.3 (see hint 06.3)
        throw new UnsupportedOperationException("TODO 06.3: read what smaps says the kernel granted (see hint 06.3)");
    }


    /** Unmaps the region (once, however often this is called). */
    @Override
    public void close() {
        mapping.close();
    }

    @Override
    public String toString() {
        return "HugePageRegion[" + kind + ", " + length + " bytes" + (mapping.isOpen() ? "]" : ", closed]");
    }
}
