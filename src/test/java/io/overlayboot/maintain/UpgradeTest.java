package io.overlayboot.maintain;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlayboot.core.OverlaybootException;
import io.overlayboot.sys.Exec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code overlayboot upgrade} in the protected sandbox of {@link MaintenanceTest}, with stub
 * {@code apt-get}, {@code update-initramfs} and {@code update-grub} in the lower that log how they
 * were called (from inside the chroot) and what the environment told them.
 */
class UpgradeTest {
    /** Stubs in the lower, and a newer kernel in the separate /boot (the session binds it in). */
    static final String STUBS = """
            mount -o remount,rw "$R/ro"
            mkdir -p "$R/ro/usr/bin" "$R/ro/usr/sbin" "$R/ro/var/log" "$R/ro/etc/initramfs-tools" "$R/ro/lib/modules/999.0.0-test"
            stub() {
                { printf '#!/bin/sh\\n'
                  printf 'echo "$(basename "$0") $* [$DEBIAN_FRONTEND] [$OVERLAYBOOT_MAINTENANCE]" >> /var/log/calls\\n'
                  printf '%s\\n' "$2"; } > "$R/ro/$1"
                chmod +x "$R/ro/$1"
            }
            stub usr/bin/apt-get 'case "$*" in *upgrade) echo stubpkg >> /run/reboot-required.pkgs; touch /run/reboot-required;; esac; [ "$*" != "update" ] || exit "${FAIL_UPDATE:-0}"'
            stub usr/sbin/update-initramfs 'echo "update-initramfs: Generating /boot/initrd.img-999.0.0-test"'
            stub usr/sbin/update-grub ''
            stub usr/sbin/shutdown ''
            touch "$R/boot/vmlinuz-999.0.0-test"
            mount -o remount,ro "$R/ro"
            """;

    @TempDir
    Path work;

    @Test
    void runsAptThenTheInitrdGeneratorThenUpdateGrubInsideTheLowerAndSaysARebootIsNeeded() {
        Exec.Result r = sandbox("""
                ob upgrade --root "$R" --apt-option Acquire::Retries=3 > out
                echo "exit $? left $(left) mode $(mode)"
                cat "$R/ro/var/log/calls"
                grep '^reboot' out
                grep -c '^update-initramfs: Generating' out
                """);
        assertThat(r.stdout()).as(r.stderr()).isEqualTo("""
                exit 7 left none mode ro
                apt-get -o Acquire::Retries=3 update [noninteractive] [1]
                apt-get -y -o Dpkg::Options::=--force-confold -o Acquire::Retries=3 upgrade [noninteractive] [1]
                update-initramfs -u -k all [noninteractive] [1]
                update-grub  [noninteractive] [1]
                reboot: needed: /run/reboot-required is set (by stubpkg)
                reboot: needed: kernel 999.0.0-test is installed; %s is running
                1
                """.formatted(runningKernel()));
        assertThat(r.stderr()).contains("overlayboot: upgrade: running inside /ro: apt-get -o Acquire::Retries=3 update")
                .contains("overlayboot: upgrade: checking the next boot of /ro");
    }

    @Test
    void distUpgradeAndAFailingStepStopsTheRunAndUndoesTheSession() {
        Exec.Result r = sandbox("""
                ob upgrade --root "$R" --dist-upgrade
                echo "exit $? left $(left) mode $(mode)"
                FAIL_UPDATE=100 ob upgrade --root "$R"
                echo "exit $? left $(left) mode $(mode)"
                cat "$R/ro/var/log/calls"
                """);
        assertThat(r.stdout()).as(r.stderr()).contains("""
                exit 7 left none mode ro
                exit 5 left none mode ro
                apt-get update [noninteractive] [1]
                apt-get -y -o Dpkg::Options::=--force-confold dist-upgrade [noninteractive] [1]
                update-initramfs -u -k all [noninteractive] [1]
                update-grub  [noninteractive] [1]
                apt-get update [noninteractive] [1]
                """).endsWith("apt-get update [noninteractive] [1]\n");
        assertThat(r.stderr()).contains("overlayboot: 'apt-get update' inside /ro failed with exit code 100 (its output is above)");
    }

    @Test
    void jsonCarriesTheCheckAndTheRebootAndANeededRebootIsWithheldWhenTheNextBootWouldNotProtect() {
        Exec.Result r = sandbox("""
                ob upgrade --root "$R" --json --reboot-if-needed 0 > out.json
                echo "exit $? left $(left) mode $(mode)"
                grep -c shutdown "$R/ro/var/log/calls"
                cat out.json
                """);
        String[] lines = r.stdout().split("\n");
        assertThat(lines[0]).as(r.stderr()).isEqualTo("exit 7 left none mode ro");
        assertThat(lines[1]).as("shutdown not called").isEqualTo("0");
        assertThat(lines).hasSize(3);
        io.overlayboot.cli.JsonSchemas.assertMatches("upgrade", lines[2]);
        assertThat(lines[2]).contains("\"rebootNeeded\":true").contains("\"reboot\":\"withheld\"")
                .contains("\"verdict\":\"unknown\"");
        assertThat(r.stderr()).contains("NOT rebooting: the next boot would not be protected")
                .contains("update-initramfs: Generating"); // command output moved to stderr
    }

    @Test
    void aRebootHappensOnlyWhenNeededAskedAndTheNextBootProtects() {
        var protectedBoot = new io.overlayboot.guard.NextBoot(null, null, List.of(), List.of(), List.of(), List.of(), null);
        var needed = new Upgrade.Outcome(protectedBoot, List.of("kernel 9 is installed; 8 is running"));
        assertThat(Upgrade.decide(new Upgrade.Outcome(protectedBoot, List.of()), true)).isEqualTo(Upgrade.Reboot.NOT_NEEDED);
        assertThat(Upgrade.decide(needed, false)).isEqualTo(Upgrade.Reboot.NOT_ASKED);
        assertThat(Upgrade.decide(needed, true)).isEqualTo(Upgrade.Reboot.SCHEDULED);
    }

    @Test
    void theRebootIsTheRootsOwnShutdownWithTheWarningTime() throws Exception {
        Path root = work.resolve("root");
        Files.createDirectories(root.resolve("bin"));
        Files.createDirectories(root.resolve("usr/sbin"));
        Files.copy(Path.of("/usr/bin/busybox"), root.resolve("bin/busybox"));
        Files.createSymbolicLink(root.resolve("bin/sh"), Path.of("busybox"));
        Path stub = Files.writeString(root.resolve("usr/sbin/shutdown"), "#!/bin/sh\nfor a in \"$@\"; do printf '[%s]' \"$a\"; done > /called\n");
        Files.setPosixFilePermissions(stub, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        var protectedBoot = new io.overlayboot.guard.NextBoot(null, null, List.of(), List.of(), List.of(), List.of(), null);
        Layout layout = Layout.of(root, Path.of("/proc/self/mounts"));
        var reboot = Upgrade.rebootIfNeeded(layout, new Upgrade.Outcome(protectedBoot, List.of("/run/reboot-required is set")), 10, l -> {});
        assertThat(reboot).isEqualTo(Upgrade.Reboot.SCHEDULED);
        assertThat(Files.readString(root.resolve("called"))).isEqualTo("[-r][+10][overlayboot: updates were installed"
                + " (/run/reboot-required is set); rebooting to run them in 10 min; save your work (root can cancel: shutdown -c)]");
    }

    /**
     * The protected layout over a real Debian lower: an ext4 copy of the cached bookworm chroot on a
     * loop device ({@link io.overlayboot.vm.LoopRoot}), with package {@code obtest} 1.0 installed and a local
     * {@code file:} repository holding 2.0 as its only apt source
     * ({@link io.overlayboot.packaging.LocalAptRepo}); then mounted read-only at {@code ROOT/ro} under a real overlay.
     */
    static final String REAL_LOWER = """
            src=$1 dir=$2 java=$3 cp=$4
            ob() { "$java" --enable-native-access=ALL-UNNAMED -cp "$cp" io.overlayboot.cli.Main "$@"; }
            m=$dir/lowerfs image=$dir/lower.ext4 mnt=$dir/lowerfs
            """ + io.overlayboot.vm.LoopRoot.MOUNT + """
            """ + io.overlayboot.packaging.LocalAptRepo.OLD_INSTALLED_NEW_IN_REPO + UpgradeTest.UNION_OVER_LOWER;

    /**
     * The filesystem mounted at {@code $m} (a Debian tree on a loop device) made the read-only lower
     * of a real overlay at {@code $dir/root} ({@code $R}), moved to {@code $R/ro}, with {@code proc},
     * {@code sys}, {@code dev} and a tmpfs {@code run} in the union: a booted protected machine.
     */
    static final String UNION_OVER_LOWER = """
            mkdir -p "$dir/rw" "$dir/root" "$m/ro"
            mount -o remount,ro "$m"
            mount -t tmpfs rw "$dir/rw"; mkdir "$dir/rw/upper" "$dir/rw/work"
            mount -t overlay -o "lowerdir=$m,upperdir=$dir/rw/upper,workdir=$dir/rw/work" overlayboot "$dir/root"
            R=$dir/root
            mount --move "$m" "$R/ro"
            mount -t proc proc "$R/proc"
            mount --rbind /sys "$R/sys"
            mount --rbind /dev "$R/dev"
            mount -t tmpfs run "$R/run"
            """;

    @Test
    void aPackageFromALocalRepositoryLandsOnTheLowerAndTheNextBootIsChecked() throws Exception {
        var chroot = io.overlayboot.vm.DebianChroot.ensure(line -> {});
        io.overlayboot.install.CachedChroot.ext4Image(chroot.root(), work.resolve("lower.ext4"));
        String java = ProcessHandle.current().info().command().orElseThrow();
        Exec.Result r = Exec.run(List.of("unshare", "-m", "-p", "-f", "--propagation", "private", "bash", "-euo", "pipefail", "-c",
                REAL_LOWER + """
                        ob upgrade --root "$R" --json > "$dir/upgrade.json" 2> "$dir/upgrade.err" || echo "exit $?" >> "$dir/upgrade.err"
                        echo "union: $(cat "$R/usr/share/obtest/version")"
                        echo "lower: $(cat "$R/ro/usr/share/obtest/version")"
                        chroot "$R/ro" dpkg-query -W -f '${Package} ${Version} ${db:Status-Abbrev}\n' obtest
                        echo "mode: $(grep " $R/ro " /proc/self/mounts | cut -d' ' -f4 | cut -d, -f1)"
                        echo "left: $(grep -c " $R/ro/" /proc/self/mounts || true)"
                        echo "upper: $(find "$dir/rw/upper" -mindepth 1 | wc -l)"
                        """, "upgrade-test", chroot.root().toString(), work.toString(), java, System.getProperty("java.class.path")),
                Duration.ofMinutes(10));
        String err = Files.exists(work.resolve("upgrade.err")) ? Files.readString(work.resolve("upgrade.err")) : "";
        assertThat(r.stdout()).as(r.stderr() + err).isEqualTo("""
                union: 2.0
                lower: 2.0
                obtest 2.0 ii\s
                mode: ro
                left: 0
                upper: 0
                """);
        assertThat(err).contains("running inside /ro: apt-get update").contains("Unpacking obtest (2.0) over (1.0)")
                .contains("checking the next boot of /ro");
        String json = Files.readString(work.resolve("upgrade.json")).strip();
        io.overlayboot.cli.JsonSchemas.assertMatches("upgrade", json);
        assertThat(json).as("overlayboot is not installed in this lower: the check says so")
                .contains("\"verdict\":\"unprotected\"").contains("\"reboot\":\"not-needed\"");
    }

    @Test
    void anAptOptionThatIsNotKeyEqualsValueIsAUsageError() {
        var e = org.assertj.core.api.Assertions.catchThrowableOfType(OverlaybootException.class,
                () -> new Upgrade.Options(false, List.of("--force-yes")));
        assertThat(e.exitCode()).isEqualTo(io.overlayboot.core.ExitCode.USAGE);
        assertThat(e.getMessage()).contains("'--force-yes'");
    }

    @Test
    void anUnprotectedRootIsRefusedBeforeAptRuns() throws Exception {
        Path mounts = Files.writeString(work.resolve("mounts"), "/dev/vda1 " + work.toRealPath() + " ext4 rw 0 0\n");
        var run = io.overlayboot.cli.Cli.run("upgrade", "--root", work.toString(), "--mounts", mounts.toString());
        assertThat(run.code()).isEqualTo(4);
        assertThat(run.err()).contains("is not protected").contains("run the command directly");
    }

    private static String runningKernel() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Exec.Result sandbox(String steps) {
        String java = ProcessHandle.current().info().command().orElseThrow();
        String cp = System.getProperty("java.class.path");
        return Exec.run(List.of("unshare", "-m", "--propagation", "private", "sh", "-c",
                MaintenanceTest.SETUP + STUBS + steps, "sh", work.toString(), java, cp), Duration.ofMinutes(3));
    }
}
