package mmapkit.course.grading;

import mmapkit.course.harness.Failures;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FailuresTest {

    @Test
    void anAssertionQuotingAStackKeepsOnlyTheKitsFrames() {
        AssertionError quoting = new AssertionError("""
                Expecting throwable message:
                  "field 10 is not a number: many"
                to contain:
                  "minflt"
                but did not.

                Throwable that failed the check:

                java.lang.IllegalArgumentException: field 10 is not a number: many
                \tat graded-code//mmapkit.faults.FaultCounters.number(FaultCounters.java:58)
                \tat org.assertj.core.api.ThrowableAssert.catchThrowable(ThrowableAssert.java:63)
                \tat graded-code//mmapkit.faults.FaultCountsTest.refused(FaultCountsTest.java:54)
                \tat org.junit.platform.commons.util.ReflectionUtils.invokeMethod(ReflectionUtils.java:786)
                \tat java.base/java.lang.Thread.run(Thread.java:1474)
                Caused by: java.lang.NumberFormatException: For input string: "many"
                \tat java.base/java.lang.Long.parseLong(Long.java:594)
                \t... 18 more
                """);
        assertThat(Failures.describe(quoting))
                .contains("to contain:\n  \"minflt\"", "mmapkit.faults.FaultCounters.number(FaultCounters.java:58)",
                        "mmapkit.faults.FaultCountsTest.refused(FaultCountsTest.java:54)",
                        "Caused by: java.lang.NumberFormatException")
                .doesNotContain("org.assertj", "org.junit", "java.base", "18 more");
    }
}
