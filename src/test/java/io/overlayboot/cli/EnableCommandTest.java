package io.overlayboot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlayboot.core.ExitCode;
import io.overlayboot.install.DebianTreeAccess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * enable and disable through {@link Main#run}, on real directory trees shaped like a Debian root
 * with the overlayboot package installed; and how install and the package keep out of each other's way.
 */
class EnableCommandTest {
    @TempDir
    Path tmp;

    private Path packaged(boolean grubDropIns) throws Exception {
        return DebianTreeAccess.createPackaged(tmp.resolve("root"), grubDropIns);
    }

    @Test
    void enableAddsTheGrubDropInAndDisablePutsEveryByteBack() throws Exception {
        Path root = packaged(true);
        List<String> before = DebianTreeAccess.describe(root);
        String config = DebianTreeAccess.read(root, "etc/overlayboot.conf");

        Cli.Run enable = Cli.run("enable", "--root", root.toString(), "--yes");
        assertThat(enable.code()).as(enable.err()).isZero();
        assertThat(DebianTreeAccess.read(root, "etc/default/grub.d/overlayboot.cfg")).contains("aufs=tmpfs");
        assertThat(DebianTreeAccess.read(root, "etc/overlayboot.conf")).isEqualTo(config); // no options: the conffile stays
        assertThat(DebianTreeAccess.read(root, "var/lib/overlayboot/manifest.json")).contains("\"packaged\": true");
        // only the parameter: the package's boot files are not laid again under /etc
        assertThat(root.resolve("etc/initramfs-tools/scripts/init-bottom/overlayboot")).doesNotExist();
        assertThat(enable.err()).contains("update-initramfs -u -k all");

        Cli.Run again = Cli.run("enable", "--root", root.toString(), "--yes");
        assertThat(again.code()).as(again.err()).isZero();

        Cli.Run disable = Cli.run("disable", "--root", root.toString(), "--yes");
        assertThat(disable.code()).as(disable.err()).isZero();
        assertThat(DebianTreeAccess.describe(root)).isEqualTo(before);

        Cli.Run twice = Cli.run("disable", "--root", root.toString(), "--yes");
        assertThat(twice.code()).isZero();
        assertThat(twice.out()).contains("not enabled");
    }

    @Test
    void optionsAreSetInThePackagesConfigKeepingEveryOtherLine() throws Exception {
        Path root = packaged(false);
        List<String> before = DebianTreeAccess.describe(root);
        String config = DebianTreeAccess.read(root, "etc/overlayboot.conf");
        Files.writeString(root.resolve("etc/overlayboot.conf"), config + "# the admin's own note\n");
        List<String> edited = DebianTreeAccess.describe(root);
        assertThat(edited).isNotEqualTo(before);

        Cli.Run enable = Cli.run("enable", "--root", root.toString(), "--yes", "--size", "25%", "--mode", "device", "--dev", "LABEL=data");
        assertThat(enable.code()).as(enable.err()).isZero();
        String now = DebianTreeAccess.read(root, "etc/overlayboot.conf");
        assertThat(now).contains("\nsize=25%\n", "\nmode=device\n", "\ndev=LABEL=data\n", "# the admin's own note\n")
                .doesNotContain("#size=").hasLineCount((int) config.lines().count() + 1);
        // no grub.d in this GRUB: the parameter goes into /etc/default/grub itself
        assertThat(DebianTreeAccess.read(root, "etc/default/grub"))
                .isEqualTo(DebianTreeAccess.GRUB.replace("\"quiet\"", "\"quiet aufs=LABEL=data\""));

        // enable again with fewer options: the settings left out fall back to the config as it was
        assertThat(Cli.run("enable", "--root", root.toString(), "--yes").code()).isZero();
        assertThat(DebianTreeAccess.read(root, "etc/overlayboot.conf")).isEqualTo(config + "# the admin's own note\n");
        assertThat(DebianTreeAccess.read(root, "etc/default/grub"))
                .isEqualTo(DebianTreeAccess.GRUB.replace("\"quiet\"", "\"quiet aufs=tmpfs\""));

        assertThat(Cli.run("disable", "--root", root.toString(), "--yes").code()).isZero();
        assertThat(DebianTreeAccess.describe(root)).isEqualTo(edited);
    }

    @Test
    void withoutGrubModeInTheConfigProtectsEveryBoot() throws Exception {
        Path root = packaged(true);
        List<String> before = DebianTreeAccess.describe(root);
        Cli.Run enable = Cli.run("enable", "--root", root.toString(), "--yes", "--no-grub");
        assertThat(enable.code()).as(enable.err()).isZero();
        assertThat(DebianTreeAccess.read(root, "etc/overlayboot.conf")).contains("\nmode=tmpfs\n");
        assertThat(root.resolve("etc/default/grub.d/overlayboot.cfg")).doesNotExist();
        assertThat(DebianTreeAccess.read(root, "etc/default/grub")).isEqualTo(DebianTreeAccess.GRUB);
        assertThat(enable.err()).contains("mode=tmpfs").contains("protects every boot").doesNotContain("grub-mkconfig");
        assertThat(Cli.run("disable", "--root", root.toString(), "--yes").code()).isZero();
        assertThat(DebianTreeAccess.describe(root)).isEqualTo(before);
    }

    @Test
    void aBadOptionIsRefusedBeforeAnythingChanges() throws Exception {
        Path root = packaged(true);
        List<String> before = DebianTreeAccess.describe(root);
        Cli.Run bad = Cli.run("enable", "--root", root.toString(), "--yes", "--size", "lots");
        assertThat(bad.code()).isEqualTo(ExitCode.BAD_INPUT.code());
        assertThat(bad.err().strip()).doesNotContain("\n").contains("lots").doesNotContain("Exception");
        Cli.Run sysctl = Cli.run("enable", "--root", root.toString(), "--yes", "--sysctl", "vm.swappiness=10");
        assertThat(sysctl.code()).isEqualTo(ExitCode.BAD_INPUT.code());
        assertThat(sysctl.err().strip()).doesNotContain("\n").contains("--sysctl");
        assertThat(DebianTreeAccess.describe(root)).isEqualTo(before);
    }

    @Test
    void aFailingUpdateInitramfsIsRolledBackAndSaysSo() throws Exception {
        Path root = DebianTreeAccess.chrootable(packaged(true), "update-initramfs", "echo 'E: mkinitramfs failure cpio 141'\nexit 1\n");
        List<String> before = DebianTreeAccess.describe(root);

        Cli.Run enable = Cli.run("enable", "--root", root.toString(), "--yes", "--size", "25%");
        assertThat(enable.code()).isEqualTo(ExitCode.EXTERNAL_FAILURE.code());
        assertThat(enable.err()).contains("E: mkinitramfs failure cpio 141")
                .contains("update-initramfs -u -k all' failed with exit code 1")
                .contains("rolled back: every file enable changed is as it was");
        // stdout: what was written, then what the rollback put back
        String shown = root.toRealPath().toString();
        assertThat(enable.out()).containsSubsequence("create " + shown + "/etc/default/grub.d/overlayboot.cfg",
                "remove " + shown + "/etc/default/grub.d/overlayboot.cfg", "overlayboot is disabled in " + shown);
        assertThat(DebianTreeAccess.describe(root)).isEqualTo(before);
    }

    /**
     * On an enabled machine: the same enable again changes nothing and says so; an enable with new
     * settings whose {@code update-initramfs} fails puts back the first enable's files (config, GRUB
     * parameter, manifest) byte for byte, rebuilds the initrds from them, and says so.
     */
    @Test
    void enableTwiceIsANoOpAndAFailedSecondEnableRollsBackToTheFirst() throws Exception {
        Path root = packaged(true);
        chrootable(root);
        // fails only for the second enable's settings (the config goes into the initrd)
        Files.writeString(root.resolve("usr/sbin/update-initramfs"),
                "#!/bin/sh\nif grep -q '^size=40%' /etc/overlayboot.conf; then echo 'E: mkinitramfs failure cpio 141'; exit 1; fi\n"
                        + "echo generated >> /var/log/initramfs.calls\n");
        Files.createDirectories(root.resolve("var/log"));
        Files.writeString(root.resolve("usr/sbin/grub-mkconfig"),
                "#!/bin/sh\nsysconfdir=/etc\nfor x in ${sysconfdir}/default/grub.d/*.cfg ; do [ ! -e \"$x\" ] || . \"$x\"; done\n");
        Cli.Run once = Cli.run("enable", "--root", root.toString(), "--yes", "--size", "25%");
        assertThat(once.code()).as(once.err()).isZero();
        List<String> first = DebianTreeAccess.describe(root);
        String firstGrub = DebianTreeAccess.read(root, "etc/default/grub.d/overlayboot.cfg");

        Cli.Run same = Cli.run("enable", "--root", root.toString(), "--yes", "--size", "25%");
        assertThat(same.code()).as(same.err()).isZero();
        assertThat(same.out()).isEqualTo("overlayboot is already enabled in " + root + " with these settings; nothing to change.\n");
        assertThat(DebianTreeAccess.describe(root)).isEqualTo(first);

        Files.delete(root.resolve("var/log/initramfs.calls"));
        List<String> beforeSecond = DebianTreeAccess.describe(root);
        Cli.Run second = Cli.run("enable", "--root", root.toString(), "--yes", "--size", "40%", "--mode", "device", "--dev", "LABEL=data");
        assertThat(second.code()).as(second.err()).isEqualTo(ExitCode.EXTERNAL_FAILURE.code());
        assertThat(second.err()).contains("E: mkinitramfs failure cpio 141")
                .contains("rolled back to the previous enable: every file this enable changed is as it was");
        // stdout says what the failed enable wrote and what the rollback put back: every file changed is put back
        List<String> changed = second.out().lines().filter(l -> l.startsWith("change ")).map(l -> l.substring("change ".length())).toList();
        assertThat(changed).isNotEmpty().anyMatch(l -> l.endsWith("etc/overlayboot.conf"));
        assertThat(second.out().lines().filter(l -> l.startsWith("put back ")).map(l -> l.substring("put back ".length())))
                .containsAll(changed);
        assertThat(DebianTreeAccess.read(root, "etc/default/grub.d/overlayboot.cfg")).isEqualTo(firstGrub).contains("aufs=tmpfs");
        assertThat(DebianTreeAccess.read(root, "etc/overlayboot.conf")).contains("\nsize=25%\n").doesNotContain("LABEL=data");
        // the initrds were rebuilt from the restored config
        assertThat(DebianTreeAccess.read(root, "var/log/initramfs.calls")).isEqualTo("generated\n");
        Files.delete(root.resolve("var/log/initramfs.calls"));
        assertThat(DebianTreeAccess.describe(root)).isEqualTo(beforeSecond);

        Cli.Run disable = Cli.run("disable", "--root", root.toString(), "--yes");
        assertThat(disable.code()).as(disable.err()).isZero();
    }

    /**
     * When the initrds cannot be rebuilt after the rollback either (the generator fails whatever the
     * config), the restored files are the first enable's but the initrds may not be: the manifest
     * says the boot chain is pending, so the same enable again rebuilds instead of finding nothing
     * to change.
     */
    @Test
    void aRollbackWhoseRebuildFailsLeavesTheBootChainPending() throws Exception {
        Path root = packaged(true);
        chrootable(root);
        Files.createDirectories(root.resolve("var/log"));
        Files.writeString(root.resolve("usr/sbin/update-initramfs"),
                "#!/bin/sh\nif [ -e /var/log/broken ]; then echo 'E: mkinitramfs failure cpio 141'; exit 1; fi\n"
                        + "echo generated >> /var/log/initramfs.calls\n");
        Files.writeString(root.resolve("usr/sbin/grub-mkconfig"), "#!/bin/sh\n");
        assertThat(Cli.run("enable", "--root", root.toString(), "--yes", "--size", "25%").code()).isZero();
        Files.writeString(root.resolve("var/log/broken"), "");
        Cli.Run second = Cli.run("enable", "--root", root.toString(), "--yes", "--size", "40%");
        assertThat(second.code()).as(second.err()).isEqualTo(ExitCode.EXTERNAL_FAILURE.code());
        assertThat(second.err()).contains("rolled back to the previous enable").contains("failed too");
        assertThat(DebianTreeAccess.read(root, "etc/overlayboot.conf")).contains("\nsize=25%\n");
        assertThat(DebianTreeAccess.read(root, "var/lib/overlayboot/manifest.json")).contains("\"bootChainPending\": true");

        Files.delete(root.resolve("var/log/broken"));
        Files.delete(root.resolve("var/log/initramfs.calls"));
        Cli.Run again = Cli.run("enable", "--root", root.toString(), "--yes", "--size", "25%");
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.out()).doesNotContain("nothing to change");
        assertThat(DebianTreeAccess.read(root, "var/log/initramfs.calls")).isEqualTo("generated\n");
        assertThat(DebianTreeAccess.read(root, "var/lib/overlayboot/manifest.json")).contains("\"bootChainPending\": false");
    }

    /** A root {@code chroot} can run tools in: a static busybox as {@code /bin/sh} and {@code grep}, {@code /proc} and {@code /dev}. */
    private static void chrootable(Path root) throws Exception {
        Files.createDirectories(root.resolve("bin"));
        Files.copy(Path.of("/bin/busybox"), root.resolve("bin/sh"));
        Files.createSymbolicLink(root.resolve("bin/grep"), Path.of("sh"));
        Files.createDirectories(root.resolve("proc/self"));
        Files.createDirectories(root.resolve("dev"));
        Files.writeString(root.resolve("dev/null"), "");
    }

    @Test
    void enableNeedsThePackageAndInstallRefusesWhereItIs() throws Exception {
        Path plain = DebianTreeAccess.create(tmp.resolve("plain"), true);
        List<String> plainBefore = DebianTreeAccess.describe(plain);
        Cli.Run enable = Cli.run("enable", "--root", plain.toString(), "--yes");
        assertThat(enable.code()).isEqualTo(ExitCode.ENVIRONMENT.code());
        assertThat(enable.err()).contains("package is not installed").contains("overlayboot install");
        assertThat(DebianTreeAccess.describe(plain)).isEqualTo(plainBefore);

        Path root = packaged(true);
        List<String> before = DebianTreeAccess.describe(root);
        Cli.Run install = Cli.run("install", "--root", root.toString(), "--yes");
        assertThat(install.code()).isEqualTo(ExitCode.ENVIRONMENT.code());
        assertThat(install.err().strip()).doesNotContain("\n").contains("overlayboot enable");
        assertThat(DebianTreeAccess.describe(root)).isEqualTo(before);
    }

    @Test
    void enableAndDisableLeaveAnInstallOfTheJarAlone() throws Exception {
        Path root = DebianTreeAccess.create(tmp.resolve("root"), true);
        assertThat(Cli.run("install", "--root", root.toString(), "--yes").code()).isZero();
        List<String> installed = DebianTreeAccess.describe(root);
        Cli.Run disable = Cli.run("disable", "--root", root.toString(), "--yes");
        assertThat(disable.code()).isEqualTo(ExitCode.ENVIRONMENT.code());
        assertThat(disable.err()).contains("overlayboot uninstall");
        assertThat(DebianTreeAccess.describe(root)).isEqualTo(installed);
    }

    @Test
    void fromThePackagesPrermGrubIsSkippedWhenAbsentAndTheInitrdsAreLeftToTheTrigger() throws Exception {
        Path root = packaged(true);
        List<String> before = DebianTreeAccess.describe(root);
        assertThat(Cli.run("enable", "--root", root.toString(), "--yes").code()).isZero();
        Files.delete(root.resolve("usr/sbin/grub-mkconfig"));
        Cli.Run disable = Cli.run("disable", "--root", root.toString(), "--yes", "--from-package");
        assertThat(disable.code()).as(disable.err()).isZero();
        assertThat(disable.err()).doesNotContain("update-initramfs").contains("has no grub-mkconfig");
        Files.writeString(root.resolve("usr/sbin/grub-mkconfig"), "#!/bin/sh\nfor x in ${sysconfdir}/default/grub.d/*.cfg ; do . \"$x\"; done\n");
        Files.setPosixFilePermissions(root.resolve("usr/sbin/grub-mkconfig"), java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(DebianTreeAccess.describe(root)).isEqualTo(before);
    }
}
