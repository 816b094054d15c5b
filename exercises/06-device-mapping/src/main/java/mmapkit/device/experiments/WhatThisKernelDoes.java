package mmapkit.device.experiments;

import mmapkit.device.DeviceProbes;
import mmapkit.dirty.DirtyProbes;
import mmapkit.faults.FaultProbes;
import mmapkit.mapping.MappingProbes;
import mmapkit.mapping.Probe;

import java.util.List;
import java.util.function.Supplier;

/**
 * Experiment: every probe of the kit's catalogue, asked of the running kernel, with its answer in
 * plain words. The book's outputs come from the machine this prints for; where your numbers differ,
 * the probe that differs says why.
 *
 * <p>With the argument {@code --tsv} it prints one probe a line, tab-separated: owning module, the
 * calls that ask it (comma-separated {@code Class.method}), name, value, {@code usual} or
 * {@code differs}, reason. {@code ./course doctor} reads that, and finds the graded tests that
 * depend on each probe by those calls.
 */
public final class WhatThisKernelDoes {

    /**
     * One probe of the catalogue.
     *
     * @param module the module that owns it
     * @param calls  the calls by which code asks it, such as {@code FaultProbes.zeroPageOnReadFault}
     * @param probe  asks it
     */
    public record Entry(String module, List<String> calls, Supplier<Probe<?>> probe) {
    }

    private WhatThisKernelDoes() {
    }

    /** The catalogue, in course order. */
    public static List<Entry> catalogue() {
        return List.of(
                new Entry("01", List.of("MappingProbes.kernelRelease"), MappingProbes::kernelRelease),
                new Entry("01", List.of("MappingProbes.architecture", "Architecture.current", "FutexCalls.SYS_FUTEX"),
                        MappingProbes::architecture),
                new Entry("01", List.of("MappingProbes.pageSize"), MappingProbes::pageSize),
                new Entry("02", List.of("FaultProbes.zeroPageOnReadFault"), FaultProbes::zeroPageOnReadFault),
                new Entry("02", List.of("FaultProbes.transparentHugePages", "ThpMode.current"), FaultProbes::transparentHugePages),
                new Entry("02", List.of("FaultProbes.anonymousFolioSizes", "FaultProbes.onePagePerAnonymousFault"),
                        FaultProbes::anonymousFolioSizes),
                new Entry("02", List.of("FaultProbes.populateAdvice"), FaultProbes::populateAdvice),
                new Entry("02", List.of("FaultProbes.faultAround"), FaultProbes::faultAround),
                new Entry("02", List.of("FaultProbes.userfaultfd"), FaultProbes::userfaultfd),
                new Entry("02", List.of("FaultProbes.memlockLimit", "MemlockLimit.current"), FaultProbes::memlockLimit),
                new Entry("02", List.of("FaultProbes.overcommit", "OvercommitPolicy.current"), FaultProbes::overcommit),
                new Entry("02", List.of("FaultProbes.memoryCgroup", "MemoryCgroup.current"), FaultProbes::memoryCgroup),
                new Entry("02", List.of("FaultProbes.limitedChildCgroup"), FaultProbes::limitedChildCgroup),
                new Entry("03", List.of("DirtyProbes.cachestat", "PageCacheState.supported"), DirtyProbes::cachestat),
                new Entry("03", List.of("DirtyProbes.softDirty", "SoftDirty.supported"), DirtyProbes::softDirty),
                new Entry("03", List.of("DirtyProbes.pagemapFrameNumbers"), DirtyProbes::pagemapFrameNumbers),
                new Entry("03", List.of("DirtyProbes.asyncWriteProtect", "WriteProtectTracker.supported"),
                        DirtyProbes::asyncWriteProtect),
                new Entry("03", List.of("DirtyProbes.pagemapScan", "WriteProtectTracker.supported"), DirtyProbes::pagemapScan),
                new Entry("06", List.of("DeviceProbes.readOnlySharedMapOfWriteSealedMemfd"),
                        DeviceProbes::readOnlySharedMapOfWriteSealedMemfd),
                new Entry("06", List.of("DeviceProbes.hugetlbPagesFree"), DeviceProbes::hugetlbPagesFree),
                new Entry("06", List.of("DeviceProbes.mapFilesOpenable"), DeviceProbes::mapFilesOpenable));
    }

    public static void main(String[] args) {
        boolean tsv = args.length > 0 && args[0].equals("--tsv");
        if (args.length > (tsv ? 1 : 0)) {
            throw new IllegalArgumentException("arguments " + List.of(args) + ": expected none, or --tsv");
        }
        for (Entry entry : catalogue()) {
            Probe<?> probe = entry.probe().get();
            if (tsv) {
                System.out.println(String.join("\t", entry.module(), String.join(",", entry.calls()), probe.name(),
                        String.valueOf(probe.value()), probe.usual() ? "usual" : "differs",
                        probe.reason().replace('\t', ' ').replace('\n', ' ')));
            } else {
                System.out.printf("%-50s %s%n    %s%n", entry.module() + " " + probe.name(), probe.value()
                        + (probe.usual() ? "" : "   <- differs from the usual case"), probe.reason());
            }
        }
    }
}
