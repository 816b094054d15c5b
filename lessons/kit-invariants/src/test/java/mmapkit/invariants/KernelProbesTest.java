package mmapkit.invariants;

import static mmapkit.mapping.natives.MemoryMapCalls.MAP_PRIVATE;
import static mmapkit.mapping.natives.MemoryMapCalls.MAP_SHARED;
import static mmapkit.mapping.natives.MemoryMapCalls.PROT_READ;
import static mmapkit.mapping.natives.MemoryMapCalls.PROT_WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import mmapkit.device.DeviceProbes;
import mmapkit.device.experiments.WhatThisKernelDoes;
import mmapkit.device.special.ThpMode;
import mmapkit.dirty.DirtyProbes;
import mmapkit.faults.FaultCounters;
import mmapkit.faults.FaultProbes;
import mmapkit.faults.Faults;
import mmapkit.mapping.MappingProbes;
import mmapkit.mapping.Pages;
import mmapkit.mapping.Probe;
import mmapkit.mapping.RawMapping;
import mmapkit.mapping.natives.Architecture;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every probe of the catalogue, checked against the kernel the build runs on by a way of asking of
 * its own (another file of {@code /proc}, another system call, a kernel version), so that a probe
 * that answers wrong breaks the build instead of quietly adapting the graded tests to a wrong
 * answer. Runs the reference toolkit (solutions come first on this module's class path).
 */
class KernelProbesTest {

    private static final long PAGE = Pages.size();

    @Test
    void pageSizeIsTheKernelPageSizeSmapsShows() throws IOException {
        Probe<Long> probe = MappingProbes.pageSize();
        String smaps = Files.readString(Path.of("/proc/self/smaps"));
        int at = smaps.indexOf("KernelPageSize:");
        assertThat(at).as("smaps shows KernelPageSize").isNotNegative();
        long kib = Long.parseLong(smaps.substring(at + "KernelPageSize:".length(), smaps.indexOf("kB", at)).strip());
        assertThat(probe.value()).as(probe.toString()).isEqualTo(kib * 1024);
        assertThat(Long.bitCount(probe.value())).as("a power of two").isEqualTo(1);
    }

    @Test
    void architectureChoosesSystemCallNumbersAndRefusesOthersByName() throws Exception {
        Probe<String> probe = MappingProbes.architecture();
        Process uname = new ProcessBuilder("uname", "-m").start();
        String machine = new String(uname.getInputStream().readAllBytes()).strip();
        assertThat(uname.waitFor()).isZero();
        Architecture expected = switch (machine) {
            case "x86_64" -> Architecture.X86_64;
            case "aarch64", "arm64" -> Architecture.AARCH64;
            default -> null;
        };
        if (expected == null) {
            assertThat(probe.reason()).as(probe.toString()).contains("not supported").contains(probe.value());
        } else {
            assertThat(Architecture.current()).as("uname -m says %s; %s", machine, probe).isEqualTo(expected);
        }
        assertThat(Architecture.X86_64.systemCall("futex")).as("futex on x86-64 (syscall_64.tbl)").isEqualTo(202);
        assertThat(Architecture.AARCH64.systemCall("futex")).as("futex on arm64 (asm-generic/unistd.h)").isEqualTo(98);
        assertThat(Architecture.X86_64.systemCall("cachestat")).isEqualTo(451);
        assertThat(Architecture.AARCH64.systemCall("cachestat")).isEqualTo(451);
        assertThat(Architecture.of("aarch64")).isEqualTo(Architecture.AARCH64);
        assertThat(Architecture.of("amd64")).isEqualTo(Architecture.X86_64);
        assertThatThrownBy(() -> Architecture.of("riscv64")).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("os.arch riscv64").hasMessageContaining("x86-64").hasMessageContaining("arm64");
        assertThatThrownBy(() -> Architecture.X86_64.systemCall("fork")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fork");
        assertThat(ByteOrder.nativeOrder()).as("both supported architectures are little-endian, as the appendix says")
                .isEqualTo(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void zeroPageProbeAgreesWithPagemap() throws IOException {
        Probe<Boolean> probe = FaultProbes.zeroPageOnReadFault();
        try (RawMapping memory = RawMapping.anonymous(4 * PAGE, PROT_READ, MAP_PRIVATE)) {
            assertThat(memory.segment().get(ValueLayout.JAVA_BYTE, PAGE)).isZero();
            long entry = pagemapEntry(memory.address() + PAGE);
            assertThat(entry & (1L << 63)).as("the page read is present").isNotZero();
            // pagemap bit 56 (exclusively mapped) is set for a page of this process's own, never for
            // the shared zero page (no struct page is counted for it)
            boolean ownPage = (entry & (1L << 56)) != 0;
            assertThat(probe.holds()).as("pagemap says the page read is %s; the probe said: %s",
                    ownPage ? "a page of its own" : "the shared zero page", probe.reason()).isEqualTo(!ownPage);
        }
    }

    @Test
    void thpProbesAgreeWithSysfsAndWithFaultCounts() {
        Probe<String> mode = FaultProbes.transparentHugePages();
        assertThat(mode.value()).as(mode.toString()).isEqualTo(ThpMode.current().name().toLowerCase(Locale.ROOT));
        Probe<List<Long>> sizes = FaultProbes.anonymousFolioSizes();
        if (mode.value().equals("always")) {
            assertThat(sizes.value()).as("THP always: the PMD size or mTHP sizes apply to unadvised memory; %s", sizes)
                    .isNotEmpty();
        }
        sizes.value().forEach(size -> assertThat(size).as("%s", sizes).isGreaterThan(PAGE));
        long pages = 256;
        try (RawMapping memory = RawMapping.anonymous(pages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE)) {
            boolean advised = FaultProbes.onePagePerAnonymousFault(memory.address(), memory.length());
            assertThat(advised).as("it advises exactly where sizes are found: %s", sizes).isEqualTo(!sizes.value().isEmpty());
            MemorySegment segment = memory.segment();
            Faults faults = FaultCounters.measure(() -> {
                for (long page = 0; page < pages; page++) {
                    segment.set(ValueLayout.JAVA_BYTE, page * PAGE, (byte) 1);
                }
            });
            assertThat(faults.minor()).as("with the probe's help, one first store is one fault per page (%s)", sizes)
                    .isGreaterThanOrEqualTo(pages);
        }
    }

    @Test
    void populateProbeAgreesWithTheKernelVersion() {
        Probe<Boolean> probe = FaultProbes.populateAdvice();
        assertThat(probe.holds()).as("MADV_POPULATE_* came in 5.14: %s", probe).isEqualTo(MappingProbes.kernelAtLeast(5, 14));
    }

    @Test
    void faultAroundProbeAgreesWithTheFaultsOfReadingAFile(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Probe<Long> probe = FaultProbes.faultAround();
        assertThat(probe.value()).as(probe.toString()).isPositive();
        long pages = 256;
        Path file = dir.resolve("cached.bin");
        try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
            out.write(new byte[(int) (pages * PAGE)]);
            out.getFD().sync(); // clean pages: none locked for writeback while a fault maps its neighbours
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ); Arena arena = Arena.ofConfined()) {
            MemorySegment segment = channel.map(FileChannel.MapMode.READ_ONLY, 0, pages * PAGE, arena);
            Faults faults = FaultCounters.measure(() -> {
                for (long page = 0; page < pages; page++) {
                    segment.get(ValueLayout.JAVA_BYTE, page * PAGE);
                }
            });
            assertThat(faults.total()).as("reading %d cached pages when one fault maps %d: %s", pages, probe.value(), probe)
                    .isLessThanOrEqualTo(pages / probe.value() + 12);
        }
    }

    @Test
    void dirtyProbesAgreeWithTheKernel() throws IOException {
        Probe<Boolean> cachestat = DirtyProbes.cachestat();
        if (cachestat.holds()) {
            assertThat(MappingProbes.kernelAtLeast(6, 5)).as("cachestat works, so the kernel is 6.5+: %s", cachestat).isTrue();
        } else if (!MappingProbes.kernelAtLeast(6, 5)) {
            assertThat(cachestat.reason()).as(cachestat.toString()).contains("ENOSYS");
        }
        Probe<Boolean> softDirty = DirtyProbes.softDirty();
        try (RawMapping memory = RawMapping.anonymous(PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE)) {
            memory.segment().set(ValueLayout.JAVA_BYTE, 0, (byte) 1);
            Files.writeString(Path.of("/proc/self/clear_refs"), "4");
            memory.segment().set(ValueLayout.JAVA_BYTE, 0, (byte) 2);
            boolean bit55 = (pagemapEntry(memory.address()) & (1L << 55)) != 0;
            assertThat(softDirty.holds()).as("pagemap bit 55 after clear_refs and a store is %s; %s", bit55, softDirty)
                    .isEqualTo(bit55);
            long frame = pagemapEntry(memory.address()) & ((1L << 55) - 1);
            Probe<Boolean> frames = DirtyProbes.pagemapFrameNumbers();
            assertThat(frames.holds()).as("pagemap shows frame %d for a present page; %s", frame, frames)
                    .isEqualTo(frame != 0);
        }
    }

    @Test
    void deviceProbesAgreeWithTheKernel() throws IOException {
        Probe<Boolean> sealed = DeviceProbes.readOnlySharedMapOfWriteSealedMemfd();
        assertThat(sealed.holds()).as("allowed since Linux 6.7: %s", sealed).isEqualTo(MappingProbes.kernelAtLeast(6, 7));
        Probe<Long> hugetlb = DeviceProbes.hugetlbPagesFree();
        Map<String, Long> meminfo = new java.util.HashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            String[] fields = line.split(":\\s+");
            meminfo.put(fields[0], Long.parseLong(fields[1].split(" ")[0]));
        }
        assertThat(hugetlb.value()).as(hugetlb.toString())
                .isEqualTo(Math.max(0, meminfo.getOrDefault("HugePages_Free", 0L) - meminfo.getOrDefault("HugePages_Rsvd", 0L)));
        Probe<Boolean> mapFiles = DeviceProbes.mapFilesOpenable();
        try (RawMapping memory = RawMapping.anonymous(PAGE, PROT_READ | PROT_WRITE, MAP_SHARED)) { // a shmem object
            Path link = Path.of("/proc/self/map_files/" + Long.toHexString(memory.address()) + "-"
                    + Long.toHexString(memory.address() + PAGE));
            boolean opens;
            try {
                Files.newByteChannel(link, StandardOpenOption.READ).close();
                opens = true;
            } catch (IOException e) {
                opens = false;
            }
            assertThat(mapFiles.holds()).as("opening %s %s; %s", link, opens ? "works" : "fails", mapFiles).isEqualTo(opens);
        }
    }

    @Test
    void memlockLimitMatchesProcLimitsAndTheCapabilityMask() throws IOException {
        Probe<Boolean> probe = FaultProbes.memlockLimit();
        String limits = Files.readString(Path.of("/proc/self/limits"));
        String line = limits.lines().filter(l -> l.startsWith("Max locked memory")).findFirst().orElseThrow();
        String soft = line.substring("Max locked memory".length()).strip().split("\\s+")[0];
        String status = Files.readString(Path.of("/proc/self/status"));
        String capEff = status.lines().filter(l -> l.startsWith("CapEff:")).findFirst().orElseThrow()
                .substring("CapEff:".length()).strip();
        boolean ipcLock = (Long.parseUnsignedLong(capEff, 16) & (1L << 14)) != 0;
        assertThat(probe.holds()).as("/proc/self/limits: %s; CapEff %s; %s", line, capEff, probe)
                .isEqualTo(!ipcLock && !soft.equals("unlimited"));
        assertThat(probe.reason()).contains("RLIMIT_MEMLOCK")
                .contains(ipcLock ? "CAP_IPC_LOCK yes" : "CAP_IPC_LOCK no");
    }

    @Test
    void overcommitModeIsTheSysctl() throws IOException {
        Probe<Integer> probe = FaultProbes.overcommit();
        int mode = Integer.parseInt(Files.readString(Path.of("/proc/sys/vm/overcommit_memory")).strip());
        assertThat(probe.value()).as(probe.toString()).isEqualTo(mode);
        assertThat(probe.usual()).isEqualTo(mode == 0);
        Process cat = new ProcessBuilder("cat", "/proc/sys/vm/overcommit_ratio").start();
        String ratio = new String(cat.getInputStream().readAllBytes()).strip();
        assertThat(probe.reason()).as("the ratio as cat reads it (a sysctl read from offset 1 answers nothing)")
                .contains("overcommit_ratio " + ratio + ",");
    }

    @Test
    void theCatalogueNamesEveryProbeOnceWithAReasonAndTheCallsThatAskIt() {
        List<WhatThisKernelDoes.Entry> catalogue = WhatThisKernelDoes.catalogue();
        assertThat(catalogue).extracting(WhatThisKernelDoes.Entry::module).containsOnly("01", "02", "03", "06")
                .isSorted();
        List<Probe<?>> probes = catalogue.stream().<Probe<?>>map(entry -> entry.probe().get()).toList();
        assertThat(probes).extracting(Probe::name).doesNotHaveDuplicates().hasSizeGreaterThanOrEqualTo(13);
        probes.forEach(probe -> assertThat(probe.reason()).as("the reason of %s", probe.name()).isNotBlank());
        catalogue.forEach(entry -> assertThat(entry.calls()).as("the calls of %s", entry).isNotEmpty()
                .allMatch(call -> call.matches("[A-Z]\\w*\\.\\w+"), "Class.member"));
    }

    /** The 64-bit pagemap entry of the page holding {@code address}, read without the toolkit. */
    private static long pagemapEntry(long address) throws IOException {
        try (FileChannel pagemap = FileChannel.open(Path.of("/proc/self/pagemap"), StandardOpenOption.READ)) {
            ByteBuffer entry = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder());
            pagemap.read(entry, address / PAGE * 8);
            return entry.getLong(0);
        }
    }
}
