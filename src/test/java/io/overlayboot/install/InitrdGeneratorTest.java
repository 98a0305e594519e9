package io.overlayboot.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlayboot.core.ExitCode;
import io.overlayboot.core.OverlaybootException;
import io.overlayboot.render.Generator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InitrdGeneratorTest {
    @TempDir
    Path tmp;

    /**
     * {@link DebianTree} turned into a dracut root:
     * <pre>
     * usr/bin/dracut                 0755 (instead of usr/sbin/update-initramfs)
     * usr/lib/dracut/modules.d/      (instead of etc/initramfs-tools/)
     * boot/vmlinuz-6.1.0-test
     * </pre>
     */
    static Path dracutTree(Path root) throws IOException {
        DebianTree.create(root, true);
        Files.delete(root.resolve("usr/sbin/update-initramfs"));
        try (var s = Files.walk(root.resolve("etc/initramfs-tools"))) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        DebianTree.file(root, "usr/bin/dracut", "#!/bin/sh\nexit 0\n", "rwxr-xr-x");
        Files.createDirectories(root.resolve("usr/lib/dracut/modules.d"));
        DebianTree.file(root, "boot/vmlinuz-6.1.0-test", "kernel\n", "rw-r--r--");
        return root;
    }

    @Test
    void aDebianRootUsesInitramfsTools() throws IOException {
        Target target = Target.at(DebianTree.create(tmp.resolve("root"), true));
        assertThat(InitrdGenerator.detect(target)).isEqualTo(Generator.INITRAMFS_TOOLS);
        assertThat(InitrdGenerator.rebuild(target, Generator.INITRAMFS_TOOLS))
                .containsExactly(List.of("update-initramfs", "-u", "-k", "all"));
    }

    @Test
    void aDracutRootUsesDracutOncePerKernelAtDebiansImageName() throws IOException {
        Target target = Target.at(dracutTree(tmp.resolve("root")));
        assertThat(InitrdGenerator.detect(target)).isEqualTo(Generator.DRACUT);
        assertThat(InitrdGenerator.rebuild(target, Generator.DRACUT))
                .containsExactly(List.of("dracut", "--force", "/boot/initrd.img-6.1.0-test", "6.1.0-test"));
    }

    @Test
    void withBothTheKernelsPostinstHookDecides() throws IOException {
        Path root = dracutTree(tmp.resolve("root"));
        DebianTree.file(root, "usr/sbin/update-initramfs", "#!/bin/sh\n", "rwxr-xr-x");
        Files.createDirectories(root.resolve("etc/initramfs-tools"));
        assertThat(InitrdGenerator.detect(Target.at(root))).isEqualTo(Generator.INITRAMFS_TOOLS);
        DebianTree.file(root, "etc/kernel/postinst.d/dracut", "#!/bin/sh\n", "rwxr-xr-x");
        assertThat(InitrdGenerator.detect(Target.at(root))).isEqualTo(Generator.DRACUT);
    }

    @Test
    void aRootWithNeitherIsRefusedInOneLineNamingBoth() throws IOException {
        Target target = Target.at(Files.createDirectories(tmp.resolve("bare")));
        assertThatThrownBy(() -> InitrdGenerator.detect(target))
                .isInstanceOfSatisfying(OverlaybootException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.ENVIRONMENT))
                .message().contains("neither initramfs-tools").contains("nor dracut").doesNotContain("\n");
    }

    @Test
    void changesToEitherFrontEndOrTheConfigRebuildTheInitrd() {
        assertThat(List.of("etc/initramfs-tools/hooks/overlayboot", "usr/lib/dracut/modules.d/90overlayboot/module-setup.sh",
                "etc/dracut.conf.d/overlayboot.conf", "etc/overlayboot.conf")).allMatch(InitrdGenerator::affectsInitrd);
        assertThat(List.of("etc/default/grub.d/overlayboot.cfg", "etc/sysctl.d/90-overlayboot.conf"))
                .noneMatch(InitrdGenerator::affectsInitrd);
    }
}
