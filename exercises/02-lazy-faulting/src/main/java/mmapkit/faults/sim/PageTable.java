package mmapkit.faults.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * The page table: one {@link PageTableEntry} for each page of a small virtual address space of
 * {@link #pageCount()} pages. Given code.
 */
public final class PageTable {

    private final PageTableEntry[] entries;

    /** Made by the {@link Pager}, which checks {@code pageCount}. */
    PageTable(int pageCount) {
        entries = new PageTableEntry[pageCount];
        for (int page = 0; page < pageCount; page++) {
            entries[page] = new PageTableEntry(page);
        }
    }

    /** How many virtual pages there are. */
    public int pageCount() {
        return entries.length;
    }

    /** The entry of {@code page}. */
    public PageTableEntry entry(int page) {
        Checks.index("page", page, entries.length);
        return entries[page];
    }

    /** The pages that are present, in page order. */
    public List<Integer> presentPages() {
        List<Integer> present = new ArrayList<>();
        for (PageTableEntry entry : entries) {
            if (entry.isPresent()) {
                present.add(entry.page());
            }
        }
        return present;
    }
}
