package mmapkit.device;

import mmapkit.device.natives.MemfdCalls;
import mmapkit.device.special.HugePages;
import mmapkit.mapping.MappingProbes;
import mmapkit.mapping.Pages;
import mmapkit.mapping.Probe;
import mmapkit.mapping.RawMapping;
import mmapkit.mapping.natives.MemoryMapCalls;
import mmapkit.mapping.natives.NativeCallException;
import mmapkit.mapping.natives.PosixFiles;

import java.util.List;
import java.util.OptionalLong;

/**
 * The probes module 06 owns: special mappings whose rules changed between kernel versions, and
 * what the machine grants this process.
 */
public final class DeviceProbes {

    private static Probe<Boolean> readOnlySealed;

    private DeviceProbes() {
    }

    // tag::sealed-probe[]
    /**
     * Whether a read-only {@code MAP_SHARED} mapping of a write-sealed memfd is allowed. Linux 6.7
     * and later allow it; older kernels refuse every shared mapping of such a memfd with
     * {@code EPERM}, read-only too (only private mappings work there). Found by trying. Asked once.
     */
    public static synchronized Probe<Boolean> readOnlySharedMapOfWriteSealedMemfd() {
        if (readOnlySealed == null) {
            readOnlySealed = probeReadOnlySealed();
        }
        return readOnlySealed;
    }

    private static Probe<Boolean> probeReadOnlySealed() {
        String name = "read-only shared map of a write-sealed memfd";
        int fd = MemfdCalls.memfdCreate("kit-probe", MemfdCalls.MFD_CLOEXEC | MemfdCalls.MFD_ALLOW_SEALING);
        try {
            PosixFiles.ftruncate(fd, Pages.size());
            MemfdCalls.addSeals(fd, MemfdCalls.F_SEAL_WRITE);
            try (RawMapping mapping = RawMapping.map(Pages.size(), MemoryMapCalls.PROT_READ, MemoryMapCalls.MAP_SHARED, fd, 0)) {
                mapping.segment().get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0);
                return new Probe<>(name, true, true, "mmap(PROT_READ, MAP_SHARED) of a memfd sealed with F_SEAL_WRITE"
                        + " succeeded (Linux 6.7 and later allow it)");
            } catch (NativeCallException e) {
                return new Probe<>(name, false, false, "mmap(PROT_READ, MAP_SHARED) of a memfd sealed with"
                        + " F_SEAL_WRITE failed with " + e.errnoName() + ": kernels before 6.7 refuse every shared"
                        + " mapping of a write-sealed memfd, so a receiver maps it MAP_PRIVATE to read it");
            }
        } finally {
            PosixFiles.close(fd);
        }
    }
    // end::sealed-probe[]

    /** How many hugetlb pages of the default size are free to map ({@code HugePages_Free - HugePages_Rsvd}). */
    public static Probe<Long> hugetlbPagesFree() {
        OptionalLong total = HugePages.meminfo("HugePages_Total");
        long free = HugePages.meminfo("HugePages_Free").orElse(0) - HugePages.meminfo("HugePages_Rsvd").orElse(0);
        String reason = total.isEmpty() ? "/proc/meminfo has no HugePages_Total: this kernel has no hugetlb pages"
                : total.getAsLong() == 0 ? "HugePages_Total is 0 in /proc/meminfo: no hugetlb pages are reserved"
                        + " (an administrator reserves them with vm.nr_hugepages), so MAP_HUGETLB fails with ENOMEM"
                : free + " of " + total.getAsLong() + " reserved hugetlb pages are free to map";
        return new Probe<>("hugetlb pages free", Math.max(free, 0), true, reason);
    }

    /**
     * Whether this process may open {@code /proc/self/map_files/*} links, which needs
     * {@code CAP_SYS_ADMIN} or {@code CAP_CHECKPOINT_RESTORE} in the initial user namespace.
     */
    public static Probe<Boolean> mapFilesOpenable() {
        boolean allowed = MappingProbes.hasCapability(MappingProbes.CAP_SYS_ADMIN)
                || MappingProbes.hasCapability(MappingProbes.CAP_CHECKPOINT_RESTORE);
        return new Probe<>("map_files openable", allowed, true, allowed
                ? "this process has CAP_SYS_ADMIN or CAP_CHECKPOINT_RESTORE in the initial user namespace: it may open"
                        + " /proc/PID/map_files links"
                : "opening /proc/PID/map_files links needs CAP_SYS_ADMIN or CAP_CHECKPOINT_RESTORE in the initial user"
                        + " namespace, which this process does not have");
    }

    /** Every probe of this module, in a stable order. */
    public static List<Probe<?>> all() {
        return List.of(readOnlySharedMapOfWriteSealedMemfd(), hugetlbPagesFree(), mapFilesOpenable());
    }
}
