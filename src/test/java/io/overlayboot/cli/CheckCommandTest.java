package io.overlayboot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlayboot.core.ExitCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code overlayboot check}: its arguments and exit codes (the checks themselves: io.overlayboot.guard). */
class CheckCommandTest {
    @TempDir
    Path root;

    @Test
    void anEmptyRootCannotBeToldAbout() {
        Cli.Run r = Cli.run("check", "--root", root.toString());
        assertThat(r.code()).isEqualTo(ExitCode.CANNOT_TELL.code());
        assertThat(r.out()).startsWith("next boot: cannot tell: no /boot/grub/grub.cfg");
        assertThat(r.err()).isEmpty();
        Cli.Run json = Cli.run("check", "--root", root.toString(), "--json");
        assertThat(json.code()).isEqualTo(ExitCode.CANNOT_TELL.code());
        JsonSchemas.assertMatches("check", json.out());
        assertThat(json.out()).startsWith("{\"verdict\":\"unknown\",\"reasons\":[{\"kind\":\"unknown\",");
    }

    @Test
    void aMissingRootIsBadInput() {
        Cli.Run r = Cli.run("check", "--root", root.resolve("nope").toString());
        assertThat(r.code()).isEqualTo(ExitCode.BAD_INPUT.code());
        assertThat(r.err()).isEqualTo("overlayboot: --root '" + root.resolve("nope") + "' is not a directory"
                + " (hint: point --root at the target's top directory)\n");
    }

    @Test
    void guardAndInitrdNeedAKernel() {
        Cli.Run r = Cli.run("check", "--root", root.toString(), "--guard");
        assertThat(r.code()).isEqualTo(ExitCode.USAGE.code());
        assertThat(r.err()).contains("--initrd and --guard need --kernel VERSION");
    }

    @Test
    void theGuardSaysNothingOnStdoutAndKeepsTheMarkForItsKernel() throws IOException {
        Files.createDirectories(root.resolve("lib/modules/6.1.0-9-amd64"));
        Files.writeString(root.resolve("lib/modules/6.1.0-9-amd64/modules.builtin"), "kernel/fs/overlayfs/overlay.ko\n");
        Files.createDirectories(root.resolve("boot"));
        Files.writeString(root.resolve("boot/vmlinuz-6.1.0-9-amd64"), "");
        Cli.Run r = Cli.run("check", "--root", root.toString(), "--kernel", "6.1.0-9-amd64", "--guard");
        assertThat(r.code()).isEqualTo(ExitCode.NOT_PROTECTED.code());
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("E: overlayboot: kernel 6.1.0-9-amd64: this initrd boots UNPROTECTED: initrd"
                + " /boot/initrd.img-6.1.0-9-amd64 does not exist (hint: run update-initramfs -c -k 6.1.0-9-amd64)");
        Path mark = root.resolve("var/lib/overlayboot/next-boot-unprotected");
        assertThat(mark).content().startsWith("6.1.0-9-amd64\tinitrd /boot/initrd.img-6.1.0-9-amd64 does not exist");

        Cli.Run check = Cli.run("check", "--root", root.toString());
        assertThat(check.out()).contains("mark: kernel 6.1.0-9-amd64: initrd /boot/initrd.img-6.1.0-9-amd64 does not exist");

        Files.writeString(mark, "6.1.0-1-gone\tsomething old\n", java.nio.file.StandardOpenOption.APPEND);
        Files.writeString(root.resolve("boot/initrd.img-6.1.0-9-amd64"), "not an initrd");
        Cli.Run unknown = Cli.run("check", "--root", root.toString(), "--kernel", "6.1.0-9-amd64", "--guard");
        assertThat(unknown.code()).isEqualTo(ExitCode.CANNOT_TELL.code());
        assertThat(unknown.err()).contains("W: overlayboot: kernel 6.1.0-9-amd64: cannot tell whether this initrd protects");
        assertThat(mark).as("a removed kernel's lines go").content().startsWith("6.1.0-9-amd64\tcannot tell: cannot read initrd")
                .doesNotContain("6.1.0-1-gone");
    }

    @Test
    void whatComesFromTheTargetCannotForgeLinesOrReachTheTerminalAsControlCodes() {
        String odd = "6.1\u001b[2J\nE: forged\tx";
        Cli.Run r = Cli.run("check", "--root", root.toString(), "--kernel", odd, "--guard");
        assertThat(r.err()).doesNotContain("\u001b").doesNotContain("\nE: forged").contains("6.1\\x1b[2J\\x0aE: forged\\x09x");
        assertThat(root.resolve("var/lib/overlayboot/next-boot-unprotected")).content()
                .startsWith("6.1\\x1b[2J\\x0aE: forged\\x09x\t").hasLineCount(2);
    }

    @Test
    void installLaysInTheGuardAndUninstallTakesItAndItsMarkAway() throws Exception {
        Path target = io.overlayboot.install.DebianTreeAccess.create(root.resolve("root"), true);
        java.util.List<String> before = io.overlayboot.install.DebianTreeAccess.describe(target);
        assertThat(Cli.run("install", "--root", target.toString(), "--yes").code()).isZero();
        assertThat(target.resolve("etc/kernel/postinst.d/zz-overlayboot")).isExecutable();
        assertThat(target.resolve("etc/initramfs/post-update.d/zz-overlayboot")).isExecutable();
        assertThat(target.resolve("etc/profile.d/overlayboot.sh")).isRegularFile();
        Files.writeString(target.resolve("var/lib/overlayboot/next-boot-unprotected"), "6.1.0-9-amd64\tsome reason\n");

        Cli.Run uninstall = Cli.run("uninstall", "--root", target.toString(), "--yes");
        assertThat(uninstall.code()).as(uninstall.err()).isZero();
        assertThat(io.overlayboot.install.DebianTreeAccess.describe(target)).isEqualTo(before);
    }
}
