package mmapkit.invariants;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

/** How every check reports: one line per problem, each saying what broke and how to fix it. */
final class Problems {

    private Problems() {
    }

    static void assertNone(String subject, List<String> problems) {
        assertThat(problems)
                .withFailMessage(() -> subject + " breaks " + problems.size() + " kit invariant(s):\n  - "
                        + String.join("\n  - ", problems.stream().map(p -> p.replace("\n", "\n    ")).toList()))
                .isEmpty();
    }
}
