package mmapkit.device.special;

import mmapkit.mapping.Pages;
import mmapkit.mapping.RawMapping;
import mmapkit.mapping.proc.MapsEntry;
import mmapkit.mapping.proc.ProcField;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

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
        // SOLUTION-BEGIN 06.3
        Map<String, ProcField> smaps = smapsEntry(segment().address());
        if (kind == HugePageReport.Kind.HUGETLB) {
            long granted = bytes(smaps, "Private_Hugetlb") + bytes(smaps, "Shared_Hugetlb");
            return new HugePageReport(kind, outcome(granted), length, granted, "smaps: Private_Hugetlb + Shared_Hugetlb "
                    + kb(granted) + ", KernelPageSize " + value(smaps, "KernelPageSize")
                    + (granted == 0 ? "; hugetlb pages are reserved at mmap and given at the first touch" : ""));
        }
        long granted = bytes(smaps, "AnonHugePages");
        String evidence = "smaps: AnonHugePages " + kb(granted) + " of " + kb(length) + " asked for";
        if (granted > 0) {
            return new HugePageReport(kind, outcome(granted), length, granted, evidence);
        }
        ThpMode mode = ThpMode.current();
        if (mode == ThpMode.UNAVAILABLE) {
            return new HugePageReport(kind, HugePageReport.Outcome.UNSUPPORTED, length, 0, evidence
                    + "; this kernel has no transparent huge pages (no " + ThpMode.ENABLED + ")");
        }
        if (mode == ThpMode.NEVER) {
            return new HugePageReport(kind, HugePageReport.Outcome.UNSUPPORTED, length, 0, evidence
                    + "; transparent huge pages are off: " + ThpMode.ENABLED + " is [never]");
        }
        if (adviceRefused != null) {
            return new HugePageReport(kind, HugePageReport.Outcome.UNSUPPORTED, length, 0, evidence + "; "
                    + adviceRefused);
        }
        return new HugePageReport(kind, HugePageReport.Outcome.NOT_GRANTED, length, 0, evidence
                + "; asked for with MADV_HUGEPAGE (mode [" + mode.name().toLowerCase(java.util.Locale.ROOT)
                + "], THPeligible " + value(smaps, "THPeligible") + "), not granted: not touched yet, or no free"
                + " aligned 2 MiB block (fragmented memory; defrag setting '" + defrag() + "')");
        // SOLUTION-STUB
        // throw new UnsupportedOperationException("TODO 06.3: read what smaps says the kernel granted (see hint 06.3)");
        // SOLUTION-END
    }

    // SOLUTION-BEGIN 06.3
    /** The {@code Name: value} lines of the smaps entry of the area that holds {@code address}. */
    private static Map<String, ProcField> smapsEntry(long address) {
        String text;
        try {
            text = Files.readString(SMAPS);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + SMAPS, e);
        }
        Map<String, ProcField> fields = new HashMap<>();
        boolean inside = false;
        for (String line : text.split("\n")) {
            if (MapsEntry.isEntryLine(line)) {
                if (inside) {
                    break; // the next area begins: ours is complete
                }
                inside = MapsEntry.parse(line).contains(address);
            } else if (inside) {
                ProcField.parse(line).ifPresent(field -> fields.put(field.name(), field));
            }
        }
        if (!inside) {
            throw new IllegalStateException("no area of " + SMAPS + " holds address 0x" + Long.toHexString(address));
        }
        return fields;
    }

    private HugePageReport.Outcome outcome(long granted) {
        return granted >= length ? HugePageReport.Outcome.GRANTED
                : granted > 0 ? HugePageReport.Outcome.PARTLY_GRANTED : HugePageReport.Outcome.NOT_GRANTED;
    }

    private static long bytes(Map<String, ProcField> smaps, String name) {
        ProcField field = smaps.get(name);
        return field == null ? 0 : field.bytes();
    }

    private static String value(Map<String, ProcField> smaps, String name) {
        ProcField field = smaps.get(name);
        return field == null ? "(not shown)" : field.value();
    }

    private static String kb(long bytes) {
        return (bytes / 1024) + " kB";
    }

    private static String defrag() {
        try {
            return Files.readString(HugePages.DEFRAG).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }
    // SOLUTION-END

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
