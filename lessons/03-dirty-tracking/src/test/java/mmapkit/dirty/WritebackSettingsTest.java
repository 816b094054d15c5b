package mmapkit.dirty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import mmapkit.course.Task;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

@Task(id = "03.4", points = 10, title = "Read the writeback settings")
class WritebackSettingsTest {

    private static final WritebackSettings DEFAULTS = new WritebackSettings(3000, 500, 10, 20, 0, 0);

    private final KernelViewFiles files = KernelViewFiles.create();

    @AfterEach
    void deleteFiles() {
        files.close();
    }

    @Test
    void readsTheSixFilesOfAFolder() throws IOException {
        Path folder = copyOfProcSysVm("1500", "250", "5", "40", "0", "67108864");
        assertThat(WritebackSettings.read(folder)).as("the six dirty_* files of a folder")
                .isEqualTo(new WritebackSettings(1500, 250, 5, 40, 0, 67108864));
    }

    @Test
    void currentIsWhatProcSysVmSays() {
        assertThat(WritebackSettings.current()).as("the values of /proc/sys/vm/dirty_* now")
                .isEqualTo(new WritebackSettings((int) KernelViewFiles.sysctl("dirty_expire_centisecs"),
                        (int) KernelViewFiles.sysctl("dirty_writeback_centisecs"),
                        (int) KernelViewFiles.sysctl("dirty_background_ratio"),
                        (int) KernelViewFiles.sysctl("dirty_ratio"),
                        KernelViewFiles.sysctl("dirty_background_bytes"), KernelViewFiles.sysctl("dirty_bytes")));
    }

    @Test
    void explainsTheDefaultsInPlainWords() {
        String text = DEFAULTS.explain();
        assertThat(text).as("dirty_expire_centisecs 3000 is 30 s").contains("30 s");
        assertThat(text).as("dirty_writeback_centisecs 500 is 5 s").contains("5 s");
        assertThat(text).as("the ratios are percentages of available memory")
                .contains("10% of available memory").contains("20% of available memory");
    }

    @Test
    void explainsThatNonZeroBytesReplaceTheRatio() {
        String text = new WritebackSettings(3000, 500, 10, 20, 0, 64L << 20).explain();
        assertThat(text).as("dirty_bytes 67108864 is 64 MiB and replaces dirty_ratio")
                .contains("64 MiB").contains("dirty_bytes = 67108864").doesNotContain("20% of available memory");
        assertThat(text).as("dirty_background_bytes is 0: dirty_background_ratio applies")
                .contains("10% of available memory");
    }

    @Test
    void aFileWithoutANumberIsNamed() throws IOException {
        Path folder = copyOfProcSysVm("3000", "500", "10", "lots", "0", "0");
        assertThatThrownBy(() -> WritebackSettings.read(folder)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dirty_ratio").hasMessageContaining("lots");
        Files.delete(folder.resolve("dirty_bytes"));
        Files.writeString(folder.resolve("dirty_ratio"), "20\n");
        assertThatThrownBy(() -> WritebackSettings.read(folder)).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("dirty_bytes");
    }

    private Path copyOfProcSysVm(String expire, String writeback, String backgroundRatio, String ratio,
                                 String backgroundBytes, String bytes) throws IOException {
        Path folder = Files.createDirectory(files.dir().resolve("vm"));
        Files.writeString(folder.resolve("dirty_expire_centisecs"), expire + "\n");
        Files.writeString(folder.resolve("dirty_writeback_centisecs"), writeback + "\n");
        Files.writeString(folder.resolve("dirty_background_ratio"), backgroundRatio + "\n");
        Files.writeString(folder.resolve("dirty_ratio"), ratio + "\n");
        Files.writeString(folder.resolve("dirty_background_bytes"), backgroundBytes + "\n");
        Files.writeString(folder.resolve("dirty_bytes"), bytes + "\n");
        return folder;
    }
}
