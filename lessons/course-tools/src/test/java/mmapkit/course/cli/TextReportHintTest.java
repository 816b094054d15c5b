package mmapkit.course.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextReportHintTest {

    @Test
    void inlineCodeWithAPlusKeepsItsPairsOfBackticks() {
        // lines of hint 04.1 as the learner trial of module 04 found them mangled
        String hint = """
                `msync` works on pages of memory, so think in addresses, not in offsets: the range's first byte is
                at `segment.address() + offset`, its last at that plus `length - 1`. The first page starts at
                compare without adding: `offset + length` can overflow a `long`.
                """;
        assertThat(TextReportHint.plain(hint)).isEqualTo("""
                  msync works on pages of memory, so think in addresses, not in offsets: the range's first byte is
                  at segment.address() + offset, its last at that plus length - 1. The first page starts at
                  compare without adding: offset + length can overflow a long.
                """);
    }

    @Test
    void passthroughCodeLosesItsPlusesAndMayHoldBackticksOrPluses() {
        assertThat(TextReportHint.plain("the value `+a`b+` and `+x + y+`, then `c`"))
                .isEqualTo("  the value a`b and x + y, then c\n");
    }
}
