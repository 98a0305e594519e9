package io.overlayboot.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlayboot.core.ExitCode;
import io.overlayboot.core.OverlaybootException;
import io.overlayboot.install.Manifest.GrubMethod;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TargetTest {
    @TempDir
    Path tmp;

    @Test
    void aLiveRootThatIsAlreadyAnOverlayIsRefused() throws Exception {
        Path root = DebianTree.create(tmp.resolve("root"), true);
        Path mounts = Files.writeString(tmp.resolve("mounts"),
                "proc /proc proc rw 0 0\noverlayboot / overlay rw,lowerdir=/ro,upperdir=/rw/upper 0 0\n");
        Target live = new Target(root, true, mounts);
        assertThatThrownBy(() -> live.check(true, false)).isInstanceOf(OverlaybootException.class)
                .hasMessageContaining("running root is already an overlay ('overlayboot / overlay")
                .satisfies(e -> assertThat(((OverlaybootException) e).exitCode()).isEqualTo(ExitCode.ENVIRONMENT));
        assertThatThrownBy(live::checkNotLiveOverlay).hasMessageContaining("vanish at reboot")
                .satisfies(e -> assertThat(((OverlaybootException) e).hint()).contains("boot once with overlayboot=disabled"));
        // protected by overlayboot (its lower at /ro): disable, uninstall and removing the package go through maintenance
        Files.writeString(mounts, "/dev/vda1 /ro ext4 ro 0 0\noverlayboot / overlay rw,lowerdir=/ro,upperdir=/rw/upper 0 0\n");
        assertThatThrownBy(live::checkNotLiveOverlay).satisfies(e -> assertThat(((OverlaybootException) e).hint())
                .contains("'overlayboot maintenance -- overlayboot COMMAND ...'")
                .contains("'overlayboot maintenance -- apt-get remove overlayboot'"));
        Files.writeString(mounts, "/dev/vda1 / ext4 rw 0 0\n");
        live.check(false, false);
        live.checkNotLiveOverlay();
    }

    @Test
    void anIdleOverlayrootPackageIsNotCountedButAConfiguredOneIs() throws Exception {
        Path root = DebianTree.create(tmp.resolve("root"), true);
        DebianTree.file(root, "usr/share/initramfs-tools/scripts/init-bottom/overlayroot", "#!/bin/sh\n", "rwxr-xr-x");
        DebianTree.file(root, "etc/overlayroot.conf", "# overlayroot=tmpfs\noverlayroot=\"\"\n", "rw-r--r--");
        Target target = new Target(root, false, tmp.resolve("none"));
        assertThat(target.overlayrootInstalled()).isTrue();
        assertThat(target.otherTools()).isEmpty();
        Files.writeString(root.resolve("etc/overlayroot.conf"), "overlayroot='device:dev=/dev/vdb'\n");
        assertThat(target.otherTools()).singleElement().asString().contains("device:dev=/dev/vdb");
    }

    @Test
    void grubMethodFollowsTheTargetsGrubMkconfig() throws Exception {
        assertThat(new Target(DebianTree.create(tmp.resolve("a"), true), false, tmp).grubMethod()).isEqualTo(GrubMethod.DROP_IN);
        Path b = DebianTree.create(tmp.resolve("b"), false);
        assertThat(new Target(b, false, tmp).grubMethod()).isEqualTo(GrubMethod.EDIT);
        Files.delete(b.resolve("usr/sbin/grub-mkconfig"));
        Files.delete(b.resolve("etc/default/grub"));
        assertThat(new Target(b, false, tmp).grubMethod()).isEqualTo(GrubMethod.NONE);
    }

    @Test
    void theKernelMayHaveOverlayOrAufsAsModuleOrBuiltIn() throws Exception {
        Path root = DebianTree.create(tmp.resolve("root"), true);
        Target target = new Target(root, false, tmp);
        assertThat(target.kernelHasUnion("6.1.0-test")).isTrue();
        Files.createDirectories(root.resolve("lib/modules/5.10-aufs/kernel/fs/aufs"));
        Files.writeString(root.resolve("lib/modules/5.10-aufs/kernel/fs/aufs/aufs.ko"), "");
        assertThat(target.kernelHasUnion("5.10-aufs")).isTrue();
        Files.createDirectories(root.resolve("lib/modules/6.2-none"));
        assertThat(target.kernelHasUnion("6.2-none")).isFalse();
        Files.writeString(root.resolve("lib/modules/6.2-none/modules.builtin"), "kernel/fs/ext4/ext4.ko\nkernel/fs/overlayfs/overlay.ko\n");
        assertThat(target.kernelHasUnion("6.2-none")).isTrue();
    }
}
