package mmapkit.device.experiments;

import mmapkit.device.DeviceProbes;
import mmapkit.dirty.DirtyProbes;
import mmapkit.faults.FaultProbes;
import mmapkit.mapping.MappingProbes;
import mmapkit.mapping.Probe;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Experiment: every probe of the kit's catalogue, asked of the running kernel, with its answer in
 * plain words. The book's outputs come from the machine this prints for; where your numbers differ,
 * the probe that differs says why.
 *
 * <p>With the argument {@code --tsv} it prints one probe a line, tab-separated: module, name,
 * value, {@code usual} or {@code differs}, reason ({@code ./course doctor} reads that).
 */
public final class WhatThisKernelDoes {

    private WhatThisKernelDoes() {
    }

    /** The catalogue, by owning module. */
    public static Map<String, List<Probe<?>>> catalogue() {
        Map<String, List<Probe<?>>> probes = new LinkedHashMap<>();
        probes.put("01", MappingProbes.all());
        probes.put("02", FaultProbes.all());
        probes.put("03", DirtyProbes.all());
        probes.put("06", DeviceProbes.all());
        return probes;
    }

    public static void main(String[] args) {
        boolean tsv = args.length > 0 && args[0].equals("--tsv");
        if (args.length > (tsv ? 1 : 0)) {
            throw new IllegalArgumentException("arguments " + List.of(args) + ": expected none, or --tsv");
        }
        List<String> lines = new ArrayList<>();
        catalogue().forEach((module, probes) -> {
            for (Probe<?> probe : probes) {
                if (tsv) {
                    lines.add(String.join("\t", module, probe.name(), String.valueOf(probe.value()),
                            probe.usual() ? "usual" : "differs", probe.reason().replace('\t', ' ').replace('\n', ' ')));
                } else {
                    lines.add(String.format("%-50s %s%n    %s", module + " " + probe.name(), probe.value()
                            + (probe.usual() ? "" : "   <- differs from the usual case"), probe.reason()));
                }
            }
        });
        lines.forEach(System.out::println);
    }
}
