package io.overlayboot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlayboot.install.DebianTreeAccess;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** install and uninstall on a root whose initrds dracut builds: the dracut module goes in, nothing of initramfs-tools. */
class InstallDracutTest {
    static final String MODULE = "usr/lib/dracut/modules.d/90overlayboot/";

    @TempDir
    Path tmp;

    @Test
    void installLaysInTheDracutModuleAndRunsDracutPerKernelAndUninstallRestoresTheTree() throws Exception {
        Path root = DebianTreeAccess.createDracut(tmp.resolve("root"));
        List<String> before = DebianTreeAccess.describe(root);

        Cli.Run install = Cli.run("install", "--root", root.toString(), "--yes");

        assertThat(install.code()).as(install.err()).isZero();
        assertThat(root.resolve(MODULE + "module-setup.sh")).isExecutable();
        assertThat(root.resolve(MODULE + "overlayboot-pre-pivot.sh")).isExecutable();
        assertThat(root.resolve(MODULE + "overlayboot-boot.sh")).isExecutable();
        assertThat(root.resolve("etc/dracut.conf.d/overlayboot.conf")).content().contains("add_dracutmodules+=\" overlayboot \"");
        assertThat(root.resolve("etc/initramfs-tools")).doesNotExist();
        assertThat(install.err()).contains("dracut --force /boot/initrd.img-6.1.0-test 6.1.0-test").doesNotContain("update-initramfs");

        Cli.Run uninstall = Cli.run("uninstall", "--root", root.toString(), "--yes");
        assertThat(uninstall.code()).as(uninstall.err()).isZero();
        assertThat(uninstall.err()).contains("dracut --force /boot/initrd.img-6.1.0-test 6.1.0-test");
        assertThat(DebianTreeAccess.describe(root)).isEqualTo(before);
    }
}
