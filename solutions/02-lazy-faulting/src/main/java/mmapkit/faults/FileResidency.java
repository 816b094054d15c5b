package mmapkit.faults;

import java.nio.file.Path;

/**
 * How much of a file is in the page cache, as {@code fincore} and {@code vmtouch} report it.
 *
 * @param file       the file
 * @param size       its length in bytes when it was asked
 * @param pages      one entry per page of the file (the last one may be partial)
 * @param visibility whether mincore told the truth about this file, and why
 */
public record FileResidency(Path file, long size, ResidencyMap pages, MincoreVisibility visibility) {

    /** Whether the counts are the page cache's state (see {@link MincoreVisibility}). */
    public boolean reliable() {
        return visibility.reliable();
    }

    /** Resident pages times the page size (the last page counts whole, as fincore counts it). */
    public long residentBytes() {
        return pages.residentCount() * mmapkit.mapping.Pages.size();
    }

    @Override
    public String toString() {
        return file.getFileName() + ": " + pages.residentCount() + "/" + pages.pageCount() + " pages resident"
                + (reliable() ? "" : " (NOT RELIABLE: " + visibility.reason() + ")");
    }
}
