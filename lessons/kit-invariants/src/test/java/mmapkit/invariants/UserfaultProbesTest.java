package mmapkit.invariants;

import static mmapkit.mapping.natives.MemoryMapCalls.MAP_PRIVATE;
import static mmapkit.mapping.natives.MemoryMapCalls.PROT_READ;
import static mmapkit.mapping.natives.MemoryMapCalls.PROT_WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import mmapkit.dirty.DirtyProbes;
import mmapkit.dirty.natives.PagemapScanCall;
import mmapkit.faults.FaultProbes;
import mmapkit.faults.natives.UserfaultCalls;
import mmapkit.mapping.MappingProbes;
import mmapkit.mapping.Pages;
import mmapkit.mapping.Probe;
import mmapkit.mapping.RawMapping;
import mmapkit.mapping.natives.NativeCallException;
import mmapkit.mapping.natives.PosixFiles;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The userfaultfd and PAGEMAP_SCAN probes (modules 02 and 03) and their bindings, checked against the
 * kernel the build runs on by another way of asking: the values of the kernel's headers, the kernel
 * version, and {@code /proc/self/pagemap} read entry by entry.
 */
class UserfaultProbesTest {

    private static final long PAGE = Pages.size();
    /** pagemap bit 57: the page is write-protected by userfaultfd. */
    private static final long PM_UFFD_WP = 1L << 57;
    private static final long PM_PRESENT = 1L << 63;

    @Test
    void requestNumbersAndStructSizesAreThoseOfTheKernelHeaders() {
        // the values a C program compiled against linux/userfaultfd.h and linux/fs.h prints, on x86-64 and arm64
        assertThat(UserfaultCalls.UFFDIO_API).as("UFFDIO_API").isEqualTo(0xc018aa3fL);
        assertThat(UserfaultCalls.UFFDIO_REGISTER).as("UFFDIO_REGISTER").isEqualTo(0xc020aa00L);
        assertThat(UserfaultCalls.UFFDIO_UNREGISTER).as("UFFDIO_UNREGISTER").isEqualTo(0x8010aa01L);
        assertThat(UserfaultCalls.UFFDIO_WAKE).as("UFFDIO_WAKE").isEqualTo(0x8010aa02L);
        assertThat(UserfaultCalls.UFFDIO_COPY).as("UFFDIO_COPY").isEqualTo(0xc028aa03L);
        assertThat(UserfaultCalls.UFFDIO_ZEROPAGE).as("UFFDIO_ZEROPAGE").isEqualTo(0xc020aa04L);
        assertThat(UserfaultCalls.UFFDIO_WRITEPROTECT).as("UFFDIO_WRITEPROTECT").isEqualTo(0xc018aa06L);
        assertThat(PagemapScanCall.PAGEMAP_SCAN).as("PAGEMAP_SCAN").isEqualTo(0xc0606610L);
        assertThat(UserfaultCalls.MESSAGE_LAYOUT.byteSize()).as("sizeof(struct uffd_msg)").isEqualTo(32);
        assertThat(UserfaultCalls.MESSAGE_LAYOUT.byteOffset(java.lang.foreign.MemoryLayout.PathElement.groupElement("address")))
                .as("offsetof(struct uffd_msg, arg.pagefault.address)").isEqualTo(16);
        assertThat(PagemapScanCall.ARG_LAYOUT.byteSize()).as("sizeof(struct pm_scan_arg)").isEqualTo(96);
        assertThat(PagemapScanCall.REGION_LAYOUT.byteSize()).as("sizeof(struct page_region)").isEqualTo(24);
    }

    @Test
    void userfaultfdProbeAgreesWithARegisteredPage() throws IOException {
        Probe<Boolean> probe = FaultProbes.userfaultfd();
        String sysctl = Files.exists(FaultProbes.UNPRIVILEGED_USERFAULTFD)
                ? Files.readString(FaultProbes.UNPRIVILEGED_USERFAULTFD).strip() : "missing";
        assertThat(probe.reason()).as("the reason names what vm.unprivileged_userfaultfd says, or the errno: %s", probe)
                .satisfiesAnyOf(reason -> assertThat(reason).contains("unprivileged_userfaultfd is " + sysctl),
                        reason -> assertThat(reason).containsPattern("E[A-Z]+ \\("));
        assumeTrue(probe.holds(), probe.reason());
        if (MappingProbes.kernelAtLeast(5, 11)) {
            assertThat(probe.reason()).as("5.11+ knows UFFD_USER_MODE_ONLY: %s", probe).contains("UFFD_USER_MODE_ONLY");
        }
        int fd = UserfaultCalls.openForUserFaults(UserfaultCalls.O_CLOEXEC | UserfaultCalls.O_NONBLOCK);
        try (RawMapping memory = RawMapping.anonymous(2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE)) {
            UserfaultCalls.api(fd, 0);
            long ioctls = UserfaultCalls.register(fd, memory.address(), 2 * PAGE, UserfaultCalls.UFFDIO_REGISTER_MODE_MISSING);
            assertThat(ioctls & (1L << 3)).as("UFFDIO_COPY (number 3) is allowed on the range").isNotZero();
            assertThat(UserfaultCalls.zeropage(fd, memory.address(), PAGE, 0)).as("one zero page served").isEqualTo(PAGE);
            assertThat(memory.segment().get(ValueLayout.JAVA_BYTE, 0)).as("the served page reads zero").isZero();
            Throwable again = catchThrowable(() -> UserfaultCalls.zeropage(fd, memory.address(), PAGE, 0));
            assertThat(again).as("a page that is there already cannot be served again").isInstanceOf(NativeCallException.class);
            assertThat(((NativeCallException) again).errnoName()).isEqualTo("EEXIST");
            assertThat(UserfaultCalls.readMessage(fd, java.lang.foreign.Arena.ofAuto().allocate(UserfaultCalls.MESSAGE_LAYOUT)))
                    .as("no fault is pending: the non-blocking read says so instead of waiting").isFalse();
            UserfaultCalls.unregister(fd, memory.address(), 2 * PAGE);
        } finally {
            PosixFiles.close(fd);
        }
    }

    @Test
    void asyncWriteProtectProbeAgreesWithPagemapBit57() throws IOException {
        Probe<Boolean> probe = DirtyProbes.asyncWriteProtect();
        if (MappingProbes.kernelAtLeast(6, 7) && FaultProbes.userfaultfd().holds()) {
            assertThat(probe.holds()).as("WP_ASYNC came in 6.7: %s", probe).isTrue();
        }
        assumeTrue(probe.holds(), probe.reason());
        int fd = UserfaultCalls.openForUserFaults(UserfaultCalls.O_CLOEXEC | UserfaultCalls.O_NONBLOCK);
        try (RawMapping memory = RawMapping.anonymous(2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE)) {
            memory.segment().fill((byte) 1);
            UserfaultCalls.api(fd, UserfaultCalls.UFFD_FEATURE_WP_ASYNC | UserfaultCalls.UFFD_FEATURE_WP_UNPOPULATED);
            UserfaultCalls.register(fd, memory.address(), 2 * PAGE, UserfaultCalls.UFFDIO_REGISTER_MODE_WP);
            UserfaultCalls.writeProtect(fd, memory.address(), 2 * PAGE, true);
            assertThat(pagemapEntry(memory.address()) & PM_UFFD_WP).as("protected: pagemap bit 57 set").isNotZero();
            memory.segment().set(ValueLayout.JAVA_BYTE, 0, (byte) 2); // resolved by the kernel: no handler runs
            assertThat(pagemapEntry(memory.address()) & PM_UFFD_WP).as("written: bit 57 cleared by the store").isZero();
            assertThat(pagemapEntry(memory.address() + PAGE) & PM_UFFD_WP).as("the other page stays protected").isNotZero();
        } finally {
            PosixFiles.close(fd);
        }
    }

    @Test
    void pagemapScanProbeAgreesWithPagemapEntries() throws IOException {
        Probe<Boolean> probe = DirtyProbes.pagemapScan();
        assertThat(probe.holds()).as("PAGEMAP_SCAN came in 6.7: %s", probe).isEqualTo(MappingProbes.kernelAtLeast(6, 7));
        assumeTrue(probe.holds(), probe.reason());
        long pages = 8;
        try (RawMapping memory = RawMapping.anonymous(pages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE)) {
            FaultProbes.onePagePerAnonymousFault(memory.address(), pages * PAGE);
            memory.segment().set(ValueLayout.JAVA_BYTE, 1 * PAGE, (byte) 1);
            memory.segment().set(ValueLayout.JAVA_BYTE, 2 * PAGE, (byte) 1);
            memory.segment().set(ValueLayout.JAVA_BYTE, 6 * PAGE, (byte) 1);
            int fd = PosixFiles.open(Path.of("/proc/self/pagemap"), PosixFiles.O_RDONLY, 0);
            try {
                PagemapScanCall.Scan scan = PagemapScanCall.scan(fd, memory.address(), memory.address() + pages * PAGE, 0,
                        PagemapScanCall.PAGE_IS_PRESENT, PagemapScanCall.PAGE_IS_PRESENT, 16);
                StringBuilder fromScan = new StringBuilder("-".repeat((int) pages));
                for (PagemapScanCall.Region region : scan.regions()) {
                    for (long address = region.start(); address < region.end(); address += PAGE) {
                        fromScan.setCharAt((int) ((address - memory.address()) / PAGE), 'P');
                    }
                }
                StringBuilder fromPagemap = new StringBuilder();
                for (long page = 0; page < pages; page++) {
                    fromPagemap.append((pagemapEntry(memory.address() + page * PAGE) & PM_PRESENT) != 0 ? 'P' : '-');
                }
                assertThat(fromScan.toString()).as("present pages by PAGEMAP_SCAN and by pagemap entries")
                        .isEqualTo(fromPagemap.toString()).isEqualTo("-PP---P-");
                assertThat(scan.walkEnd()).as("the walk reached the end").isEqualTo(memory.address() + pages * PAGE);
            } finally {
                PosixFiles.close(fd);
            }
        }
    }

    private static long pagemapEntry(long address) throws IOException {
        try (FileChannel pagemap = FileChannel.open(Path.of("/proc/self/pagemap"), StandardOpenOption.READ)) {
            ByteBuffer entry = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder());
            pagemap.read(entry, address / PAGE * 8);
            return entry.getLong(0);
        }
    }
}
