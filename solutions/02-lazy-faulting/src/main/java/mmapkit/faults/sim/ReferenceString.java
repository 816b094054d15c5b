package mmapkit.faults.sim;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The pages a program touches, in order: the input of a paging simulation.
 *
 * <p>Notation: references are separated by spaces (commas are allowed too); a read is the page
 * number, a write is the page number with a {@code w} in front. {@code "7 0 w1 2"} reads page 7,
 * reads page 0, writes page 1 and reads page 2. Given code.
 *
 * @param references the references, at least one
 */
public record ReferenceString(List<Reference> references) {

    // tag::textbook-strings[]
    /** Silberschatz, Galvin and Gagne, <i>Operating System Concepts</i>: the string of the FIFO, OPT and LRU figures. */
    public static final String SILBERSCHATZ = "7 0 1 2 0 3 0 4 2 3 0 3 2 1 2 0 1 7 0 1";

    /** Belady, Nelson and Shedler (1969): under FIFO, 4 frames fault more often than 3 on this string. */
    public static final String BELADY = "1 2 3 4 1 2 5 1 2 3 4 5";
    // end::textbook-strings[]

    public ReferenceString {
        Objects.requireNonNull(references, "references");
        references = List.copyOf(references);
        if (references.isEmpty()) {
            throw new IllegalArgumentException("references [] must hold at least one reference");
        }
    }

    /** Reads of the given pages, in order: {@code of(7, 0, 1)} is {@code "7 0 1"}. */
    public static ReferenceString of(int... pages) {
        Objects.requireNonNull(pages, "pages");
        return new ReferenceString(java.util.Arrays.stream(pages).mapToObj(Reference::read).toList());
    }

    /**
     * Parses a reference string such as {@code "7 0 w1 2"}. A token that is not a page number
     * (optionally with a {@code w} in front) is refused with its text and its position, counted
     * from 1: {@code "7 0 x"} fails at reference 3, {@code "x"}.
     *
     * @throws IllegalArgumentException for an empty string, a token that is no page number, a
     *                                  negative page or one above {@link Reference#MAX_PAGE}
     */
    // tag::parse[]
    public static ReferenceString parse(String text) {
        Objects.requireNonNull(text, "text");
        String trimmed = text.strip();
        if (trimmed.isEmpty() || trimmed.replace(",", "").isBlank()) {
            throw new IllegalArgumentException("reference string \"" + text
                    + "\" is empty: it must hold at least one page number, such as \"7 0 1 2\"");
        }
        String[] tokens = trimmed.split("[\\s,]+");
        List<Reference> references = new java.util.ArrayList<>(tokens.length);
        for (int i = 0; i < tokens.length; i++) {
            references.add(parseToken(text, tokens[i], i + 1));
        }
        return new ReferenceString(references);
    }
    // end::parse[]

    private static Reference parseToken(String text, String token, int position) {
        boolean write = token.startsWith("w") || token.startsWith("W");
        String number = write ? token.substring(1) : token;
        String where = "reference " + position + " \"" + token + "\" of \"" + text + "\"";
        if (number.startsWith("-") && number.length() > 1 && number.substring(1).chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException(where + " is a negative page number: pages are numbered from 0");
        }
        if (number.isEmpty() || !number.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException(where + " is not a page number: write a read as 7 and a write as w7");
        }
        int page;
        try {
            page = Integer.parseInt(number);
        } catch (NumberFormatException e) {
            page = Integer.MAX_VALUE; // far too large: refused just below
        }
        if (page > Reference.MAX_PAGE) {
            throw new IllegalArgumentException(where + " is above the largest page " + Reference.MAX_PAGE);
        }
        return write ? Reference.write(page) : Reference.read(page);
    }

    /** How many references there are. */
    public int length() {
        return references.size();
    }

    /** The reference at {@code index}, counted from 0. */
    public Reference get(int index) {
        return references.get(index);
    }

    /** The largest page number referenced: the page table needs {@code maxPage() + 1} entries. */
    public int maxPage() {
        return references.stream().mapToInt(Reference::page).max().orElseThrow();
    }

    /** How many different pages are referenced: the fewest faults any policy can have (cold misses). */
    public int distinctPages() {
        return (int) references.stream().mapToInt(Reference::page).distinct().count();
    }

    /** The string in the notation {@link #parse} reads: {@code "7 0 w1 2"}. */
    @Override
    public String toString() {
        return references.stream().map(Reference::toString).collect(Collectors.joining(" "));
    }
}
