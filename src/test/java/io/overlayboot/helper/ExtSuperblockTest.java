package io.overlayboot.helper;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads the label and UUID that mke2fs wrote, from image files (no loop device needed). */
class ExtSuperblockTest {
    @TempDir
    Path dir;

    @Test
    void readsTheLabelAndUuidMke2fsWrote() throws Exception {
        Path image = dir.resolve("ext4.img");
        String uuid = "0f6e3c1a-9b2d-4e8f-a1b2-c3d4e5f60718";
        Processes.run("mke2fs", "-q", "-F", "-t", "ext4", "-L", "overlay-data", "-U", uuid, image.toString(), "4M");

        assertThat(ExtSuperblock.read(image)).contains(new ExtSuperblock("overlay-data", uuid, "ext4"));
    }

    @Test
    void readsExt2WithoutLabel() throws Exception {
        Path image = dir.resolve("ext2.img");
        Processes.run("mke2fs", "-q", "-F", "-t", "ext2", image.toString(), "1M");

        assertThat(ExtSuperblock.read(image)).hasValueSatisfying(sb -> {
            assertThat(sb.label()).isEmpty();
            assertThat(sb.type()).isEqualTo("ext2");
            assertThat(sb.uuid()).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        });
    }

    @Test
    void tellsExt3ByItsJournal() throws Exception {
        Path image = dir.resolve("ext3.img");
        Processes.run("mke2fs", "-q", "-F", "-t", "ext3", image.toString(), "4M");

        assertThat(ExtSuperblock.read(image).map(ExtSuperblock::type)).contains("ext3");
    }

    @Test
    void somethingElseIsNotExt() throws Exception {
        Path zeros = dir.resolve("zeros.img");
        Files.write(zeros, new byte[4096]);
        Path tiny = dir.resolve("tiny.img");
        Files.write(tiny, new byte[100]);

        assertThat(ExtSuperblock.read(zeros)).isEmpty();
        assertThat(ExtSuperblock.read(tiny)).isEmpty();
        assertThat(ExtSuperblock.read(dir.resolve("absent"))).isEmpty();
    }
}
