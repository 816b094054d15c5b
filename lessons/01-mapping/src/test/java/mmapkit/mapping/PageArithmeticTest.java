package mmapkit.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import mmapkit.course.Task;
import org.junit.jupiter.api.Test;

@Task(id = "01.1", points = 10, title = "Do page arithmetic")
class PageArithmeticTest {

    private static final long PAGE = Pages.size();

    @Test
    void thePageSizeIsAPowerOfTwo() {
        assertThat(Long.bitCount(PAGE)).as("the page size %d should be a power of two", PAGE).isEqualTo(1);
        assertThat(Pages.alignDown(PAGE)).as("alignDown(page size) should be the page size itself").isEqualTo(PAGE);
    }

    @Test
    void alignDownRoundsToTheStartOfThePage() {
        assertThat(Pages.alignDown(0)).as("alignDown(0): offset 0 is the start of page 0").isZero();
        assertThat(Pages.alignDown(1)).as("alignDown(1): byte 1 is in page 0, which starts at 0").isZero();
        assertThat(Pages.alignDown(PAGE - 1)).as("alignDown(%d): the last byte of page 0", PAGE - 1).isZero();
        assertThat(Pages.alignDown(PAGE + 1)).as("alignDown(%d) should be the start of page 1", PAGE + 1).isEqualTo(PAGE);
        long beyondIntRange = 5L * PAGE * 1_000_000 + 123;
        assertThat(Pages.alignDown(beyondIntRange)).as("alignDown(%d): offsets beyond 2 GiB are longs, not ints", beyondIntRange)
                .isEqualTo(5L * PAGE * 1_000_000);
    }

    @Test
    void alignUpRoundsToTheNextPageBoundaryUnlessOnOne() {
        assertThat(Pages.alignUp(0)).as("alignUp(0) should stay 0").isZero();
        assertThat(Pages.alignUp(1)).as("alignUp(1): one byte needs a whole page").isEqualTo(PAGE);
        assertThat(Pages.alignUp(PAGE)).as("alignUp(page size) is already aligned and should not move").isEqualTo(PAGE);
        assertThat(Pages.alignUp(PAGE + 1)).as("alignUp(%d) should be two pages", PAGE + 1).isEqualTo(2 * PAGE);
        assertThat(Pages.alignUp(3L << 31)).as("alignUp of a 6 GiB offset, already aligned").isEqualTo(3L << 31);
    }

    @Test
    void isAlignedAndOffsetInPage() {
        assertThat(Pages.isAligned(0)).as("0 is a multiple of the page size").isTrue();
        assertThat(Pages.isAligned(PAGE * 3)).as("3 pages is aligned").isTrue();
        assertThat(Pages.isAligned(PAGE + 1)).as("%d is one byte past a page boundary", PAGE + 1).isFalse();
        assertThat(Pages.offsetInPage(PAGE + 1)).as("offsetInPage(%d): byte 1 of page 1", PAGE + 1).isEqualTo(1);
        assertThat(Pages.offsetInPage(PAGE * 7)).as("offsetInPage of a page boundary").isZero();
        assertThat(Pages.offsetInPage(PAGE - 1)).as("offsetInPage(%d): the last byte of page 0", PAGE - 1).isEqualTo(PAGE - 1);
    }

    @Test
    void pageCountCountsEveryPageTheRangeTouches() {
        assertThat(Pages.pageCount(0, PAGE)).as("pageCount(0, page size): exactly one page").isEqualTo(1);
        assertThat(Pages.pageCount(PAGE - 1, 2)).as("pageCount(%d, 2): one byte in each of two pages", PAGE - 1).isEqualTo(2);
        assertThat(Pages.pageCount(1, PAGE)).as("pageCount(1, page size) spills one byte into page 1").isEqualTo(2);
        assertThat(Pages.pageCount(100, 0)).as("pageCount(100, 0): an empty range touches no page").isZero();
        assertThat(Pages.pageCount(PAGE, 1)).as("pageCount(page size, 1): the first byte of page 1").isEqualTo(1);
        assertThat(Pages.pageCount(0, 3L << 30)).as("pageCount(0, 3 GiB)").isEqualTo((3L << 30) / PAGE);
    }

    @Test
    void badInputIsRefusedWithTheArgumentItsValueAndTheRule() {
        assertThat(catchThrowable(() -> Pages.alignDown(-1))).as("alignDown(-1)")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("offset -1");
        assertThat(catchThrowable(() -> Pages.alignUp(-PAGE))).as("alignUp(-PAGE)")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("offset -" + PAGE);
        assertThat(catchThrowable(() -> Pages.isAligned(-2))).as("isAligned(-2)")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("offset -2");
        assertThat(catchThrowable(() -> Pages.offsetInPage(-3))).as("offsetInPage(-3)")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("offset -3");
        assertThat(catchThrowable(() -> Pages.pageCount(-5, 10))).as("pageCount(-5, 10)")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("offset -5");
        assertThat(catchThrowable(() -> Pages.pageCount(0, -10))).as("pageCount(0, -10)")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("length -10");
    }

    @Test
    void resultsThatDoNotFitInALongAreRefused() {
        assertThat(catchThrowable(() -> Pages.alignUp(Long.MAX_VALUE)))
                .as("alignUp(Long.MAX_VALUE) would overflow: it must be refused, not wrap around to a negative number")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(String.valueOf(Long.MAX_VALUE));
        assertThat(catchThrowable(() -> Pages.pageCount(Long.MAX_VALUE, 2)))
                .as("pageCount(Long.MAX_VALUE, 2): the range's end does not fit in a long")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(String.valueOf(Long.MAX_VALUE));
    }
}
