package io.overlayboot.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.overlayboot.core.ExitCode;
import io.overlayboot.core.OverlaybootException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostToolsTest {
    @TempDir
    Path bin;

    @Test
    void namesEveryMissingProgramAndThePackagesToInstall() throws IOException {
        executable("mke2fs");
        executable("e2fsck");
        executable("debugfs");
        executable("unshare");
        executable("flock");
        executable("timeout");

        OverlaybootException e = catchThrowableOfType(OverlaybootException.class,
                () -> HostTools.check(List.of(bin), false));

        assertThat(e.exitCode()).isEqualTo(ExitCode.ENVIRONMENT);
        assertThat(e.getMessage()).contains("qemu-system-x86_64", "mmdebstrap", "a static busybox");
        assertThat(e.hint()).isEqualTo("apt-get install qemu-system-x86 mmdebstrap busybox-static");
    }

    @Test
    void passesWhenEverythingIsThere() throws IOException {
        for (String p : List.of("qemu-system-x86_64", "mmdebstrap", "mke2fs", "e2fsck", "debugfs", "unshare", "flock", "timeout")) {
            executable(p);
        }
        assertThatCode(() -> HostTools.check(List.of(bin), true)).doesNotThrowAnyException();
    }

    @Test
    void aNonExecutableFileDoesNotCount() throws IOException {
        Files.writeString(bin.resolve("qemu-system-x86_64"), "");
        OverlaybootException e = catchThrowableOfType(OverlaybootException.class,
                () -> HostTools.check(List.of(bin), true));
        assertThat(e.getMessage()).contains("qemu-system-x86_64");
    }

    private void executable(String name) throws IOException {
        Path p = Files.writeString(bin.resolve(name), "#!/bin/sh\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
