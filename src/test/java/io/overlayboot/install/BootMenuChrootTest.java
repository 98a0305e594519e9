package io.overlayboot.install;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlayboot.cli.JsonSchemas;
import io.overlayboot.render.BootMenu;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * overlayboot's boot menu entries and {@code next-boot} with Debian's real {@code grub-mkconfig},
 * {@code grub-script-check} and {@code grub-editenv}, in a copy of the cached bookworm chroot on an
 * ext4 image mounted by {@link io.overlayboot.vm.LoopRoot} (which explains the loop device named
 * {@code /dev/obroot}), all inside {@code unshare -m -p -f}.
 */
class BootMenuChrootTest {
    private static final String SCRIPT = """
            src=$1 dir=$2 ver=$3 ob=$4
            m=$dir/root
            image=$dir/root.ext4 mnt=$m
            """ + io.overlayboot.vm.LoopRoot.MOUNT_FOR_CHROOT + """
            cp "$m/usr/share/overlayboot-e2e/modules-list.conf" "$m/etc/initramfs-tools/conf.d/"
            cp "$m/usr/share/overlayboot-e2e/modules" "$m/etc/initramfs-tools/modules"
            : > "$m/boot/initrd.img-$ver"
            mkdir -p "$m/boot/grub"
            cp "$dir/grub.default" "$m/etc/default/grub"
            etc() { (cd "$m" && find etc -xdev -printf '%p %M %U:%G %l\\n' | LC_ALL=C sort && find etc -xdev -type f -print0 \\
              | LC_ALL=C sort -z | xargs -0 sha256sum); }
            # as the package leaves a machine before 'overlayboot enable': its grub.d script and conffile,
            # no parameter on GRUB's command line; then with mode= in the conffile (enable --no-grub)
            eval "$ob render --layout package --out $dir/pkg" > /dev/null
            cp "$dir/pkg/etc/grub.d/42_overlayboot" "$m/etc/grub.d/"
            cp "$dir/pkg/etc/overlayboot.conf" "$m/etc/"
            chroot "$m" grub-mkconfig -o /boot/grub/grub.cfg > "$dir/mkconfig-inert.log" 2>&1
            cp "$m/boot/grub/grub.cfg" "$dir/grub-inert.cfg"
            printf 'mode=tmpfs\n' >> "$m/etc/overlayboot.conf"
            chroot "$m" grub-mkconfig -o /boot/grub/grub.cfg > /dev/null 2>&1
            cp "$m/boot/grub/grub.cfg" "$dir/grub-mode.cfg"
            rm "$m/etc/grub.d/42_overlayboot" "$m/etc/overlayboot.conf" "$m/boot/grub/grub.cfg"
            etc > "$dir/etc-before.txt"

            eval "$ob install --root $m --yes --dev LABEL=obupper" > "$dir/install.log" 2>&1
            cp "$m/boot/grub/grub.cfg" "$dir/grub.cfg"
            cp "$m/etc/grub.d/42_overlayboot" "$dir/42_overlayboot"
            chroot "$m" grub-script-check /boot/grub/grub.cfg > "$dir/script-check.txt" 2>&1; echo "exit $?" >> "$dir/script-check.txt"

            eval "$ob next-boot writable --root $m --json" > "$dir/writable.json"
            chroot "$m" grub-editenv /boot/grub/grubenv list > "$dir/env-writable.txt"
            eval "$ob check --root $m" > "$dir/check-writable.txt" 2>&1 || echo "exit $?" >> "$dir/check-writable.txt"
            eval "$ob next-boot protected --root $m" > "$dir/protected.txt"
            chroot "$m" grub-editenv /boot/grub/grubenv list > "$dir/env-protected.txt"
            eval "$ob check --root $m" > "$dir/check-protected.txt" 2>&1 || echo "exit $?" >> "$dir/check-protected.txt"
            eval "$ob next-boot default --root $m" > "$dir/default.txt"
            chroot "$m" grub-editenv /boot/grub/grubenv list > "$dir/env-default.txt"
            # update-grub again (a kernel upgrade runs it): the entries and the pending choice survive it
            eval "$ob next-boot writable --root $m" > /dev/null
            chroot "$m" grub-mkconfig -o /boot/grub/grub.cfg > /dev/null 2>&1
            chroot "$m" grub-editenv /boot/grub/grubenv list > "$dir/env-after-mkconfig.txt"
            cp "$m/boot/grub/grub.cfg" "$dir/grub-again.cfg"
            eval "$ob next-boot default --root $m" > /dev/null

            eval "$ob uninstall --root $m --yes" > "$dir/uninstall.log" 2>&1
            cp "$m/boot/grub/grub.cfg" "$dir/grub-uninstalled.cfg"
            etc > "$dir/etc-after.txt"
            """;

    private static Path chroot;

    @TempDir
    Path dir;

    @BeforeAll
    static void chroot() throws Exception {
        chroot = CachedChroot.ensure();
    }

    @Test
    void theEntriesComeFromUpdateGrubOnlyOnceEnabledAndNextBootSetsGrubsOneShotChoiceAndUninstallPutsEveryByteBack() throws Exception {
        String version = CachedChroot.kernelVersion(chroot);
        Files.writeString(dir.resolve("grub.default"), DebianTree.GRUB);
        CachedChroot.ext4Image(chroot, dir.resolve("root.ext4"));

        String log = CachedChroot.unshared(SCRIPT, List.of(chroot.toString(), dir.toString(), version, CachedChroot.overlaybootCommand()));

        String inert = Files.readString(dir.resolve("grub-inert.cfg"));
        assertThat(section(inert)).as("the package's script while protection is off: " + Files.readString(dir.resolve("mkconfig-inert.log")))
                .isBlank();
        assertThat(inert).contains("gnulinux-simple-").doesNotContain("overlayboot=").doesNotContain("aufs=");
        assertThat(linuxLine(Files.readString(dir.resolve("grub-mode.cfg")), BootMenu.RAM)).as("mode= in the conffile switches it on")
                .endsWith(" overlayboot=tmpfs");

        String install = Files.readString(dir.resolve("install.log"));
        assertThat(install).as(log).contains("etc/grub.d/42_overlayboot");
        assertThat(dir.resolve("42_overlayboot")).isExecutable();
        assertThat(Files.readString(dir.resolve("script-check.txt"))).isEqualTo("exit 0\n");

        String cfg = Files.readString(dir.resolve("grub.cfg"));
        String title = "Debian GNU/Linux, Linux " + version + ": ";
        assertThat(entryLine(cfg, BootMenu.RAM)).startsWith("menuentry '" + title + "protected (RAM)' ").contains(" --unrestricted ");
        assertThat(entryLine(cfg, BootMenu.DEVICE)).startsWith("menuentry '" + title + "protected (device)' ").contains(" --unrestricted ");
        assertThat(entryLine(cfg, BootMenu.WRITABLE)).startsWith("menuentry '" + title + "maintenance (writable, NOT protected)' ")
                .doesNotContain("--unrestricted");
        assertThat(linuxLine(cfg, BootMenu.RAM)).endsWith(" ro quiet overlayboot=tmpfs").doesNotContain("aufs=");
        assertThat(linuxLine(cfg, BootMenu.DEVICE)).endsWith(" ro quiet aufs=LABEL=obupper");
        assertThat(linuxLine(cfg, BootMenu.WRITABLE)).endsWith(" ro quiet overlayboot=disabled").doesNotContain("aufs=");
        assertThat(cfg.indexOf("'" + BootMenu.RAM + "'")).as("after Debian's own entries: GRUB_DEFAULT=0 still boots Debian's")
                .isGreaterThan(cfg.indexOf("gnulinux-simple-"));
        String ours = cfg.substring(cfg.indexOf("### BEGIN /etc/grub.d/42_overlayboot ###"), cfg.indexOf("### END /etc/grub.d/42_overlayboot ###"));
        assertThat(ours).as("a one-shot pick never becomes the saved default").doesNotContain("savedefault");

        String writable = Files.readString(dir.resolve("writable.json"));
        JsonSchemas.assertMatches("next-boot", writable);
        assertThat(writable).contains("\"entry\":\"overlayboot-writable\"", "\"changed\":true");
        assertThat(Files.readString(dir.resolve("env-writable.txt"))).isEqualTo("next_entry=overlayboot-writable\n");
        assertThat(Files.readString(dir.resolve("check-writable.txt")))
                .contains("next boot: UNPROTECTED: deliberately, for the next boot only: 'overlayboot next-boot writable' chose the entry '"
                        + title + "maintenance (writable, NOT protected)'")
                .contains("next boot: one-shot choice pending: writable, once (grubenv next_entry 'overlayboot-writable';")
                .contains("warning: the boot after this one-shot boot uses GRUB's default 'Debian GNU/Linux' again: protected")
                .contains("exit 1");

        assertThat(Files.readString(dir.resolve("env-protected.txt"))).isEqualTo("next_entry=overlayboot-protected-device\n");
        assertThat(Files.readString(dir.resolve("check-protected.txt"))).startsWith("next boot: protected\n")
                .contains("protected (device)").doesNotContain("exit");
        assertThat(Files.readString(dir.resolve("default.txt"))).contains("next boot: the default", "GRUB's next_entry cleared");
        assertThat(Files.readString(dir.resolve("env-default.txt"))).isEmpty();

        assertThat(Files.readString(dir.resolve("env-after-mkconfig.txt"))).isEqualTo("next_entry=overlayboot-writable\n");
        assertThat(entryLine(Files.readString(dir.resolve("grub-again.cfg")), BootMenu.WRITABLE)).isNotEmpty();

        assertThat(Files.readString(dir.resolve("grub-uninstalled.cfg"))).doesNotContain("overlayboot");
        assertThat(Files.readString(dir.resolve("etc-after.txt"))).as(Files.readString(dir.resolve("uninstall.log")))
                .isEqualTo(Files.readString(dir.resolve("etc-before.txt")));
    }

    /** What 42_overlayboot printed into grub.cfg, between grub-mkconfig's BEGIN and END lines. */
    private static String section(String cfg) {
        String begin = "### BEGIN /etc/grub.d/42_overlayboot ###\n";
        assertThat(cfg).contains(begin);
        return cfg.substring(cfg.indexOf(begin) + begin.length(), cfg.indexOf("### END /etc/grub.d/42_overlayboot ###"));
    }

    private static String entryLine(String cfg, String id) {
        return cfg.lines().filter(l -> l.startsWith("menuentry ") && l.contains("'" + id + "'")).findFirst().orElse("");
    }

    private static String linuxLine(String cfg, String id) {
        int at = cfg.indexOf(entryLine(cfg, id));
        return cfg.substring(at).lines().filter(l -> l.strip().startsWith("linux")).findFirst().orElse("").strip();
    }
}
