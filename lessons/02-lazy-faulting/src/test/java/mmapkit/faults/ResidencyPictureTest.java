package mmapkit.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import mmapkit.course.Task;
import mmapkit.mapping.MapMode;
import mmapkit.mapping.MappedFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

@Task(id = "02.5", points = 10, title = "Draw a residency picture")
class ResidencyPictureTest {

    private final DiskFiles files = DiskFiles.create();

    @AfterEach
    void deleteFiles() {
        files.close();
    }

    private static ResidencyMap map(String residentBits) {
        byte[] vector = new byte[residentBits.length()];
        for (int i = 0; i < vector.length; i++) {
            vector[i] = (byte) (residentBits.charAt(i) == '1' ? 1 : 0);
        }
        return ResidencyMap.fromVector(vector);
    }

    @Test
    void withFewPagesEachPageHasItsCharacter() {
        assertThat(ResidencyPicture.render(map("11101000"), 60))
                .as("8 pages in 60 columns: one character per page, 'O' resident, ' ' not, then resident/total")
                .isEqualTo("[OOO O   ] 4/8 pages");
        assertThat(ResidencyPicture.render(map("11111111"), 8)).isEqualTo("[OOOOOOOO] 8/8 pages");
    }

    @Test
    void withManyPagesEachCharacterIsAGroup() {
        assertThat(ResidencyPicture.pagesPerGroup(16, 4)).as("16 pages in 4 columns").isEqualTo(4);
        assertThat(ResidencyPicture.render(map("1111" + "0100" + "0000" + "1111"), 4))
                .as("'O' every page of the group resident, 'o' some, ' ' none").isEqualTo("[Oo O] 9/16 pages");
    }

    @Test
    void theLastGroupMayBeSmaller() {
        assertThat(ResidencyPicture.pagesPerGroup(10, 4)).as("ceil(10 / 4) pages per character").isEqualTo(3);
        assertThat(ResidencyPicture.render(map("111" + "000" + "001" + "1"), 4))
                .as("10 pages in groups of 3: 3, 3, 3 and a last group of 1, which is whole when its one page is resident")
                .isEqualTo("[O oO] 5/10 pages");
        assertThat(ResidencyPicture.render(map(""), 10)).as("no page at all").isEqualTo("[] 0/0 pages");
    }

    @Test
    void theSameDataAsJson() {
        assertThat(ResidencyPicture.toJson(map("1111" + "0100" + "0000" + "1111"), 4))
                .as("numbers, the picture and the runs as [firstPage, pageCount]")
                .isEqualTo("{\"pageCount\":16,\"residentCount\":9,\"pagesPerGroup\":4,\"groups\":[4,1,0,4],"
                        + "\"picture\":\"Oo O\",\"residentRuns\":[[0,4],[5,1],[12,4]]}");
        assertThat(ResidencyPicture.toJson(map(""), 3)).isEqualTo(
                "{\"pageCount\":0,\"residentCount\":0,\"pagesPerGroup\":1,\"groups\":[],\"picture\":\"\",\"residentRuns\":[]}");
    }

    @Test
    void everySixteenthPageOfAnEvictedFile() throws Exception {
        Path file = files.file("sixteenth.bin", 256);
        PageControl.evict(file);
        try (MappedFile mapping = MappedFile.map(file, MapMode.READ_ONLY)) {
            PageControl.advise(mapping.segment(), Advice.RANDOM);
            for (long page = 0; page < 256; page += 16) {
                PageControl.touchPages(mapping.segment(), Access.READ, page);
            }
            ResidencyMap map = Residency.of(mapping.segment());
            assertThat(ResidencyPicture.render(map, 16)).as("16 groups of 16 pages, one page of each resident")
                    .isEqualTo("[oooooooooooooooo] 16/256 pages");
            assertThat(ResidencyPicture.render(map, 32)).as("32 groups of 8: every other group has its page")
                    .isEqualTo("[o o o o o o o o o o o o o o o o ] 16/256 pages");
        }
    }

    @Test
    void badColumnsAreRefused() {
        assertThatThrownBy(() -> ResidencyPicture.render(map("1"), 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("columns 0");
        assertThatThrownBy(() -> ResidencyPicture.toJson(map("1"), -3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("columns -3");
    }
}
