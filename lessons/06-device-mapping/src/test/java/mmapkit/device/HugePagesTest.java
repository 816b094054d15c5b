package mmapkit.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import mmapkit.course.Task;
import mmapkit.device.special.HugePageRegion;
import mmapkit.device.special.HugePageReport;
import mmapkit.device.special.HugePageReport.Outcome;
import mmapkit.device.special.HugePages;
import mmapkit.device.special.HugePagesUnavailableException;
import mmapkit.device.special.ThpMode;
import mmapkit.faults.natives.AdviceCalls;
import mmapkit.mapping.Pages;
import mmapkit.mapping.natives.NativeCallException;
import mmapkit.mapping.proc.Sysctl;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;

@Task(id = "06.3", points = 10, title = "Huge pages, asked for and verified")
class HugePagesTest {

    private static final long HUGE = HugePages.transparentPageSize();

    /** What this machine's kernel says about transparent huge pages, read here, not by the code under test. */
    private static String thpSetting() {
        try {
            return Files.isReadable(ThpMode.ENABLED) ? Files.readString(ThpMode.ENABLED).strip() : "(no " + ThpMode.ENABLED + ")";
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    @Test
    void theModeIsTheWordInBrackets() {
        assertThat(ThpMode.parse("always [madvise] never\n")).isEqualTo(ThpMode.MADVISE);
        assertThat(ThpMode.parse("[always] madvise never")).isEqualTo(ThpMode.ALWAYS);
        assertThat(ThpMode.parse("always madvise [never]")).isEqualTo(ThpMode.NEVER);
        for (String bad : new String[] {"always madvise never", "[sometimes] never", ""}) {
            assertThatThrownBy(() -> ThpMode.parse(bad), "the text '%s'", bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(bad);
        }
    }

    @Nested
    class Transparent {

        @Test
        void theRegionIsAlignedAdvisedAndGrantedNothingBeforeItIsTouched() {
            try (HugePageRegion region = HugePages.transparent(2 * HUGE)) {
                long address = region.segment().address();
                assertThat(address % HUGE).as("the region starts on a huge-page boundary (0x%s): a huge page maps an"
                        + " aligned block of %d bytes, and an unaligned region could hold one huge page fewer",
                        Long.toHexString(address), HUGE).isZero();
                assertThat(region.segment().byteSize()).isEqualTo(2 * HUGE);
                if (ThpMode.current() != ThpMode.UNAVAILABLE) {
                    assertThat(SpecialFiles.smapsValue(address, "VmFlags").orElse(""))
                            .as("VmFlags of the area in smaps: 'hg' is what madvise(MADV_HUGEPAGE) sets").contains("hg");
                }
                HugePageReport report = region.report();
                assertThat(report.kind()).isEqualTo(HugePageReport.Kind.TRANSPARENT);
                assertThat(report.requestedBytes()).isEqualTo(2 * HUGE);
                assertThat(report.grantedBytes()).as("nothing is touched yet, so smaps shows no huge page; a report that"
                        + " claims some assumed instead of looking: %s", report).isZero();
                assertThat(report.outcome()).as(report.toString()).isIn(Outcome.NOT_GRANTED, Outcome.UNSUPPORTED);
            }
        }

        @Test
        void afterATouchTheReportSaysWhatSmapsSays() {
            try (HugePageRegion region = HugePages.transparent(2 * HUGE)) {
                region.touch();
                long address = region.segment().address();
                HugePageReport report = region.report();
                long seen = SpecialFiles.smapsBytes(address, "AnonHugePages");
                ThpMode mode = ThpMode.current();
                assertThat(report.grantedBytes()).as("granted bytes: AnonHugePages of the area in /proc/self/smaps is %d"
                        + " (transparent huge pages: %s)", seen, thpSetting()).isEqualTo(seen);
                assertThat(report.reason()).as("the reason shows the evidence").contains("AnonHugePages");
                if (seen == 2 * HUGE) {
                    assertThat(report.outcome()).as(report.toString()).isEqualTo(Outcome.GRANTED);
                } else if (seen > 0) {
                    assertThat(report.outcome()).as(report.toString()).isEqualTo(Outcome.PARTLY_GRANTED);
                } else if (mode == ThpMode.NEVER || mode == ThpMode.UNAVAILABLE) {
                    assertThat(report.outcome()).as("the kernel gives none: %s", report).isEqualTo(Outcome.UNSUPPORTED);
                    assertThat(report.reason()).as("and the reason names the setting").contains(ThpMode.ENABLED.toString());
                } else {
                    assertThat(report.outcome()).as("asked for, allowed by the mode, not granted: say so, %s", report)
                            .isEqualTo(Outcome.NOT_GRANTED);
                }
                assertThat(region.segment().get(ValueLayout.JAVA_BYTE, HUGE + Pages.size())).as("touch wrote a byte per page")
                        .isEqualTo((byte) 1);
            }
        }

        @Test
        void aRegionAdvisedAgainstHugePagesIsReportedAsGrantedNothing() {
            try (HugePageRegion region = HugePages.transparent(2 * HUGE)) {
                long address = region.segment().address();
                boolean advised;
                try { // the test takes the advice back before the first touch: the kernel then gives no huge page
                    AdviceCalls.madvise(address, 2 * HUGE, AdviceCalls.MADV_NOHUGEPAGE);
                    advised = true;
                } catch (NativeCallException e) {
                    advised = false; // EINVAL: a kernel without transparent huge pages, which grants none anyway
                }
                region.touch();
                long seen = SpecialFiles.smapsBytes(address, "AnonHugePages");
                assertThat(seen).as("smaps shows AnonHugePages %d for a region under MADV_NOHUGEPAGE (advice taken: %s)",
                        seen, advised).isZero();
                HugePageReport report = region.report();
                assertThat(report.grantedBytes()).as("the region was touched, but under MADV_NOHUGEPAGE (set by the test"
                        + " after transparent() returned) the kernel gave it no huge page: smaps says AnonHugePages %d;"
                        + " a report must read smaps, not assume that a touched, advised region got them: %s", seen,
                        report).isZero();
                assertThat(report.outcome()).as(report.toString()).isIn(Outcome.NOT_GRANTED, Outcome.UNSUPPORTED);
                assertThat(report.reason()).as("the reason shows the evidence").contains("AnonHugePages");
            }
        }

        @Test
        void lengthsThatAreNotWholeHugePagesAreRefused() {
            for (long length : new long[] {0, Pages.size(), HUGE + Pages.size(), -HUGE}) {
                assertThatThrownBy(() -> HugePages.transparent(length).close(), "transparent(%d)", length)
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("length")
                        .hasMessageContaining(String.valueOf(length)).hasMessageContaining(String.valueOf(HUGE));
            }
            try (HugePageRegion region = HugePages.transparent(HUGE)) {
                assertThat(region.length()).as("one huge page is fine").isEqualTo(HUGE);
            }
        }
    }

    @Nested
    class Hugetlb {

        @Test
        void thePoolGivesPagesOrTheRefusalSaysWhy() throws IOException {
            long size = SpecialFiles.meminfo("Hugepagesize").orElse(2L << 20);
            long total = SpecialFiles.meminfo("HugePages_Total").orElse(0L);
            long free = SpecialFiles.meminfo("HugePages_Free").orElse(0L);
            long reserved = SpecialFiles.meminfo("HugePages_Rsvd").orElse(0L);
            long overcommit = Sysctl.readIfPresent("vm/nr_overcommit_hugepages").map(Long::parseLong).orElse(0L);
            String pool = "HugePages_Total " + total + ", HugePages_Free " + free + ", HugePages_Rsvd " + reserved
                    + ", nr_overcommit_hugepages " + overcommit;
            Throwable thrown = null;
            HugePageRegion region = null;
            try {
                region = HugePages.hugetlb(size);
            } catch (RuntimeException e) {
                thrown = e;
            }
            long available = DeviceProbes.hugetlbPagesFree().value(); // HugePages_Free - HugePages_Rsvd
            if (available >= 1) {
                assertThat(thrown).as("the pool has a free huge page (%s): MAP_HUGETLB must get it", pool).isNull();
            } else if (overcommit == 0) {
                assertThat(region).as("the pool has no free huge page (%s): MAP_HUGETLB must be refused", pool).isNull();
            }
            if (region != null) {
                try (HugePageRegion granted = region) {
                    granted.touch();
                    HugePageReport report = granted.report();
                    assertThat(SpecialFiles.smapsValue(granted.segment().address(), "KernelPageSize"))
                            .as("the area is mapped with huge pages").contains((size / 1024) + " kB");
                    assertThat(report.outcome()).as(report.toString()).isEqualTo(Outcome.GRANTED);
                    assertThat(report.grantedBytes()).as("Private_Hugetlb of the area").isEqualTo(size);
                }
                return;
            }
            assertThat(thrown).as("a refusal says why (%s)", pool).isInstanceOf(HugePagesUnavailableException.class);
            HugePagesUnavailableException refused = (HugePagesUnavailableException) thrown;
            assertThat(refused.getMessage()).as("the message names the request").contains("MAP_HUGETLB")
                    .contains(String.valueOf(size));
            if (total == 0) {
                assertThat(refused.reason()).as("the reason, with what to do about it").isEqualTo("no huge pages reserved"
                        + " (HugePages_Total is 0 in /proc/meminfo; reserve some with vm.nr_hugepages)");
            } else {
                assertThat(refused.reason()).as("the reason names the free pages").contains("HugePages_Free");
            }
            assertThat(refused.getCause()).as("the kernel's own answer is the cause").isInstanceOf(NativeCallException.class);
            NativeCallException cause = (NativeCallException) refused.getCause();
            assertThat(cause.errnoName()).isEqualTo("ENOMEM");
            assertThat(cause.call()).as("the refused call").startsWith("mmap(").contains("MAP_HUGETLB");
        }

        @Test
        void lengthsThatAreNotWholeHugePagesAreRefused() {
            long size = SpecialFiles.meminfo("Hugepagesize").orElse(2L << 20);
            Throwable refused = catchThrowable(() -> HugePages.hugetlb(size / 2).close());
            assertThat(refused).as("hugetlb(%d): half a huge page", size / 2).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("length").hasMessageContaining(String.valueOf(size / 2))
                    .hasMessageContaining(String.valueOf(size));
        }
    }
}
