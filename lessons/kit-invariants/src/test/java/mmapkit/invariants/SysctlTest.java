package mmapkit.invariants;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import mmapkit.mapping.proc.Sysctl;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * {@link Sysctl} reads a tunable whole, as {@code cat} does: a sysctl of numbers answers a read at a
 * later offset with end of file, so a reader that takes the first byte alone gets {@code 5} for
 * {@code 50}.
 */
class SysctlTest {

    @Test
    void aNumberOfSeveralDigitsReadsAsCatReadsIt() throws IOException, InterruptedException {
        String name = "vm/overcommit_ratio"; // 50 unless an administrator changed it
        assumeTrue(Files.isReadable(Sysctl.ROOT.resolve(name)), "this kernel has no /proc/sys/" + name);
        assertThat(Sysctl.readLong(name)).as("/proc/sys/%s as cat reads it", name).isEqualTo(Long.parseLong(cat(name)));
        assertThat(Sysctl.read("kernel/osrelease")).as("a sysctl of text").isEqualTo(cat("kernel/osrelease"));
    }

    @Test
    void aMissingSysctlIsEmptyOrAnErrorThatNamesIt() {
        assertThat(Sysctl.readIfPresent("vm/no_such_tunable")).isEmpty();
        assertThatThrownBy(() -> Sysctl.read("vm/no_such_tunable")).hasMessageContaining("/proc/sys/vm/no_such_tunable");
        assertThatThrownBy(() -> Sysctl.readLong("kernel/osrelease")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("/proc/sys/kernel/osrelease").hasMessageContaining("not one number");
    }

    @Test
    void aNameMustStayBelowProcSys() {
        for (String name : new String[] {"", " ", "/etc/passwd", "../self/status", "vm/../.."}) {
            assertThatThrownBy(() -> Sysctl.read(name)).as("name '%s'", name)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'" + name + "'");
        }
        assertThatThrownBy(() -> Sysctl.read(null)).isInstanceOf(IllegalArgumentException.class);
    }

    private static String cat(String name) throws IOException, InterruptedException {
        Process cat = new ProcessBuilder("cat", Path.of("/proc/sys", name).toString()).start();
        try {
            String text = new String(cat.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
            assertThat(cat.waitFor(10, TimeUnit.SECONDS)).as("cat ended").isTrue();
            return text;
        } finally {
            cat.destroyForcibly();
        }
    }
}
