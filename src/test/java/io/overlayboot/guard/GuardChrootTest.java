package io.overlayboot.guard;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlayboot.vm.DebianChroot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * The guard in a copy of the cached Debian chroot with overlayboot installed and its command
 * callable: {@code dpkg -i} of the newer linux-image in {@code /usr/share/overlayboot-e2e/upgrade/}
 * runs the kernel's postinst.d hooks (initramfs-tools builds the initrd, then ours checks it), and
 * {@code update-initramfs -u} runs the post-update.d hook.
 */
// Runs beside the other classes (it touches only its own chroot copies; docs/ci-time.md)
@Execution(ExecutionMode.CONCURRENT)
class GuardChrootTest {
    private static DebianChroot chroot;
    private static String version;
    private static String upgrade;

    @TempDir
    Path dir;

    @BeforeAll
    static void chroot() {
        chroot = DebianChroot.ensure(line -> {});
        version = chroot.kernelVersion();
        upgrade = chroot.upgradeKernelVersion();
    }

    private String dpkgUpgrade(String log) throws IOException {
        String deb;
        try (var files = Files.list(chroot.root().resolve("usr/share/overlayboot-e2e/upgrade"))) {
            deb = files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("linux-image-" + upgrade + "_"))
                    .findFirst().orElseThrow();
        }
        // --force-unsafe-io: no fsync per unpacked file (the copy is thrown away); the maintainer
        // scripts and the kernel's postinst.d hooks, what this test is about, run exactly as before
        return GuardChroot.inside("dpkg --force-unsafe-io -i /usr/share/overlayboot-e2e/upgrade/" + deb) + " > " + log
                + " 2>&1 || echo \"dpkg exit code $?\" >> " + log + "\n";
    }

    @Test
    void aKernelUpgradeWhoseInitrdLostTheScriptFailsLoudlyAndLeavesTheMark() throws IOException {
        assertThat(upgrade).as("the cached chroot holds a newer kernel package").isNotEmpty();
        String out = "'" + dir + "'";
        String script = "\"$T/etc/initramfs-tools/scripts/init-bottom/overlayboot\"";
        GuardChroot.run(chroot, dir.resolve("work"), GuardChroot.cliInside() + GuardChroot.installed(version)
                + "mv " + script + " " + out + "/script\n"
                + dpkgUpgrade(out + "/dpkg.log")
                + "cp \"$T/var/lib/overlayboot/next-boot-unprotected\" " + out + "/mark-after-dpkg || true\n"
                + GuardChroot.inside("dash -i -c '. /etc/profile.d/overlayboot.sh'") + " </dev/null >/dev/null 2> " + out
                + "/login.txt || true\n"
                + GuardChroot.inside("update-initramfs -u -k " + version) + " > " + out + "/update-bad.log 2>&1 || echo \"exit $?\" >> "
                + out + "/update-bad.log\n"
                + "cp \"$T/var/lib/overlayboot/next-boot-unprotected\" " + out + "/mark-after-update || true\n"
                + GuardChroot.inside("overlayboot check") + " > " + out + "/check.txt 2>&1 || echo \"check exit code $?\" >> "
                + out + "/check.txt\n"
                + "mv " + out + "/script " + script + "\n"
                + GuardChroot.inside("update-initramfs -u -k all") + " > " + out + "/update-good.log 2>&1 || echo \"exit $?\" >> "
                + out + "/update-good.log\n"
                + "if [ -e \"$T/var/lib/overlayboot/next-boot-unprotected\" ]; then echo present; else echo gone; fi > "
                + out + "/mark-at-end\n");

        String dpkg = Files.readString(dir.resolve("dpkg.log"));
        String reason = "initrd /boot/initrd.img-" + upgrade + " has no scripts/init-bottom/overlayboot (the boot script)";
        assertThat(dpkg).as(dpkg).contains("E: overlayboot: kernel " + upgrade + ": this initrd boots UNPROTECTED: " + reason)
                .contains("E: overlayboot: noted in /var/lib/overlayboot/next-boot-unprotected")
                .contains("dpkg exit code 1");
        assertThat(dpkg.split("this initrd boots UNPROTECTED", -1)).as("said once, by the kernel hook: " + dpkg).hasSize(2);
        assertThat(Files.readString(dir.resolve("mark-after-dpkg"))).startsWith(upgrade + "\t" + reason);
        assertThat(Files.readString(dir.resolve("login.txt"))).contains("overlayboot: WARNING: an initrd will boot UNPROTECTED:")
                .contains("  kernel " + upgrade + ": " + reason);

        assertThat(Files.readString(dir.resolve("update-bad.log"))).as("the post-update.d hook")
                .contains("E: overlayboot: kernel " + version + ": this initrd boots UNPROTECTED: initrd /boot/initrd.img-"
                        + version + " has no scripts/init-bottom/overlayboot");
        assertThat(Files.readString(dir.resolve("mark-after-update"))).contains(upgrade + "\t").contains(version + "\t");
        assertThat(Files.readString(dir.resolve("check.txt"))).contains("mark: kernel " + upgrade + ": " + reason)
                .contains("check exit code");

        assertThat(Files.readString(dir.resolve("update-good.log"))).doesNotContain("overlayboot");
        assertThat(Files.readString(dir.resolve("mark-at-end"))).as("good builds of both kernels clear the mark").isEqualTo("gone\n");
    }

    @Test
    void withEverythingInPlaceAKernelUpgradeIsSilent() throws IOException {
        String out = "'" + dir + "'";
        GuardChroot.run(chroot, dir.resolve("work"), GuardChroot.cliInside() + GuardChroot.installed(version)
                + dpkgUpgrade(out + "/dpkg.log")
                + GuardChroot.inside("overlayboot check --kernel " + upgrade) + " > " + out + "/check.txt 2>&1 || echo \"exit $?\" >> "
                + out + "/check.txt\n"
                + "if [ -e \"$T/var/lib/overlayboot/next-boot-unprotected\" ]; then echo present; else echo none; fi > "
                + out + "/mark\n");
        String dpkg = Files.readString(dir.resolve("dpkg.log"));
        assertThat(Files.readString(dir.resolve("check.txt"))).as(dpkg).doesNotContain("exit");
        assertThat(dpkg).as(dpkg).contains("Setting up linux-image-" + upgrade).doesNotContain("overlayboot")
                .doesNotContain("dpkg exit code");
        assertThat(Files.readString(dir.resolve("check.txt"))).isEqualTo("kernel " + upgrade + ": protected (/boot/initrd.img-"
                + upgrade + ")\n");
        assertThat(Files.readString(dir.resolve("mark"))).isEqualTo("none\n");
    }
}
