package io.overlayboot.vm;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlayboot.sys.Exec;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Builds real images with mke2fs -d and reads them back with debugfs (no mount, no VM). */
class GuestDiskTest {
    @TempDir
    Path dir;

    @Test
    void theRootImageHoldsBusyboxTheTestInitAndTheFstab() {
        Path image = GuestDisk.root(dir.resolve("root.img"));
        try (Ext4Image root = Ext4Image.open(image)) {
            assertThat(root.fsckExit()).isZero();
            assertThat(root.exists("/bin/busybox")).isTrue();
            assertThat(root.list("/bin")).contains("sh", "mount", "poweroff", "dd");
            assertThat(root.read(GuestDisk.TEST_INIT)).get().asString().startsWith("#!/bin/sh").contains("poweroff -f");
            assertThat(root.read("/etc/fstab")).get().asString()
                    .contains("LABEL=obtroot / ext4").contains("/dev/vdc none swap sw");
            assertThat(root.list("/")).contains("proc", "sys", "dev", "run", "tmp");
            assertThat(root.exists("/nothing-here")).isFalse();
            assertThat(root.read("/nothing-here")).isEmpty();
        }
    }

    @Test
    void aBlankDiskIsAnEmptyLabelledExt4() {
        Path image = GuestDisk.blank(dir.resolve("data.img"), "obtdata", 16);
        var label = Exec.stream(java.util.List.of("e2label", image.toString()), java.time.Duration.ofSeconds(10), line -> {}).check().lines();
        assertThat(label).containsExactly("obtdata");
        try (Ext4Image data = Ext4Image.open(image)) {
            assertThat(data.list("/")).containsExactly("lost+found");
        }
    }
}
