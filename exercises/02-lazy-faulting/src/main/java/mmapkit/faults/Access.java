package mmapkit.faults;

/** How a page is touched: a load, or a store (which, in a private mapping, copies the page). */
public enum Access {
    /** A load: a read fault maps the page (and, for a file, maybe its cached neighbours). */
    READ,
    /** A store: a write fault; in a private mapping it copies the page (copy-on-write). */
    WRITE
}
