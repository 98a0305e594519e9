package io.overlayboot.install;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Install and uninstall with Debian's real boot chain: {@code update-initramfs} (mkinitramfs for
 * the real bookworm kernel's modules, checked with {@code lsinitramfs}) and {@code grub-mkconfig},
 * run by overlayboot through {@code chroot} into a copy of the cached chroot.
 *
 * <p>grub-mkconfig asks grub-probe for the device under {@code /}, which fails for an overlay or a
 * plain directory; so the copy is an ext4 image ({@code mkfs.ext4 -d}) on a loop device mounted
 * as the chroot's root, with {@code /proc}, {@code /sys} and a private {@code /dev} bound in, all
 * inside {@code unshare -m -p -f} so nothing stays mounted and nothing can reach the host. The
 * loop device is also named {@code /dev/obroot}: for a device named {@code /dev/loopN}
 * grub-mkconfig runs {@code losetup} (absent from the chroot) to find the backing file.
 */
class InstallerChrootTest {
    private static final String SCRIPT = """
            src=$1 dir=$2 ver=$3 ob=$4
            m=$dir/root
            # the image's loop device, also named /dev/obroot (LoopRoot says why)
            image=$dir/root.ext4 mnt=$m
            """ + io.overlayboot.vm.LoopRoot.MOUNT_FOR_CHROOT + """
            # A fast initrd: MODULES=list with the chroot's small module list.
            cp "$m/usr/share/overlayboot-e2e/modules-list.conf" "$m/etc/initramfs-tools/conf.d/"
            cp "$m/usr/share/overlayboot-e2e/modules" "$m/etc/initramfs-tools/modules"
            # As on an installed system: an initrd to update, a GRUB directory, Debian's /etc/default/grub.
            : > "$m/boot/initrd.img-$ver"
            mkdir -p "$m/boot/grub"
            cp "$dir/grub.default" "$m/etc/default/grub"

            eval "$ob install --root $m --yes"
            chroot "$m" lsinitramfs "/boot/initrd.img-$ver" > "$dir/initrd-installed.txt"
            cp "$m/boot/grub/grub.cfg" "$dir/grub-installed.cfg"
            cp "$m/etc/default/grub" "$dir/grub-default-installed"

            eval "$ob install --root $m --yes" > "$dir/install-again.txt"

            eval "$ob uninstall --root $m --yes"
            chroot "$m" lsinitramfs "/boot/initrd.img-$ver" > "$dir/initrd-uninstalled.txt"
            cp "$m/boot/grub/grub.cfg" "$dir/grub-uninstalled.cfg"
            ls -A "$m/var/lib" > "$dir/var-lib-after.txt"
            """;

    private static Path chroot;

    @TempDir
    Path dir;

    @BeforeAll
    static void chroot() throws Exception {
        chroot = CachedChroot.ensure();
    }

    @Test
    void realUpdateInitramfsAndGrubMkconfigPickTheInstallUpAndDropItAgain() throws Exception {
        String version = CachedChroot.kernelVersion(chroot);
        Files.writeString(dir.resolve("grub.default"), DebianTree.GRUB);
        CachedChroot.ext4Image(chroot, dir.resolve("root.ext4"));

        String log = CachedChroot.unshared(SCRIPT,
                List.of(chroot.toString(), dir.toString(), version, CachedChroot.overlaybootCommand()));

        assertThat(log).contains("running: chroot ").contains("update-initramfs -u -k all")
                .contains("grub-mkconfig -o /boot/grub/grub.cfg");
        List<String> initrd = Files.readAllLines(dir.resolve("initrd-installed.txt"));
        assertThat(initrd).as(log).contains("scripts/init-bottom/overlayboot", "etc/overlayboot.conf")
                .anyMatch(l -> l.matches("(usr/)?lib/modules/" + version.replace(".", "\\.") + "/kernel/fs/overlayfs/overlay\\.ko.*"))
                .anyMatch(l -> l.matches("(usr/)?s?bin/blkid"));
        assertThat(Files.readString(dir.resolve("grub-default-installed"))).isEqualTo(DebianTree.GRUB);

        List<String> all = linuxLines(dir.resolve("grub-installed.cfg"));
        // /etc/grub.d/42_overlayboot's own entries name their mode with overlayboot=; Debian's carry the drop-in's parameter
        List<String> ours = all.stream().filter(l -> l.contains(" overlayboot=")).toList();
        assertThat(ours).as(Files.readString(dir.resolve("grub-installed.cfg")))
                .anyMatch(l -> l.endsWith(" overlayboot=tmpfs")).anyMatch(l -> l.endsWith(" overlayboot=disabled"))
                .noneMatch(l -> l.contains("aufs="));
        List<String> linux = all.stream().filter(l -> !ours.contains(l)).toList();
        assertThat(linux).as(Files.readString(dir.resolve("grub-installed.cfg"))).isNotEmpty();
        for (String line : linux) {
            long count = List.of(line.strip().split("\\s+")).stream().filter(w -> w.equals("aufs=tmpfs")).count();
            // Recovery entries (kernel parameter "single") deliberately stay unprotected, as the drop-in says.
            assertThat(count).as(line).isEqualTo(line.contains(" single") ? 0 : 1);
        }
        assertThat(linux).anyMatch(l -> !l.contains(" single"));

        assertThat(Files.readString(dir.resolve("install-again.txt"))).contains("nothing to change");

        assertThat(Files.readAllLines(dir.resolve("initrd-uninstalled.txt")))
                .doesNotContain("scripts/init-bottom/overlayboot", "etc/overlayboot.conf");
        List<String> after = linuxLines(dir.resolve("grub-uninstalled.cfg"));
        assertThat(after).hasSameSizeAs(linux).noneMatch(l -> l.contains("aufs=")).noneMatch(l -> l.contains("overlayboot="));
        assertThat(Files.readString(dir.resolve("var-lib-after.txt"))).doesNotContain("overlayboot");
    }

    private static List<String> linuxLines(Path grubCfg) throws Exception {
        return Files.readAllLines(grubCfg).stream().filter(l -> l.strip().startsWith("linux")).toList();
    }
}
