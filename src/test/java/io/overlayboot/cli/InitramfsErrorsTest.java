package io.overlayboot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlayboot.core.ExitCode;
import io.overlayboot.core.OverlaybootException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class InitramfsErrorsTest {
    @Test
    void permissionDeniedTellsOnlyOthersThanRootToRunAsRoot() throws IOException {
        boolean root = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
        OverlaybootException e = InitramfsErrors.of(Path.of("/"), new AccessDeniedException("/proc/1/mem"));
        assertThat(e.getMessage()).isEqualTo("cannot access '/proc/1/mem': permission denied");
        if (root) {
            assertThat(e.hint()).doesNotContain("run as root").contains("even root");
        } else {
            assertThat(e.hint()).contains("run as root");
        }
    }

    @Test
    void aFullFileSystemIsTheEnvironment() {
        OverlaybootException e = InitramfsErrors.of(Path.of("i.img"),
                new java.nio.file.FileSystemException("/t/x", null, "No space left on device"));
        assertThat(e.exitCode()).isEqualTo(ExitCode.ENVIRONMENT);
        assertThat(e.getMessage()).isEqualTo("'/t/x': No space left on device");
        assertThat(e.hint()).contains("free space");
    }
}
