package mmapkit.mapping;

/** Placeholder. */
public final class Pages {
    private Pages() {}
}
