package mmapkit.sync;

import static org.assertj.core.api.Assertions.assertThat;

import org.assertj.core.api.ThrowingConsumer;

/** Checks of exception messages: words in any letter case (values such as "offset -1" are checked exactly). */
final class Messages {

    private Messages() {
    }

    /** For {@code assertThatThrownBy(...).satisfies(saying("no valid commit mark"))}. */
    static ThrowingConsumer<Throwable> saying(String words) {
        return thrown -> assertThat(thrown.getMessage())
                .as("the message of %s must say \"%s\" (in any letter case)", thrown.getClass().getSimpleName(), words)
                .containsIgnoringCase(words);
    }
}
