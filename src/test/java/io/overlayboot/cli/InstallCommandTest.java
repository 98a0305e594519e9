package io.overlayboot.cli;

import io.overlayboot.core.ExitCode;
import static org.assertj.core.api.Assertions.assertThat;

import io.overlayboot.install.DebianTreeAccess;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** install, uninstall and configure through {@link Main#run}, on real directory trees shaped like Debian roots. */
class InstallCommandTest {
    @TempDir
    Path tmp;

    static Cli.Run run(String... args) {
        return Cli.run(args);
    }

    @Test
    void installThenUninstallRestoresTheTreeExactly() throws Exception {
        Path root = DebianTreeAccess.create(tmp.resolve("root"), true);
        List<String> before = DebianTreeAccess.describe(root);

        Cli.Run install = run("install", "--root", root.toString(), "--yes", "--size", "25%");
        assertThat(install.code()).as(install.err()).isZero();
        assertThat(Files.readString(root.resolve("etc/default/grub.d/overlayboot.cfg"))).contains("aufs=tmpfs");
        assertThat(Files.readString(root.resolve("etc/overlayboot.conf"))).contains("size=25%");
        assertThat(Files.getPosixFilePermissions(root.resolve("etc/initramfs-tools/scripts/init-bottom/overlayboot")))
                .hasSize(7); // rwxr-xr-x
        assertThat(Files.getAttribute(root.resolve("etc/overlayboot.conf"), "unix:uid")).isEqualTo(1000);
        assertThat(DebianTreeAccess.read(root, "etc/default/grub")).isEqualTo(DebianTreeAccess.GRUB);
        assertThat(install.err()).contains("update-initramfs -u -k all").contains("grub-mkconfig -o /boot/grub/grub.cfg");

        Cli.Run uninstall = run("uninstall", "--root", root.toString(), "--yes");
        assertThat(uninstall.code()).as(uninstall.err()).isZero();
        assertThat(DebianTreeAccess.describe(root)).isEqualTo(before);
    }

    @Test
    void editsEtcDefaultGrubWhenGrubMkconfigHasNoDropIns() throws Exception {
        Path root = DebianTreeAccess.create(tmp.resolve("root"), false);
        List<String> before = DebianTreeAccess.describe(root);
        assertThat(run("install", "--root", root.toString(), "--yes", "--mode", "device", "--dev", "LABEL=data").code()).isZero();
        assertThat(DebianTreeAccess.read(root, "etc/default/grub"))
                .isEqualTo(DebianTreeAccess.GRUB.replace("\"quiet\"", "\"quiet aufs=LABEL=data\""));
        assertThat(root.resolve("etc/default/grub.d")).doesNotExist();
        assertThat(run("uninstall", "--root", root.toString(), "--yes").code()).isZero();
        assertThat(DebianTreeAccess.describe(root)).isEqualTo(before);
    }

    @Test
    void installTwiceLeavesTheSameTreeAsOnce() throws Exception {
        Path root = DebianTreeAccess.create(tmp.resolve("root"), false);
        assertThat(run("install", "--root", root.toString(), "--yes").code()).isZero();
        List<String> once = DebianTreeAccess.describe(root);
        Cli.Run again = run("install", "--root", root.toString(), "--yes");
        assertThat(again.code()).isZero();
        assertThat(DebianTreeAccess.describe(root)).isEqualTo(once);
        // The boot chain could not run in this tree (no /proc), so it is still due: printed again.
        assertThat(again.err()).contains("run these to finish").contains("update-initramfs -u -k all");
    }

    @Test
    void dryRunPrintsAUnifiedDiffAndChangesNothing() throws Exception {
        Path root = DebianTreeAccess.create(tmp.resolve("root"), false);
        List<String> before = DebianTreeAccess.describe(root);
        Cli.Run dry = run("install", "--root", root.toString(), "--dry-run");
        assertThat(dry.code()).as(dry.err()).isZero();
        assertThat(dry.out())
                .contains("--- a/etc/default/grub", "+++ b/etc/default/grub", "-GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"",
                        "+GRUB_CMDLINE_LINUX_DEFAULT=\"quiet aufs=tmpfs\"")
                .contains("--- /dev/null", "+++ b/etc/initramfs-tools/hooks/overlayboot", "+manual_add_modules overlay")
                .contains("-size=10%")
                .contains("overlayboot would run: chroot " + root.toRealPath() + " update-initramfs -u -k all");
        assertThat(DebianTreeAccess.describe(root)).isEqualTo(before);

        assertThat(run("install", "--root", root.toString(), "--yes").code()).isZero();
        List<String> installed = DebianTreeAccess.describe(root);
        Cli.Run dryUninstall = run("uninstall", "--root", root.toString(), "--dry-run");
        assertThat(dryUninstall.out()).contains("+++ /dev/null", "+size=10%");
        assertThat(DebianTreeAccess.describe(root)).isEqualTo(installed);
    }

    @Test
    void configureChangesTheSettingsAndUninstallStillRestoresTheOriginal() throws Exception {
        Path root = DebianTreeAccess.create(tmp.resolve("root"), true);
        List<String> before = DebianTreeAccess.describe(root);
        assertThat(run("install", "--root", root.toString(), "--yes").code()).isZero();
        Cli.Run configure = run("configure", "--root", root.toString(), "--yes", "size=30%", "swap=1", "sysctl=vm.swappiness=10");
        assertThat(configure.code()).as(configure.err()).isZero();
        assertThat(DebianTreeAccess.read(root, "etc/overlayboot.conf")).contains("size=30%").contains("swap=1");
        assertThat(DebianTreeAccess.read(root, "etc/sysctl.d/90-overlayboot.conf")).contains("vm.swappiness");
        Cli.Run toDevice = run("configure", "--root", root.toString(), "--yes", "mode=device", "dev=LABEL=up", "sysctl=vm.swappiness=");
        assertThat(toDevice.code()).as(toDevice.err()).isZero();
        assertThat(DebianTreeAccess.read(root, "etc/default/grub.d/overlayboot.cfg")).contains("aufs=LABEL=up");
        assertThat(root.resolve("etc/sysctl.d/90-overlayboot.conf")).doesNotExist();
        assertThat(run("uninstall", "--root", root.toString(), "--yes").code()).isZero();
        assertThat(DebianTreeAccess.describe(root)).isEqualTo(before);
    }

    @Test
    void refusals() throws Exception {
        Cli.Run missing = run("install", "--root", tmp.resolve("nope").toString(), "--yes");
        assertThat(missing.code()).isEqualTo(ExitCode.BAD_INPUT.code());
        assertThat(missing.err()).contains("--root '" + tmp.resolve("nope") + "' does not exist");

        Path file = Files.writeString(tmp.resolve("file"), "x");
        assertThat(run("install", "--root", file.toString(), "--yes").err()).contains("is not a directory");

        Path bare = Files.createDirectories(tmp.resolve("bare"));
        Cli.Run notDebian = run("install", "--root", bare.toString(), "--yes");
        assertThat(notDebian.code()).isEqualTo(ExitCode.ENVIRONMENT.code());
        assertThat(notDebian.err()).contains("has neither initramfs-tools").contains("nor dracut");

        Path noUnion = DebianTreeAccess.create(tmp.resolve("nounion"), true);
        Files.delete(noUnion.resolve("lib/modules/6.1.0-test/kernel/fs/overlayfs/overlay.ko.xz"));
        Cli.Run kernel = run("install", "--root", noUnion.toString(), "--yes");
        assertThat(kernel.code()).isEqualTo(ExitCode.ENVIRONMENT.code());
        assertThat(kernel.err()).contains("(6.1.0-test) has overlay or aufs");
        Files.writeString(noUnion.resolve("lib/modules/6.1.0-test/modules.builtin"), "kernel/fs/overlayfs/overlay.ko\n");
        assertThat(run("install", "--root", noUnion.toString(), "--dry-run").code()).isZero();

        Path overlayroot = DebianTreeAccess.create(tmp.resolve("overlayroot"), true);
        Files.writeString(overlayroot.resolve("etc/overlayroot.conf"), "overlayroot=\"tmpfs:swap=1\"\n");
        Cli.Run other = run("install", "--root", overlayroot.toString(), "--yes");
        assertThat(other.code()).isEqualTo(ExitCode.ENVIRONMENT.code());
        assertThat(other.err()).contains("already overlaid by overlayroot").contains("tmpfs:swap=1");

        Path bilibop = DebianTreeAccess.create(tmp.resolve("bilibop"), true);
        Files.createDirectories(bilibop.resolve("etc/bilibop"));
        assertThat(run("install", "--root", bilibop.toString(), "--yes").err()).contains("already overlaid by bilibop-lockfs");

        Path foreign = DebianTreeAccess.create(tmp.resolve("foreign"), true);
        Files.writeString(foreign.resolve("etc/initramfs-tools/scripts/init-bottom/overlayboot"), "#!/bin/sh\n");
        assertThat(run("install", "--root", foreign.toString(), "--yes").err()).contains("was not installed by 'overlayboot install'");

        Path badGrub = DebianTreeAccess.create(tmp.resolve("badgrub"), false);
        Files.writeString(badGrub.resolve("etc/default/grub"), "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\n");
        List<String> before = DebianTreeAccess.describe(badGrub);
        Cli.Run grub = run("install", "--root", badGrub.toString(), "--yes");
        assertThat(grub.code()).isEqualTo(ExitCode.BAD_INPUT.code());
        assertThat(grub.err()).contains("etc/default/grub cannot be parsed safely").contains("never closed");
        assertThat(DebianTreeAccess.describe(badGrub)).isEqualTo(before);

        Path noTerminal = DebianTreeAccess.create(tmp.resolve("noterminal"), true);
        before = DebianTreeAccess.describe(noTerminal);
        Cli.Run ask = run("install", "--root", noTerminal.toString());
        assertThat(ask.code()).isEqualTo(ExitCode.ABORTED.code());
        assertThat(ask.err()).contains("no terminal to ask on").contains("--yes");
        assertThat(DebianTreeAccess.describe(noTerminal)).isEqualTo(before);
    }

    @Test
    void aSecondConcurrentRunWaitsForTheLockThenFailsClearly() throws Exception {
        Path root = DebianTreeAccess.create(tmp.resolve("root"), true);
        List<String> before = DebianTreeAccess.describe(root);
        Path lockFile = io.overlayboot.files.RunLock.lockFileFor(io.overlayboot.files.RunLock.defaultLockDir(), root);
        try (var held = io.overlayboot.files.RunLock.acquire(lockFile, java.time.Duration.ZERO, s -> {}).orElseThrow()) {
            Cli.Run second = run("install", "--root", root.toString(), "--yes", "--lock-wait", "1");
            assertThat(second.code()).isEqualTo(ExitCode.ABORTED.code());
            assertThat(second.err()).contains("waiting for another overlayboot run")
                    .contains("Another overlayboot run (pid " + ProcessHandle.current().pid() + ") is changing")
                    .contains("did not finish within 1 s");
        }
        assertThat(DebianTreeAccess.describe(root)).isEqualTo(before);
        assertThat(run("install", "--root", root.toString(), "--yes").code()).isZero();
    }

    @Test
    void uninstallRefusesToOverwriteAFileChangedSinceInstallUnlessForced() throws Exception {
        Path root = DebianTreeAccess.create(tmp.resolve("root"), true);
        List<String> before = DebianTreeAccess.describe(root);
        assertThat(run("install", "--root", root.toString(), "--yes").code()).isZero();
        Files.writeString(root.resolve("etc/overlayboot.conf"), "size=99%\n");
        List<String> changed = DebianTreeAccess.describe(root);
        Cli.Run refused = run("uninstall", "--root", root.toString(), "--yes");
        assertThat(refused.code()).isEqualTo(ExitCode.ENVIRONMENT.code());
        assertThat(refused.err()).contains("changed since install").contains("etc/overlayboot.conf").contains("--force");
        assertThat(DebianTreeAccess.describe(root)).isEqualTo(changed);
        assertThat(run("uninstall", "--root", root.toString(), "--yes", "--force").code()).isZero();
        assertThat(DebianTreeAccess.describe(root)).isEqualTo(before);
        Cli.Run again = run("uninstall", "--root", root.toString(), "--yes");
        assertThat(again.code()).isZero();
        assertThat(again.out()).contains("not installed");
    }

    @Test
    void aFailingUpdateInitramfsIsReportedWithItsOutputAndUninstallStillWorks() throws Exception {
        Path root = DebianTreeAccess.create(tmp.resolve("root"), true);
        List<String> before = DebianTreeAccess.describe(root);
        DebianTreeAccess.chrootable(root, "update-initramfs", "echo 'E: mkinitramfs failure cpio 141'\nexit 1\n");
        List<String> prepared = DebianTreeAccess.describe(root);

        Cli.Run install = run("install", "--root", root.toString(), "--yes");
        assertThat(install.code()).isEqualTo(ExitCode.EXTERNAL_FAILURE.code());
        assertThat(install.err()).contains("E: mkinitramfs failure cpio 141")
                .contains("update-initramfs -u -k all' failed with exit code 1");
        assertThat(root.resolve("etc/initramfs-tools/hooks/overlayboot")).exists();

        Cli.Run uninstall = run("uninstall", "--root", root.toString(), "--yes");
        assertThat(uninstall.code()).isEqualTo(ExitCode.EXTERNAL_FAILURE.code()); // the same update-initramfs fails
        assertThat(DebianTreeAccess.describe(root)).isEqualTo(prepared);
        assertThat(before).isNotEqualTo(prepared);
    }

    /**
     * update-initramfs runs (and waits until its first line is on stderr: its output must stream as
     * it runs, not when it ends), then grub-mkconfig fails: what was written is the result on
     * stdout, the progress is on stderr, and the exit code is the boot chain's (5).
     */
    @Test
    void aBootChainFailingHalfWayPrintsWhatWasDoneThenFailsWithProgressOnStderr() throws Exception {
        Path root = DebianTreeAccess.chrootable(DebianTreeAccess.create(tmp.resolve("root"), true), "update-initramfs", """
                echo 'update-initramfs: Generating /boot/initrd.img-6.1.0-test'
                i=0
                while [ ! -e /streamed ] && [ "$i" -lt 100 ]; do busybox sleep 0.1; i=$((i + 1)); done
                [ -e /streamed ] || { echo 'E: this output was not shown while update-initramfs ran'; exit 1; }
                """, "grub-mkconfig", "echo 'Generating grub configuration file ...'\necho 'error: out of memory.' >&2\nexit 1\n");
        Files.createLink(root.resolve("bin/busybox"), root.resolve("bin/sh"));
        StringWriter out = new StringWriter();
        List<String> stdoutWhenStreamed = new java.util.concurrent.CopyOnWriteArrayList<>();
        StringWriter err = new StringWriter() {
            @Override
            public void flush() { // each println: what update-initramfs printed is here while it still runs
                if (stdoutWhenStreamed.isEmpty() && toString().contains("Generating /boot/initrd.img")) {
                    stdoutWhenStreamed.add(out.toString());
                    try {
                        Files.createFile(root.resolve("streamed"));
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            }
        };
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), "install", "--root", root.toString(), "--yes");
        Cli.Run install = new Cli.Run(code, out.toString(), err.toString());
        assertThat(stdoutWhenStreamed).as(install.err()).containsExactly(""); // and nothing was on stdout yet
        String shown = root.toRealPath().toString();
        assertThat(install.code()).as(install.err()).isEqualTo(ExitCode.EXTERNAL_FAILURE.code());
        // stdout: the result, what was done, and nothing else: no progress, no "installed" line
        assertThat(install.out().lines()).contains("create " + shown + "/etc/initramfs-tools/hooks/overlayboot",
                "change " + shown + "/etc/overlayboot.conf", "change " + shown + "/etc/default/grub")
                .allMatch(l -> l.matches("(create|change|remove) " + java.util.regex.Pattern.quote(shown) + "/.+"));
        assertThat(install.out()).doesNotContain("overlayboot is installed").doesNotContain("running:");
        // stderr: the progress and the boot chain's output in the order they happened, then the one-line error
        assertThat(install.err()).containsSubsequence("file(s) changed in " + shown, "running: chroot " + shown + " update-initramfs",
                "Generating /boot/initrd.img-6.1.0-test", "running: chroot " + shown + " grub-mkconfig",
                "Generating grub configuration file", "error: out of memory.", "grub-mkconfig -o /boot/grub/grub.cfg' failed with exit code 1")
                .doesNotContain("create " + shown);
        assertThat(install.err().strip().lines().toList().getLast()).contains("failed with exit code 1").contains("hint:");

        // --json: the same exit code, and no document (docs/json.md: a failed run prints no JSON)
        Cli.Run json = run("configure", "--root", root.toString(), "--yes", "--json", "size=30%");
        assertThat(json.code()).as(json.err()).isEqualTo(ExitCode.EXTERNAL_FAILURE.code());
        assertThat(json.out()).isEmpty();
        assertThat(json.err()).contains("error: out of memory.");
    }
}
