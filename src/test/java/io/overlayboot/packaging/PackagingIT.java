package io.overlayboot.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlayboot.sys.Exec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Debian package: built by {@code mvn -Pdeb} ({@code packaging/build-deb.sh}), lintian-clean, and
 * working on a Debian 12 system that has no Java at all (the cached chroot).
 */
@Tag("vm")
class PackagingIT {
    static Path deb;

    @TempDir
    Path work;

    /** The package {@code mvn -Pdeb} built at the package phase (the profile names it). */
    @BeforeAll
    static void build() {
        String built = System.getProperty("overlayboot.deb");
        assertThat(built).as("the system property overlayboot.deb (hint: run with mvn -Pdeb verify)").isNotBlank();
        deb = Path.of(built);
        assertThat(deb).as("the package (hint: mvn -Pdeb verify builds it)").exists();
    }

    @Test
    void lintianFindsNoErrors() {
        Exec.Result r = Exec.run(List.of("lintian", "--tag-display-limit", "0", deb.toString()), Duration.ofMinutes(5));
        assertThat(r.stdout().lines().filter(l -> l.startsWith("E: "))).isEmpty();
    }

    @Test
    void installsAndRunsOnDebianWithoutASystemJava() throws Exception {
        Exec.Result chroot = Exec.run(List.of("bash", "e2e/build-chroot.sh"), Duration.ofMinutes(15));
        assertThat(chroot.exitCode()).as(chroot.stderr()).isZero();
        Files.createDirectories(work.resolve("upper"));
        Files.copy(deb, work.resolve("upper/overlayboot.deb"));
        Exec.Result r = Exec.run(List.of("bash", "e2e/chroot-run.sh", work.toString(), "sh", "-c",
                "if command -v java; then echo HAS-JAVA; fi; dpkg -i /overlayboot.deb >/dev/null"
                        + " && overlayboot --version && overlayboot render --out /tmp/r --size 25%"
                        + " && cat /tmp/r/etc/overlayboot.conf && overlayboot settings --json >/dev/null"
                        + " && ls /usr/lib/overlayboot/aot /usr/lib/overlayboot/native"),
                Map.of(), null, null, Duration.ofMinutes(5));
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).doesNotContain("HAS-JAVA").contains("overlayboot 0.1.0", "\nsize=25%\n")
                // one AOT cache per command group, as ./overlayboot has them, and zstd-jni's library unpacked
                .contains("version.aot", "status.aot", "settings.aot", "inspect.aot", "all.aot", "libzstd-jni-");
        assertThat(r.stderr()).doesNotContain("AOT").doesNotContain("warning");
    }

    /**
     * Mounts an ext4 image of a cached chroot on a loop device as a real root (grub-probe and
     * grub-mkconfig need a block device under {@code /}; the root is not an overlay, so overlayboot
     * sees a plain machine), all inside {@code unshare -m -p -f}, then runs {@code $4} (a script)
     * chrooted into it with the two packages in {@code /tmp}.
     */
    private static final String MOUNT = """
            dir=$1 deb=$2 deb2=$3 inner=$4
            m=$dir/root
            mkdir -p "$m" "$dir/dev"
            loop=$(losetup -f --show "$dir/root.ext4")
            trap 'losetup -d "$loop" 2>/dev/null || true' EXIT
            minor=$((0x$(stat -c %T "$loop")))
            mount -t tmpfs -o mode=755 tmpfs "$dir/dev"
            for n in null zero full random urandom tty; do
              : > "$dir/dev/$n"; mount --bind "/dev/$n" "$dir/dev/$n"
            done
            # also under a name grub-mkconfig does not take for a loop file (it would run losetup)
            mknod "$dir/dev/obroot" b 7 "$minor"
            mknod "$dir/dev/${loop#/dev/}" b 7 "$minor"
            mount --rbind "$dir/dev" /dev   # this namespace only
            mount /dev/obroot "$m"
            losetup -d "$loop"
            mount -t proc proc "$m/proc"
            mount -t sysfs sysfs "$m/sys"
            mount --rbind /dev "$m/dev"
            mount -t tmpfs tmpfs "$m/tmp"
            mount -t tmpfs tmpfs "$m/run"
            cp "$deb" "$m/tmp/overlayboot_n.deb"
            cp "$deb2" "$m/tmp/overlayboot_n1.deb"
            exec chroot "$m" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
              DEBIAN_FRONTEND=noninteractive sh -c "$inner"
            """;

    /**
     * The life of the package on one machine, as an admin lives it: apt installs it (its
     * dependencies are there) and the trigger puts the boot files into the existing initrd while
     * nothing switches protection on; {@code enable} with an option; {@code check} says the next
     * boot is protected (GRUB's real menu carries the parameter); {@code disable} puts
     * {@code /etc/default/grub} and the conffile back byte for byte; enabled again, the admin edits
     * the conffile, and the upgrade to N+1 (whose conffile changed too) keeps those edits and the
     * protection; {@code apt remove} switches the protection off (prerm) and the trigger takes the
     * files out of the initrd; {@code apt purge} leaves no file of the package and GRUB's defaults
     * as they were.
     */
    private static final String LIFE = String.join("\n",
            "set -u",
            "k=$(cat /usr/share/overlayboot-e2e/kernel-version)",
            "cp /usr/share/overlayboot-e2e/modules-list.conf /etc/initramfs-tools/conf.d/",
            "cp /usr/share/overlayboot-e2e/modules /etc/initramfs-tools/modules",
            "printf '%s\\n' 'GRUB_DEFAULT=0' 'GRUB_TIMEOUT=5' 'GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"' 'GRUB_CMDLINE_LINUX=\"\"' >/etc/default/grub",
            "mkdir -p /boot/grub",
            "update-initramfs -c -k \"$k\" >/dev/null 2>&1 || { echo NO-INITRD; exit 3; }",
            "grub-mkconfig -o /boot/grub/grub.cfg >/tmp/mkconfig.log 2>&1 || { cat /tmp/mkconfig.log; exit 3; }",
            "sha256sum /etc/default/grub >/root/grub.sha",
            "step() { printf '%s\\n' \"== $1\"; }",
            "apt-get install -y -q --no-install-recommends /tmp/overlayboot_n.deb >/tmp/apt.log 2>&1 || { cat /tmp/apt.log; exit 3; }",
            "step INSTALLED",
            "lsinitramfs /boot/initrd.img-$k | grep -E 'scripts/init-bottom/overlayboot$|etc/overlayboot.conf$' | sort",
            "dpkg -L overlayboot | while read -r f; do [ -d \"$f\" ] || printf '%s\\n' \"$f\"; done >/root/files",
            "conf_md5=$(dpkg-query -W -f='${Conffiles}\\n' overlayboot | awk '$1 == \"/etc/overlayboot.conf\" { print $2 }')",
            "sha256sum -c /root/grub.sha >/dev/null && echo GRUB-UNTOUCHED",
            "overlayboot check >/dev/null 2>&1; echo \"check=$?\"",
            "overlayboot enable --yes --size 30% >/tmp/enable.out 2>/tmp/enable.log; echo \"enable=$?\"; cat /tmp/enable.out /tmp/enable.log >&2",
            "step ENABLED",
            "grep -c '^size=30%$' /etc/overlayboot.conf",
            "grep -c 'linux.*aufs=tmpfs' /boot/grub/grub.cfg | sed 's/^[1-9][0-9]*$/MENU-HAS-PARAMETER/'",
            "overlayboot check >/tmp/check.out; echo \"check=$?\"; head -n1 /tmp/check.out",
            "overlayboot disable --yes >/tmp/disable.out 2>/tmp/disable.log; echo \"disable=$?\"; cat /tmp/disable.out /tmp/disable.log >&2",
            "step DISABLED",
            "sha256sum -c /root/grub.sha >/dev/null && echo GRUB-SAME",
            "[ \"$(md5sum </etc/overlayboot.conf | cut -d' ' -f1)\" = \"$conf_md5\" ] && echo CONFFILE-SAME",
            "grep -c 'aufs=' /boot/grub/grub.cfg",
            "overlayboot check >/dev/null 2>&1; echo \"check=$?\"",
            "overlayboot enable --yes >/dev/null 2>&1; echo \"enable=$?\"",
            "sed -i 's/^#size=.*/size=40%/' /etc/overlayboot.conf && echo '# the admin was here' >>/etc/overlayboot.conf",
            "apt-get install -y -q --no-install-recommends -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold"
                    + " /tmp/overlayboot_n1.deb >/tmp/apt.log 2>&1 || { cat /tmp/apt.log; exit 3; }",
            "step UPGRADED",
            "dpkg-query -W -f='${Version}\\n' overlayboot",
            "grep -c -e '^size=40%$' -e '^# the admin was here$' /etc/overlayboot.conf",
            "overlayboot check >/dev/null 2>&1; echo \"check=$?\"",
            "apt-get remove -y -q overlayboot >/tmp/apt.log 2>&1 || { cat /tmp/apt.log; exit 3; }",
            "step REMOVED",
            "grep -c 'aufs=' /boot/grub/grub.cfg",
            "lsinitramfs /boot/initrd.img-$k | grep -c 'scripts/init-bottom/overlayboot$'",
            "sha256sum -c /root/grub.sha >/dev/null && echo GRUB-SAME",
            "apt-get purge -y -q overlayboot >/tmp/apt.log 2>&1 || { cat /tmp/apt.log; exit 3; }",
            "step PURGED",
            "while read -r f; do [ ! -e \"$f\" ] || printf 'LEFT %s\\n' \"$f\"; done </root/files",
            "[ ! -e /var/lib/overlayboot ] || echo LEFT /var/lib/overlayboot",
            "sha256sum -c /root/grub.sha >/dev/null && echo GRUB-SAME",
            "step END");

    /** N+1: the package built by Maven with a bumped version and a changed conffile (dpkg-deb -R, edit, -b). */
    static Path nextVersion(Path dir) throws Exception {
        Path tree = dir.resolve("n1");
        Exec.Result x = Exec.run(List.of("dpkg-deb", "-R", deb.toString(), tree.toString()), Duration.ofMinutes(5));
        assertThat(x.exitCode()).as(x.stderr()).isZero();
        Path control = tree.resolve("DEBIAN/control");
        Files.writeString(control, Files.readString(control).replaceFirst("(?m)^Version: (.*)$", "Version: $1+1"));
        Path conf = tree.resolve("etc/overlayboot.conf");
        Files.writeString(conf, Files.readString(conf) + "# (a comment new in N+1)\n");
        Path out = dir.resolve("overlayboot_n1.deb");
        Exec.Result b = Exec.run(List.of("dpkg-deb", "--root-owner-group", "-Zgzip", "-z1", "-b", tree.toString(), out.toString()),
                Duration.ofMinutes(5));
        assertThat(b.exitCode()).as(b.stderr()).isZero();
        return out;
    }

    @Test
    void debian12InstallEnableDisableUpgradeRemovePurge() throws Exception {
        lifeOn("bookworm", "chroot");
    }

    @Test
    void debian13InstallEnableDisableUpgradeRemovePurge() throws Exception {
        lifeOn("trixie", "chroot-trixie");
    }

    private void lifeOn(String flavor, String name) throws Exception {
        Exec.Result chroot = Exec.run(List.of("bash", "e2e/build-chroot.sh", flavor), Duration.ofMinutes(15));
        assertThat(chroot.exitCode()).as(chroot.stderr()).isZero();
        Path cached = Path.of(chroot.stdout().strip());
        assertThat(cached.getFileName().toString()).isEqualTo(name);
        Path n1 = nextVersion(work);
        Exec.Result mkfs = Exec.run(List.of("mkfs.ext4", "-q", "-F", "-d", cached.toString(), work.resolve("root.ext4").toString(), "3G"),
                Duration.ofMinutes(10));
        assertThat(mkfs.exitCode()).as(mkfs.stderr()).isZero();
        Exec.Result r = Exec.run(List.of("unshare", "-m", "-p", "-f", "--propagation", "private", "bash", "-euo", "pipefail", "-c",
                MOUNT, "packaging-it", work.toString(), deb.toString(), n1.toString(), LIFE), Map.of(), null, null, Duration.ofMinutes(20));
        String out = r.stdout();
        assertThat(r.exitCode()).as(out + r.stderr()).isZero();
        assertThat(out).as(r.stderr()).endsWith("== END\n");
        String version = out.lines().filter(l -> l.matches("\\d.*\\+1")).findFirst().orElse("");
        String expected = String.join("\n",
                "== INSTALLED",
                // the trigger rebuilt the initrd with the package's boot script and config
                "etc/overlayboot.conf",
                "scripts/init-bottom/overlayboot",
                "GRUB-UNTOUCHED",
                "check=1", // installed, not enabled: the next boot is not protected
                "enable=0",
                "== ENABLED",
                "1",
                "MENU-HAS-PARAMETER",
                "check=0",
                "next boot: protected",
                "disable=0",
                "== DISABLED",
                "GRUB-SAME",
                "CONFFILE-SAME",
                "0",
                "check=1",
                "enable=0",
                "== UPGRADED",
                version,
                "2", // both of the admin's edits are still there
                "check=0",
                "== REMOVED",
                "0", // prerm disabled the protection: GRUB's menu has no parameter
                "0", // and the trigger took the boot script out of the initrd
                "GRUB-SAME",
                "== PURGED",
                "GRUB-SAME",
                "== END",
                "");
        assertThat(version).as(out).isNotEmpty();
        assertThat(out).as(r.stderr()).isEqualTo(expected);
    }
}
