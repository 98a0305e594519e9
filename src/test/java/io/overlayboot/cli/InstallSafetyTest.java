package io.overlayboot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlayboot.core.ExitCode;
import io.overlayboot.install.DebianTreeAccess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * install, uninstall and configure against hostile or damaged targets (issue 9): symbolic links
 * leading out of the root, '$' in the root's name, a hand-edited manifest, a lost backup.
 */
class InstallSafetyTest {
    @TempDir
    Path tmp;

    /** Replaces {@code root/relative} (a directory or nothing) by a link to a copy outside the root. */
    private Path linkOut(Path root, String relative) throws Exception {
        Path inside = root.resolve(relative);
        Path outside = Files.createDirectories(tmp.resolve("outside").resolve(relative.replace('/', '_')));
        if (Files.isDirectory(inside)) {
            try (var s = Files.list(inside)) {
                for (Path p : s.toList()) {
                    Files.move(p, outside.resolve(p.getFileName()));
                }
            }
            Files.delete(inside);
        }
        Files.createDirectories(inside.getParent());
        Files.createSymbolicLink(inside, outside);
        return outside;
    }

    @ParameterizedTest
    @ValueSource(strings = {"etc/default", "etc/initramfs-tools/scripts", "etc/initramfs-tools/hooks", "etc/sysctl.d",
        "var", "var/lib", "var/lib/overlayboot"})
    void installRefusesADirectoryLinkLeadingOutOfTheRoot(String component) throws Exception {
        Path root = DebianTreeAccess.create(tmp.resolve("root"), false);
        Files.createDirectories(root.resolve("etc/sysctl.d"));
        if (component.startsWith("var/")) {
            Files.createDirectories(root.resolve(component).getParent());
        }
        Path outside = linkOut(root, component);
        List<String> outsideBefore = DebianTreeAccess.describe(tmp.resolve("outside"));
        List<String> before = DebianTreeAccess.describe(root);

        Cli.Run install = Cli.run("install", "--root", root.toString(), "--yes", "--sysctl", "vm.swappiness=10");
        assertThat(install.code()).as(install.err()).isEqualTo(ExitCode.ENVIRONMENT.code());
        assertThat(install.err()).contains(root.toRealPath().resolve(component) + " is a symbolic link to " + outside)
                .contains("out of the target root").doesNotContain("Exception");
        assertThat(DebianTreeAccess.describe(tmp.resolve("outside"))).isEqualTo(outsideBefore);
        assertThat(DebianTreeAccess.describe(root)).isEqualTo(before);
    }

    @Test
    void installRefusesALinkToTheInitramfsToolsDirectoryItself() throws Exception {
        Path root = DebianTreeAccess.create(tmp.resolve("root"), true);
        linkOut(root, "etc/initramfs-tools");
        List<String> outsideBefore = DebianTreeAccess.describe(tmp.resolve("outside"));
        Cli.Run install = Cli.run("install", "--root", root.toString(), "--yes");
        assertThat(install.code()).as(install.err()).isEqualTo(ExitCode.ENVIRONMENT.code());
        assertThat(install.err()).contains("etc/initramfs-tools is a symbolic link");
        assertThat(DebianTreeAccess.describe(tmp.resolve("outside"))).isEqualTo(outsideBefore);
    }

    @Test
    void linksThatStayInsideTheRootAreFollowed() throws Exception {
        Path root = DebianTreeAccess.create(tmp.resolve("root"), true);
        Files.createDirectories(root.resolve("data/var/lib"));
        Files.createSymbolicLink(root.resolve("var"), Path.of("data/var"));
        Cli.Run install = Cli.run("install", "--root", root.toString(), "--yes");
        assertThat(install.code()).as(install.err()).isZero();
        assertThat(root.resolve("data/var/lib/overlayboot/manifest.json")).isRegularFile();
        List<String> installed = DebianTreeAccess.describe(root);
        assertThat(installed).anyMatch(l -> l.startsWith("var ") && l.endsWith(" -> data/var"));
        Cli.Run uninstall = Cli.run("uninstall", "--root", root.toString(), "--yes");
        assertThat(uninstall.code()).as(uninstall.err()).isZero();
        assertThat(root.resolve("data/var/lib/overlayboot")).doesNotExist();
    }

    @Test
    void uninstallDeletesNothingThroughALinkLeadingOut() throws Exception {
        Path root = DebianTreeAccess.create(tmp.resolve("root"), true);
        assertThat(Cli.run("install", "--root", root.toString(), "--yes").code()).isZero();
        Path outside = linkOut(root, "etc/initramfs-tools/hooks");
        assertThat(outside.resolve("overlayboot")).isRegularFile();
        List<String> outsideBefore = DebianTreeAccess.describe(tmp.resolve("outside"));

        Cli.Run uninstall = Cli.run("uninstall", "--root", root.toString(), "--yes");
        assertThat(uninstall.code()).as(uninstall.err()).isEqualTo(ExitCode.ENVIRONMENT.code());
        assertThat(uninstall.err()).contains("etc/initramfs-tools/hooks is a symbolic link");
        assertThat(DebianTreeAccess.describe(tmp.resolve("outside"))).isEqualTo(outsideBefore);
    }

    @ParameterizedTest
    @ValueSource(strings = {"d$", "d$1", "d\\1", "d${x}"})
    void aDollarInTheRootNameIsJustACharacter(String name) throws Exception {
        Path root = DebianTreeAccess.create(tmp.resolve(name), false);
        List<String> before = DebianTreeAccess.describe(root);
        Cli.Run install = Cli.run("install", "--root", root.toString(), "--yes");
        assertThat(install.code()).as(install.err()).isZero();
        assertThat(install.out()).contains("create " + root.toRealPath() + "/etc/initramfs-tools/hooks/overlayboot");
        Cli.Run uninstall = Cli.run("uninstall", "--root", root.toString(), "--yes");
        assertThat(uninstall.code()).as(uninstall.err()).isZero();
        assertThat(uninstall.out()).contains("remove " + root.toRealPath() + "/etc/initramfs-tools/hooks/overlayboot");
        assertThat(DebianTreeAccess.describe(root)).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "\"chosen\": {\"bogus\": \"1\"}",
        "\"chosen\": {\"size\": \"lots\"}",
        "\"chosen\": {\"size\": 25}",
        "\"chosen\": []",
        "\"sysctl\": [\"x\"]",
        "\"sysctl\": [7]",
        "\"sysctl\": \"vm.swappiness=1\"",
        "\"grub\": \"lilo\"",
        "\"bootChainPending\": \"yes\"",
        "\"directories\": [\"../x\"]"})
    void aHandEditedManifestIsNamedWithTheBadField(String field) throws Exception {
        Path root = DebianTreeAccess.create(tmp.resolve("root"), true);
        assertThat(Cli.run("install", "--root", root.toString(), "--yes").code()).isZero();
        Path manifest = root.resolve("var/lib/overlayboot/manifest.json");
        String key = field.substring(0, field.indexOf(':'));
        String text = Files.readString(manifest).replaceFirst(java.util.regex.Pattern.quote(key) + ": (\\{[^}]*\\}|\\[[^\\]]*\\]|\"[^\"]*\"|true|false)",
                java.util.regex.Matcher.quoteReplacement(field));
        assertThat(text).contains(field);
        Files.writeString(manifest, text);
        for (String[] args : List.of(new String[] {"configure", "--root", root.toString(), "--yes", "size=30%"},
                new String[] {"uninstall", "--root", root.toString(), "--yes"},
                new String[] {"install", "--root", root.toString(), "--yes"})) {
            Cli.Run r = Cli.run(args);
            assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.BAD_INPUT.code());
            assertThat(r.err()).contains(manifest.toRealPath().toString()).contains(key)
                    .doesNotContain("Exception").doesNotContain("java.").hasLineCount(1);
        }
    }

    /**
     * On a real tmpfs of 1 MiB inside {@code unshare -m}, filled to leave 0 to 64 KiB: install either
     * finishes or stops with exit 4, and after space is freed, uninstall gives back the tree hash.
     */
    @Test
    void aFullDiskAtAnyPointLeavesATreeUninstallRestores() {
        String java = ProcessHandle.current().info().command().orElseThrow();
        String cp = System.getProperty("java.class.path");
        String script = """
                cd "$1"; java=$2; cp=$3
                mkdir disk && mount -t tmpfs -o size=1m tmpfs disk || exit 99
                ob() { "$java" --enable-native-access=ALL-UNNAMED -cp "$cp" io.overlayboot.cli.Main "$@" --root disk/root --yes --lock-wait 5; }
                hash() { (cd disk/root && find . -printf '%p %m %U:%G %y %l\n' | sort; find . -type f -exec sha256sum {} + | sort) | sha256sum; }
                mkdir -p disk/root/etc/default disk/root/etc/initramfs-tools/hooks disk/root/usr/sbin \
                    disk/root/lib/modules/6.1.0-test/kernel/fs/overlayfs
                printf 'GRUB_CMDLINE_LINUX_DEFAULT="quiet"\n' > disk/root/etc/default/grub
                printf 'size=10%%\n' > disk/root/etc/overlayboot.conf
                : > disk/root/lib/modules/6.1.0-test/kernel/fs/overlayfs/overlay.ko
                printf '#!/bin/sh\n' > disk/root/usr/sbin/update-initramfs
                printf '#!/bin/sh\n. /etc/default/grub\n' > disk/root/usr/sbin/grub-mkconfig
                chmod 755 disk/root/usr/sbin/*
                before=$(hash)
                for free in 0 4 8 16 24 48 64 96 128; do
                    dd if=/dev/zero of=disk/fill bs=4k 2>/dev/null
                    truncate -s -${free}K disk/fill
                    ob install --sysctl vm.swappiness=10 >/dev/null 2>err; code=$?
                    rm disk/fill
                    [ "$code" = 0 ] || [ "$code" = 4 ] || { echo "free=$free install exit $code: $(cat err)"; continue; }
                    ob uninstall >/dev/null 2>err || echo "free=$free uninstall exit $?: $(cat err)"
                    [ "$(hash)" = "$before" ] || { echo "free=$free install exit $code: tree differs"; (cd disk/root && find . | sort); }
                    echo "free=$free install=$code"
                done
                umount disk
                """;
        io.overlayboot.sys.Exec.Result r = io.overlayboot.sys.Exec.run(List.of("unshare", "-m", "--propagation", "private", "sh", "-c",
                script, "sh", tmp.toString(), java, cp), Duration.ofMinutes(5));
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).doesNotContain("differs").doesNotContain("uninstall exit").doesNotContain(" exit 70")
                .contains("free=0 install=4").contains("free=128 install=0");
    }

    @Test
    void configureWarnsAboutASysctlThatWeakensTheKernelLikeRenderDoes() throws Exception {
        Path root = DebianTreeAccess.create(tmp.resolve("root"), true);
        assertThat(Cli.run("install", "--root", root.toString(), "--yes").code()).isZero();
        Cli.Run configure = Cli.run("configure", "--root", root.toString(), "--yes", "sysctl=kernel.yama.ptrace_scope=0");
        assertThat(configure.code()).as(configure.err()).isZero();
        assertThat(configure.err()).contains("warning: sysctl kernel.yama.ptrace_scope=0 weakens a kernel protection");
        Cli.Run render = Cli.run("render", "--out", tmp.resolve("out").toString(), "--sysctl", "kernel.yama.ptrace_scope=0");
        assertThat(render.err()).contains("warning: sysctl kernel.yama.ptrace_scope=0 weakens a kernel protection");
    }

    @Test
    void uninstallForceGoesOnWithoutALostBackupAndSaysWhatItCouldNotRestore() throws Exception {
        Path root = DebianTreeAccess.create(tmp.resolve("root"), false);
        List<String> before = DebianTreeAccess.describe(root);
        assertThat(Cli.run("install", "--root", root.toString(), "--yes").code()).isZero();
        Files.delete(root.resolve("var/lib/overlayboot/backup/etc/overlayboot.conf"));

        Cli.Run refused = Cli.run("uninstall", "--root", root.toString(), "--yes");
        assertThat(refused.code()).isEqualTo(ExitCode.BAD_INPUT.code());
        assertThat(refused.err()).contains("backup/etc/overlayboot.conf is missing").contains("--force");

        Cli.Run forced = Cli.run("uninstall", "--root", root.toString(), "--yes", "--force");
        assertThat(forced.code()).as(forced.err()).isEqualTo(ExitCode.BAD_INPUT.code());
        assertThat(forced.err()).contains("could not put back").contains("etc/overlayboot.conf");
        assertThat(root.resolve("etc/initramfs-tools/hooks/overlayboot")).doesNotExist();
        assertThat(root.resolve("var/lib/overlayboot")).doesNotExist();
        assertThat(DebianTreeAccess.read(root, "etc/default/grub")).isEqualTo(DebianTreeAccess.GRUB);
        List<String> after = DebianTreeAccess.describe(root);
        assertThat(after.stream().filter(l -> !l.startsWith("etc/overlayboot.conf") && !l.startsWith("var"))).isEqualTo(
                before.stream().filter(l -> !l.startsWith("etc/overlayboot.conf")).toList());
        Cli.Run again = Cli.run("uninstall", "--root", root.toString(), "--yes");
        assertThat(again.code()).isZero();
        assertThat(again.out()).contains("not installed");
    }
}
