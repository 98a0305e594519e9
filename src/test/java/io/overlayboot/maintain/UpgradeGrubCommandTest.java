package io.overlayboot.maintain;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which command {@code upgrade} runs inside the lower to regenerate its GRUB menu. */
class UpgradeGrubCommandTest {
    @TempDir
    Path lower;

    /** Every lower upgrade works on has an initramfs generator. */
    @org.junit.jupiter.api.BeforeEach
    void initramfsTools() throws IOException {
        Files.createDirectories(lower.resolve("etc/initramfs-tools"));
        executable("usr/sbin/update-initramfs");
    }

    private void executable(String path) throws IOException {
        Path file = Files.createDirectories(lower.resolve(path).getParent()).resolve(lower.resolve(path).getFileName());
        Files.writeString(file, "#!/bin/sh\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void updateGrubWhereDebiansGrubIsInstalled() throws IOException {
        executable("usr/sbin/update-grub");
        executable("usr/sbin/grub-mkconfig");
        assertThat(Upgrade.grubCommand(lower)).contains(List.of("update-grub"));
        assertThat(Upgrade.commands(lower, new Upgrade.Options(false, List.of())).getLast()).isEqualTo(List.of("update-grub"));
    }

    @Test
    void grubMkconfigWhereOnlyGrubCommonAndAMenuAreThere() throws IOException {
        executable("usr/sbin/grub-mkconfig");
        assertThat(Upgrade.grubCommand(lower)).isEmpty(); // no menu yet: nothing GRUB boots from
        Files.createDirectories(lower.resolve("boot/grub"));
        Files.writeString(lower.resolve("boot/grub/grub.cfg"), "menuentry x {}\n");
        assertThat(Upgrade.grubCommand(lower)).contains(List.of("grub-mkconfig", "-o", "/boot/grub/grub.cfg"));
    }

    @Test
    void nothingWithoutGrub() {
        assertThat(Upgrade.grubCommand(lower)).isEmpty();
        assertThat(Upgrade.commands(lower, new Upgrade.Options(false, List.of()))).noneMatch(c -> c.getFirst().startsWith("grub") || c.getFirst().equals("update-grub"));
    }
}
