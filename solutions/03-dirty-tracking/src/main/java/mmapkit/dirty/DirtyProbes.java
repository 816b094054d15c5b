package mmapkit.dirty;

import mmapkit.mapping.MappingProbes;
import mmapkit.mapping.Probe;

import java.util.List;

/**
 * The probes module 03 owns: which of the kernel's views of dirty pages this kernel has. The
 * probing itself lives where the feature does ({@link PageCacheState#unsupportedReason()},
 * {@link SoftDirty#unsupportedReason()}, tasks 03.2 and 03.3; {@link WriteProtectTracker#unsupportedReason()},
 * given); this class names their answers as
 * probes for the catalogue, so later modules and {@code ./course doctor} ask one place.
 */
public final class DirtyProbes {

    private DirtyProbes() {
    }

    /** Whether {@code cachestat(2)} works here (Linux 6.5+, and not filtered). */
    public static Probe<Boolean> cachestat() {
        String reason = PageCacheState.unsupportedReason();
        return new Probe<>("cachestat", reason.isEmpty(), reason.isEmpty(), reason.isEmpty()
                ? "cachestat(2) answered for a file of this process: per-file cached, dirty and writeback counts work"
                : reason);
    }

    /** Whether the kernel sets soft-dirty bits (built with {@code CONFIG_MEM_SOFT_DIRTY}). */
    public static Probe<Boolean> softDirty() {
        String reason = SoftDirty.unsupportedReason();
        return new Probe<>("soft-dirty bits", reason.isEmpty(), reason.isEmpty(), reason.isEmpty()
                ? "after clearing with /proc/self/clear_refs and writing a page, pagemap bit 55 of that page was set"
                : reason);
    }

    /** Whether pagemap shows this process the frame numbers of its pages (CAP_SYS_ADMIN; 0 otherwise). */
    public static Probe<Boolean> pagemapFrameNumbers() {
        boolean shown = MappingProbes.hasCapability(MappingProbes.CAP_SYS_ADMIN);
        return new Probe<>("pagemap frame numbers", shown, true, shown
                ? "this process has CAP_SYS_ADMIN in the initial user namespace: pagemap shows frame numbers"
                : "pagemap shows frame number 0 to a process without CAP_SYS_ADMIN in the initial user namespace"
                        + " (since Linux 4.2), as here");
    }

    /**
     * Whether userfaultfd offers asynchronous write protection ({@code UFFD_FEATURE_WP_ASYNC}, Linux 6.7):
     * write faults the kernel resolves itself, marking the page written, for {@link WriteProtectTracker}.
     */
    public static Probe<Boolean> asyncWriteProtect() {
        String reason = WriteProtectTracker.asyncWriteProtectReason();
        return new Probe<>("userfaultfd async write protection", reason.isEmpty(), reason.isEmpty(), reason.isEmpty()
                ? "UFFDIO_API granted UFFD_FEATURE_WP_ASYNC and WP_UNPOPULATED: the kernel marks pages written by itself"
                : reason);
    }

    /** Whether the {@code PAGEMAP_SCAN} ioctl on {@code /proc/self/pagemap} works (Linux 6.7). */
    public static Probe<Boolean> pagemapScan() {
        String reason = WriteProtectTracker.pagemapScanReason();
        return new Probe<>("PAGEMAP_SCAN", reason.isEmpty(), reason.isEmpty(), reason.isEmpty()
                ? "ioctl(PAGEMAP_SCAN) on /proc/self/pagemap reported a page just written as present: pages of a"
                        + " range come back as runs by category, in one call"
                : reason);
    }

    /** Every probe of this module, in a stable order. */
    public static List<Probe<?>> all() {
        return List.of(cachestat(), softDirty(), pagemapFrameNumbers(), asyncWriteProtect(), pagemapScan());
    }
}
