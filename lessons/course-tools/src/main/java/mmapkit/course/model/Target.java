package mmapkit.course.model;

/** Which code the graded tests run against. */
public enum Target {
    /** The learner's starter code, {@code exercises/NN-name}. */
    EXERCISES,
    /** The reference toolkit, {@code solutions/NN-name}. */
    SOLUTIONS;

    /** The top-level folder of this side of the kit. */
    public String folder() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
