package mmapkit.invariants;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Learners on macOS and Windows open the kit in its dev container: it must parse and give them a JDK 25. */
class DevContainerTest {

    @Test
    void theDevContainerIsValidJsonWithAJdk25Image() throws Exception {
        Path file = KitLayout.ofBuild().root().resolve(".devcontainer/devcontainer.json");
        assertThat(file).as("the dev container the README's 'On macOS or Windows' names").exists();
        JsonNode container = new ObjectMapper().readTree(Files.readString(file));
        assertThat(container.path("image").asText()).as("its image carries a JDK 25 (./course needs 25 or newer)")
                .matches("mcr\\.microsoft\\.com/devcontainers/java:\\d+-25(-[a-z]+)?");
        assertThat(container.path("postCreateCommand").asText()).as("it builds the course tools once, so ./course starts at once")
                .isEqualTo("./course help");
    }
}
