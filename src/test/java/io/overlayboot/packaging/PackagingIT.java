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
                        + " && cat /tmp/r/etc/overlayboot.conf"),
                Map.of(), null, null, Duration.ofMinutes(5));
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).doesNotContain("HAS-JAVA").contains("overlayboot 0.1.0", "\nsize=25%\n");
        assertThat(r.stderr()).doesNotContain("AOT").doesNotContain("warning");
    }

    /**
     * The package as Debian installs it, in the cached Debian 12 chroot: apt installs it (its
     * dependencies are there), initramfs-tools' trigger rebuilds the existing initrd with the
     * package's hook and boot script in it, nothing switches protection on (the packaged guard
     * stays quiet, GRUB's defaults are untouched), and remove then purge leave no file of the
     * package behind and /etc/default/grub byte for byte as before.
     */
    @Test
    void installsThroughAptTriggersTheInitrdAndPurgesWithoutATrace() throws Exception {
        Exec.Result chroot = Exec.run(List.of("bash", "e2e/build-chroot.sh"), Duration.ofMinutes(15));
        assertThat(chroot.exitCode()).as(chroot.stderr()).isZero();
        Files.createDirectories(work.resolve("upper"));
        Files.copy(deb, work.resolve("upper/overlayboot.deb"));
        String script = String.join("\n",
                "set -eu",
                "k=$(ls /lib/modules | head -n1)",
                "printf '%s\\n' 'GRUB_DEFAULT=0' 'GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"' >/etc/default/grub",
                "sha256sum /etc/default/grub >/tmp/grub.sha",
                // only what the test looks at: a MODULES=most initrd takes minutes per build here
                "sed -i 's/^MODULES=.*/MODULES=list/' /etc/initramfs-tools/initramfs.conf",
                "update-initramfs -c -k \"$k\" >/dev/null 2>&1",
                "lsinitramfs /boot/initrd.img-$k | grep -c overlayboot || true",
                "apt-get install -y -q --no-install-recommends /overlayboot.deb >/tmp/apt.log 2>&1 || { cat /tmp/apt.log; exit 3; }",
                "echo INSTALLED",
                "lsinitramfs /boot/initrd.img-$k | grep -E 'scripts/init-bottom/overlayboot$|etc/overlayboot.conf$' | sort",
                "dpkg-query -W -f='${Conffiles}\\n' overlayboot",
                "dpkg -L overlayboot | while read -r f; do [ -d \"$f\" ] || printf '%s\\n' \"$f\"; done >/tmp/files",
                "sha256sum -c /tmp/grub.sha >/dev/null && echo GRUB-UNTOUCHED",
                "[ ! -e /etc/default/grub.d/overlayboot.cfg ] && echo NO-DROP-IN",
                "apt-get remove -y -q overlayboot >/dev/null 2>&1",
                "echo REMOVED",
                "lsinitramfs /boot/initrd.img-$k | grep -c 'scripts/init-bottom/overlayboot$' || true",
                "apt-get purge -y -q overlayboot >/dev/null 2>&1",
                "echo PURGED",
                "while read -r f; do [ ! -e \"$f\" ] || printf 'LEFT %s\\n' \"$f\"; done </tmp/files",
                "[ ! -e /var/lib/overlayboot ] || echo LEFT /var/lib/overlayboot",
                "sha256sum -c /tmp/grub.sha >/dev/null && echo GRUB-SAME");
        Exec.Result r = Exec.run(List.of("bash", "e2e/chroot-run.sh", work.toString(), "sh", "-c", script),
                Map.of(), null, null, Duration.ofMinutes(10));
        assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
        String out = r.stdout();
        // before: an initrd without overlayboot; after the trigger: the boot script and config in it
        assertThat(out).startsWith("0\nINSTALLED\n");
        assertThat(out).contains("etc/overlayboot.conf\n", "scripts/init-bottom/overlayboot\n");
        assertThat(out).contains(" /etc/overlayboot.conf ", " /etc/kernel/postinst.d/zz-overlayboot ");
        assertThat(out).contains("GRUB-UNTOUCHED", "NO-DROP-IN");
        // the trigger ran again on removal: the initrd no longer carries the boot script
        assertThat(out).contains("REMOVED\n0\nPURGED\n");
        assertThat(out).doesNotContain("LEFT").endsWith("GRUB-SAME\n");
    }
}
