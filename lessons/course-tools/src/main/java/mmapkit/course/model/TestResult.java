package mmapkit.course.model;

/**
 * What became of one graded test.
 *
 * @param testClass the test's top-level class, simple name ({@code AlignDownTest})
 * @param name      where the test sits in its class, nested classes and all ({@code OnAPageBoundary > staysPut()})
 * @param status    passed, failed, or skipped (an assumption said the test cannot run here)
 * @param message   why it failed or was skipped; {@code null} when it passed
 * @param location  where in the graded test source it failed ({@code lessons/01-mapping/src/test/java/.../X.java:83}),
 *                  or {@code null}
 */
public record TestResult(String testClass, String name, Status status, String message, String location) {

    public enum Status { PASSED, FAILED, SKIPPED }

    public boolean passed() {
        return status == Status.PASSED;
    }

    public boolean failed() {
        return status == Status.FAILED;
    }
}
