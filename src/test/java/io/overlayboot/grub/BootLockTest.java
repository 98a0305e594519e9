package io.overlayboot.grub;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlayboot.cli.Cli;
import io.overlayboot.cli.JsonSchemas;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lock-boot} and {@code unlock-boot} on a small tree: a static busybox and a
 * {@code grub-mkpasswd-pbkdf2} that prints a hash of what it read (so the test sees exactly what
 * was fed to it), run through {@code chroot} as on a real target. The real GRUB tools are in
 * {@link BootLockChrootTest}.
 */
class BootLockTest {
    /** Debian's CLASS line and the lines around it, as in bookworm's /etc/grub.d/10_linux. */
    static final String LINUX = """
            #! /bin/sh
            set -e
            CLASS="--class gnu-linux --class gnu --class os"
            SUPPORTED_INITS="sysvinit:/lib/sysvinit/init systemd:/lib/systemd/systemd"
              CLASS="--class $(echo ${GRUB_DISTRIBUTOR} | tr 'A-Z' 'a-z' | cut -d' ' -f1) ${CLASS}"
            """;

    @TempDir
    Path dir;

    private Path tree() throws Exception {
        Path root = dir.resolve("root");
        for (String d : List.of("bin", "usr/bin", "usr/sbin", "etc/grub.d", "tmp")) {
            Files.createDirectories(root.resolve(d));
        }
        Files.copy(Path.of("/usr/bin/busybox"), root.resolve("bin/busybox"));
        for (String tool : List.of("sh", "cat", "sha256sum", "cut", "tr")) {
            Files.createSymbolicLink(root.resolve("bin/" + tool), Path.of("busybox"));
        }
        // prints grub.pbkdf2.sha512.10000.SALT.HASH where HASH is the sha256 of stdin, upper-case
        write(root, "usr/bin/grub-mkpasswd-pbkdf2", "#!/bin/sh\nh=$(cat | sha256sum | cut -d' ' -f1 | tr a-f A-F)\n"
                + "echo \"PBKDF2 hash of your password is grub.pbkdf2.sha512.10000.00FF.$h\"\n", "rwxr-xr-x");
        write(root, "usr/sbin/grub-mkconfig", "#!/bin/sh\n# sources /etc/default/grub.d/*.cfg\n", "rwxr-xr-x");
        write(root, "etc/grub.d/10_linux", LINUX, "rwxr-xr-x");
        return root;
    }

    private static void write(Path root, String path, String text, String mode) throws Exception {
        Path p = root.resolve(path);
        Files.writeString(p, text);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
    }

    private static String stdinHash(String fed) throws Exception {
        byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(fed.getBytes(StandardCharsets.UTF_8));
        return java.util.HexFormat.of().withUpperCase().formatHex(d);
    }

    @Test
    void lockFeedsThePasswordTwiceOnStdinEditsOnlyTheClassLineAndUnlockPutsEveryByteBack() throws Exception {
        Path root = tree();
        Path pw = Files.writeString(dir.resolve("pw"), "s3cret\r\n");
        String linuxBefore = Files.readString(root.resolve("etc/grub.d/10_linux"));

        Cli.Run lock = Cli.run("lock-boot", "--root", root.toString(), "--password-file", pw.toString(), "--json");
        assertThat(lock.code()).as(lock.err()).isZero();
        JsonSchemas.assertMatches("lock-boot", lock.out());
        assertThat(lock.out()).contains("\"bootChain\":\"printed\"").contains("\"locked\":true").contains("\"user\":\"root\"");
        assertThat(lock.err()).as("grub-mkconfig cannot run in this tree: printed").contains("grub-mkconfig -o /boot/grub/grub.cfg");

        assertThat(Files.readString(root.resolve("etc/grub.d/01_overlayboot-lock"))).contains("set superusers=\"root\"\n")
                .contains("password_pbkdf2 root grub.pbkdf2.sha512.10000.00FF." + stdinHash("s3cret\ns3cret\n") + "\n");
        assertThat(Files.readString(root.resolve("etc/grub.d/10_linux"))).isEqualTo(linuxBefore.replace(
                "CLASS=\"--class gnu-linux --class gnu --class os\"", "CLASS=\"--class gnu-linux --class gnu --class os --unrestricted\""));
        assertThat(Files.readString(root.resolve("etc/default/grub.d/overlayboot-lock.cfg"))).contains("\nGRUB_DISABLE_RECOVERY=true\n");

        Cli.Run unlock = Cli.run("unlock-boot", "--root", root.toString(), "--json");
        assertThat(unlock.code()).as(unlock.err()).isZero();
        JsonSchemas.assertMatches("unlock-boot", unlock.out());
        assertThat(Files.readString(root.resolve("etc/grub.d/10_linux"))).isEqualTo(linuxBefore);
        assertThat(root.resolve("etc/grub.d/01_overlayboot-lock")).doesNotExist();
        assertThat(root.resolve("etc/default")).as("the directories it created are gone").doesNotExist();
        assertThat(root.resolve("var")).doesNotExist();
    }

    @Test
    void unlockRefusesAFileChangedSinceUnlessForced() throws Exception {
        Path root = tree();
        Path pw = Files.writeString(dir.resolve("pw"), "pw\n");
        assertThat(Cli.run("lock-boot", "--root", root.toString(), "--password-file", pw.toString()).code()).isZero();
        Files.writeString(root.resolve("etc/grub.d/10_linux"), "# changed by a package upgrade\n", java.nio.file.StandardOpenOption.APPEND);

        Cli.Run refused = Cli.run("unlock-boot", "--root", root.toString());
        assertThat(refused.code()).isEqualTo(4);
        assertThat(refused.err()).contains("Changed since it was written: " + root.resolve("etc/grub.d/10_linux").toRealPath())
                .contains("--force");
        assertThat(root.resolve("etc/grub.d/01_overlayboot-lock")).as("nothing put back").exists();

        assertThat(Cli.run("unlock-boot", "--root", root.toString(), "--force").code()).isZero();
        assertThat(Files.readString(root.resolve("etc/grub.d/10_linux"))).isEqualTo(LINUX);
    }

    @Test
    void passwordFiles() throws Exception {
        Path root = tree();
        for (String[] c : new String[][] {{"", "is empty"}, {"\n", "is empty"}, {"a\nb\n", "holds a line break"}}) {
            Path pw = Files.writeString(dir.resolve("pw"), c[0]);
            Cli.Run r = Cli.run("lock-boot", "--root", root.toString(), "--password-file", pw.toString());
            assertThat(r.code()).as(c[0]).isEqualTo(3);
            assertThat(r.err()).contains("--password-file '" + pw + "' " + c[1]);
        }
        Cli.Run missing = Cli.run("lock-boot", "--root", root.toString(), "--password-file", dir.resolve("nope").toString());
        assertThat(missing.code()).isEqualTo(3);
        assertThat(root.resolve("var")).as("nothing written").doesNotExist();
        Cli.Run noTerminal = Cli.run("lock-boot", "--root", root.toString());
        assertThat(noTerminal.code()).isEqualTo(2);
        assertThat(noTerminal.err()).contains("No terminal").contains("--password-file");
    }

    @Test
    void aTargetWhoseGrubCannotDoItIsRefusedWithOneLine() throws Exception {
        Path root = tree();
        Path pw = Files.writeString(dir.resolve("pw"), "pw\n");
        Files.delete(root.resolve("usr/bin/grub-mkpasswd-pbkdf2"));
        Cli.Run r = Cli.run("lock-boot", "--root", root.toString(), "--password-file", pw.toString());
        assertThat(r.code()).isEqualTo(4);
        assertThat(r.err().strip()).doesNotContain("\n").contains("no grub-mkpasswd-pbkdf2").contains("cannot make a password hash");

        Files.delete(root.resolve("etc/grub.d/10_linux"));
        Files.delete(root.resolve("etc/grub.d"));
        r = Cli.run("lock-boot", "--root", root.toString(), "--password-file", pw.toString());
        assertThat(r.code()).isEqualTo(4);
        assertThat(r.err()).contains("etc/grub.d does not exist: the boot loader is not GRUB 2");
        assertThat(root.resolve("var")).doesNotExist();
    }

    @Test
    void theClassLineGetsUnrestrictedOnce() {
        byte[] once = BootLock.unrestricted(LINUX.getBytes(StandardCharsets.ISO_8859_1));
        assertThat(new String(once, StandardCharsets.ISO_8859_1)).contains("--class os --unrestricted\"\n")
                .contains("cut -d' ' -f1) ${CLASS}\"");
        assertThat(BootLock.unrestricted(once)).isEqualTo(once);
    }
}
