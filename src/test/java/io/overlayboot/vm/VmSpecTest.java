package io.overlayboot.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class VmSpecTest {
    static final InitrdCache.BootFiles BOOT =
            new InitrdCache.BootFiles("6.1.0-50-amd64", Path.of("/k"), Path.of("/i"), "key");

    @Test
    void theCommandLineNeverHangsAndBootsTheTestInitOnTheFirstDisk() {
        VmSpec spec = VmSpec.of(BOOT, List.of(Path.of("root.img")), "aufs=tmpfs", "obt.write=x");
        assertThat(spec.commandLine())
                .isEqualTo("console=ttyS0 panic=-1 root=/dev/vda init=/overlayboot-test-init aufs=tmpfs obt.write=x");
    }

    @Test
    void aGuestNeedsARootDisk() {
        assertThatThrownBy(() -> VmSpec.of(BOOT, List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
