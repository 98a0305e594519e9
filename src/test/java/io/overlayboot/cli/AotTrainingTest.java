package io.overlayboot.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlayboot.initramfs.InitrdReader;
import io.overlayboot.initramfs.Segment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The AOT training runs: each group runs, and the inspect group's initrd is one inspect reads as Debian's are laid out. */
class AotTrainingTest {
    @TempDir
    Path dir;

    @Test
    void theInspectGroupsInitrdHasAnUncompressedAndAZstdSegment() throws Exception {
        List<String> names = new ArrayList<>();
        List<Segment> segments = InitrdReader.read(AotTraining.smallInitrd(dir), (s, e, b) -> names.add(e.name()));

        assertThat(segments).extracting(Segment::format).containsExactly("none", "zstd");
        assertThat(names).contains("kernel/x86/microcode/GenuineIntel.bin", "init", "lib", "conf/initramfs.conf");
    }

    @Test
    void theStatusTrainingMachineIsProtectedAtTheNextBootAndKeepsWhatItFoundInTheInitrds() throws Exception {
        AotTraining.machine(dir);
        java.nio.file.Path mounts = java.nio.file.Files.writeString(dir.resolve("mounts"), "overlayboot / overlay rw,lowerdir=/ro 0 0\n");
        Cli.Run first = Cli.run("status", "--root", dir.toString(), "--mounts", mounts.toString());
        assertThat(first.code()).as(first.out() + first.err()).isZero();
        assertThat(first.out()).contains("next boot: protected\n").doesNotContain("kernel ");
        try (var kept = java.nio.file.Files.list(dir.resolve("run/overlayboot/initrds"))) {
            assertThat(kept.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("boot_initrd.img-6.1.0-10-amd64", "boot_initrd.img-6.1.0-9-amd64");
        }
        assertThat(Cli.run("status", "--root", dir.toString(), "--mounts", mounts.toString())).isEqualTo(first);
    }

    @Test
    void everyGroupRunsAndAnUnknownOneIsRefused() throws Exception {
        for (String group : List.of("version", "status", "status-text", "settings", "settings-text", "inspect")) {
            AotTraining.main(new String[] {group});
        }
        assertThatThrownBy(() -> AotTraining.main(new String[] {"render"})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no training group 'render'");
    }
}
