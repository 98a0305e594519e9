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
 * living its whole life on Debian 12 and 13 machines that have no Java at all ({@link DebianMachine}'s
 * stock disks; the no-Java check is part of each life, after the install).
 */
@Tag("vm")
class PackagingIT {
    static Path deb;

    @TempDir
    Path work;

    @BeforeAll
    static void build() {
        deb = DebianMachine.deb();
    }

    /** lintian clean: no error and no warning; each override in packaging/debian/lintian-overrides says why. */
    @Test
    void lintianFindsNoErrorsOrWarnings() {
        Exec.Result r = Exec.run(List.of("lintian", "--tag-display-limit", "0", deb.toString()), Duration.ofMinutes(5));
        assertThat(r.stdout().lines().filter(l -> l.startsWith("E: ") || l.startsWith("W: "))).as(r.stdout()).isEmpty();
    }

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
            "sha256sum /etc/default/grub >/root/grub.sha",
            "step() { printf '%s\\n' \"== $1\"; }",
            "apt-get install -y -q --no-install-recommends /tmp/overlayboot_n.deb >/tmp/apt.log 2>&1 || { cat /tmp/apt.log; exit 3; }",
            "step INSTALLED",
            // it runs on a Debian without a system Java (its own jlink'd runtime and AOT cache, no warning)
            "if command -v java >/dev/null; then echo HAS-JAVA; fi",
            "overlayboot --version 2>/tmp/version.err; grep -c -i -e AOT -e warning /tmp/version.err",
            "overlayboot render --out /tmp/r --size 25% >/dev/null && grep '^size=' /tmp/r/etc/overlayboot.conf",
            // the AOT caches of status, inspect and every other command, and zstd-jni's library unpacked
            "overlayboot settings --json >/dev/null 2>&1 && echo SETTINGS-RUN",
            "ls /usr/lib/overlayboot/aot /usr/lib/overlayboot/native | grep -c -E '^(status|inspect|all)[.]aot$|^libzstd-jni-'",
            // a cache the JVM cannot use (over 32 GiB of heap: no compressed oops) leaves stdout clean JSON
            "OVERLAYBOOT_JAVA_OPTIONS=-XX:MaxRAM=256g overlayboot settings --json 2>/dev/null | head -c 2; echo",
            // the user's JVM variables do not reach the package's JVM (a GC there stopped it with status's exit 1)
            "export JAVA_TOOL_OPTIONS=-XX:+UseG1GC JDK_JAVA_OPTIONS=-XX:+UseZGC _JAVA_OPTIONS='-XX:+UseParallelGC -verbose:class'",
            "overlayboot --version 2>&1",
            "overlayboot status --json >/tmp/status.json 2>/tmp/status.err; echo \"status=$? $(head -c 16 /tmp/status.json) $(wc -c </tmp/status.err)\"",
            "unset JAVA_TOOL_OPTIONS JDK_JAVA_OPTIONS _JAVA_OPTIONS",
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
        assertThat(DebianMachine.chroot(flavor).getFileName().toString()).isEqualTo(name);
        Path n1 = nextVersion(work);
        Path disk = DebianMachine.stockDisk(flavor, work);
        Exec.Result r = DebianMachine.inside(disk, work, LIFE, Map.of(deb, "overlayboot_n.deb", n1, "overlayboot_n1.deb"),
                Duration.ofMinutes(20));
        String out = r.stdout();
        assertThat(r.exitCode()).as(out + r.stderr()).isZero();
        assertThat(out).as(r.stderr()).endsWith("== END\n");
        String version = out.lines().filter(l -> l.matches("\\d.*\\+1")).findFirst().orElse("");
        String expected = String.join("\n",
                "== INSTALLED",
                "overlayboot 0.1.0",
                "0",
                "size=25%",
                "SETTINGS-RUN",
                "4",
                "[{", // a JSON array of objects, not a "[0.008s][error][aot]" line
                "overlayboot 0.1.0", // no "Picked up JAVA_TOOL_OPTIONS", no "Multiple garbage collectors selected"
                "status=1 {\"schemaVersion\" 0", // not protected (a chroot), its JSON, nothing on stderr
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
