package mmapkit.mapping;

/**
 * How a file is mapped, and so how it is opened and what stores do.
 *
 * <table>
 * <caption>The three modes</caption>
 * <tr><th>mode</th><th>file opened</th><th>stores</th><th>past end of file</th></tr>
 * <tr><td>READ_ONLY</td><td>read</td><td>refused</td><td>refused</td></tr>
 * <tr><td>SHARED</td><td>read and write</td><td>reach the file (page cache) at once</td><td>the file is extended</td></tr>
 * <tr><td>PRIVATE</td><td>read</td><td>copy-on-write, never reach the file</td><td>refused</td></tr>
 * </table>
 */
public enum MapMode {
    /** {@code PROT_READ, MAP_SHARED}: a store throws; the file is opened for reading only. */
    READ_ONLY,
    /** {@code PROT_READ|PROT_WRITE, MAP_SHARED}: stores go to the page cache, seen by every reader of the file. */
    SHARED,
    /** {@code PROT_READ|PROT_WRITE, MAP_PRIVATE}: the first store to a page copies it for this mapping alone. */
    PRIVATE
}
