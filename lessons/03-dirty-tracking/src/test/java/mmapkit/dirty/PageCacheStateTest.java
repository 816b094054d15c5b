package mmapkit.dirty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import mmapkit.course.Task;
import mmapkit.faults.Advice;
import mmapkit.faults.PageControl;
import mmapkit.mapping.MapMode;
import mmapkit.mapping.MappedFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

@Task(id = "03.2", points = 15, title = "Ask cachestat about a file's pages")
class PageCacheStateTest {

    private static final long PAGE = KernelViewFiles.PAGE;
    private static final String WRITEBACK_NOTE = " (if fewer: the kernel wrote some back on its own in the"
            + " milliseconds since the stores; run the test again)";

    private final KernelViewFiles files = KernelViewFiles.create();

    @AfterEach
    void deleteFiles() {
        files.close();
    }

    @Test
    void saysWhetherTheKernelHasCachestatAndWhyNot() {
        boolean supported = PageCacheState.supported();
        String reason = PageCacheState.unsupportedReason();
        assertThat(reason.isEmpty()).as("unsupportedReason() is empty exactly when supported() is true; here it is '"
                + reason + "'").isEqualTo(supported);
        if (!supported) {
            assertThat(reason).as("the reason names the call").containsIgnoringCase("cachestat");
            assertThatThrownBy(() -> PageCacheState.of(files.synced("any.bin", 1), 0, 0))
                    .isInstanceOf(UnsupportedOperationException.class).hasMessage(reason);
        }
    }

    @Test
    void countsTheDirtyPagesOfAFileUntilForce() throws Exception {
        assumeTrue(PageCacheState.supported(), PageCacheState::unsupportedReason);
        Path file = files.hole("shared.bin", 16);
        try (MappedFile mapping = MappedFile.map(file, MapMode.SHARED)) {
            MemorySegment pages = mapping.segment();
            PageControl.advise(pages, Advice.RANDOM); // no readahead: one page per fault
            assertThat(PageCacheState.of(file, 0, 0)).as("a fresh hole: nothing cached, nothing dirty")
                    .isEqualTo(new CacheStat(0, 0, 0, 0, 0));
            for (long page : new long[] {1, 2, 7, 8, 11, 14}) {
                pages.set(ValueLayout.JAVA_LONG, page * PAGE, page);
            }
            CacheStat whole = PageCacheState.of(file, 0, 0);
            CacheStat firstHalf = PageCacheState.of(file, 0, 8 * PAGE);
            assertThat(whole.dirty()).as("6 pages written: 6 dirty pages of the file (length 0: up to its end)"
                    + WRITEBACK_NOTE).isEqualTo(6);
            assertThat(whole.cached()).as("the 6 pages written are the file's only cached pages").isEqualTo(6);
            assertThat(firstHalf.dirty()).as("pages 0..7 hold 3 of them (1, 2 and 7)" + WRITEBACK_NOTE).isEqualTo(3);
            mapping.force();
            CacheStat forced = PageCacheState.of(file, 0, 0);
            assertThat(forced.dirty()).as("after force() (msync) nothing is dirty").isZero();
            assertThat(forced.writeback()).as("... nor under writeback: msync(MS_SYNC) waits for it").isZero();
            assertThat(forced.cached()).as("... and the pages are still cached").isEqualTo(6);
        }
    }

    @Test
    void storesToAPrivateMappingLeaveTheFileClean() throws Exception {
        assumeTrue(PageCacheState.supported(), PageCacheState::unsupportedReason);
        Path file = files.synced("private.bin", 8);
        try (MappedFile mapping = MappedFile.map(file, MapMode.PRIVATE)) {
            MemorySegment pages = mapping.segment();
            for (long page = 0; page < 8; page++) {
                pages.set(ValueLayout.JAVA_LONG, page * PAGE, -1L);
            }
            CacheStat stat = PageCacheState.of(file, 0, 0);
            assertThat(stat.dirty()).as("stores through MAP_PRIVATE change private copies, never the file's pages")
                    .isZero();
            assertThat(stat.cached()).as("the file's 8 pages, written and fsync'ed, are cached").isEqualTo(8);
        }
    }

    @Test
    void refusesANegativeOffsetOrLength() {
        Path file = files.synced("args.bin", 1);
        assertThatThrownBy(() -> PageCacheState.of(file, -1, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("offset -1");
        assertThatThrownBy(() -> PageCacheState.of(file, 0, -PAGE)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("length -" + PAGE);
    }
}
