package io.overlayboot.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlayboot.sys.Exec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The apt hook ({@code /etc/apt/apt.conf.d/80overlayboot}): apt parses it into the one command it
 * holds (no quotes or backslashes inside, as apt.conf(5) demands), which runs the check
 * {@code /etc/overlayboot/apt-pre-invoke} when it is there and never fails; the check, run by dash
 * and busybox sh over a mount table, warns only on a protected root outside maintenance and always
 * exits 0.
 */
class AptHookTest {
    private static final Pattern COMMAND = Pattern.compile("DPkg::Pre-Invoke \\{ \"([^\"]*)\"; \\};");
    static String conf;
    static String command;
    static String script;

    @TempDir
    Path work;

    @BeforeAll
    static void render() {
        RenderedFile file = new Renderer().render(RenderRequest.defaults()).stream()
                .filter(f -> f.path().equals(Renderer.APT_HOOK)).findFirst().orElseThrow();
        conf = new String(file.content(), StandardCharsets.UTF_8);
        command = commandOf(conf);
        script = new String(new Renderer().render(RenderRequest.defaults()).stream()
                .filter(f -> f.path().equals(Renderer.APT_CHECK)).findFirst().orElseThrow().content(), StandardCharsets.UTF_8);
    }

    /** The shell command of the hook's one {@code DPkg::Pre-Invoke} entry. */
    static String commandOf(String conf) {
        Matcher m = COMMAND.matcher(conf);
        assertThat(m.find()).as(conf).isTrue();
        return m.group(1);
    }

    @Test
    void aptReadsTheCommandAsWritten() throws Exception {
        Path file = Files.writeString(work.resolve("80overlayboot"), conf);
        Exec.Result r = Exec.command(List.of("apt-config", "-c", file.toString(), "dump"), Duration.ofSeconds(30))
                .env(Map.of("APT_CONFIG", "/dev/null")).run().check();
        assertThat(r.stdout()).contains("DPkg::Pre-Invoke:: \"" + command + "\";");
    }

    @Test
    void theHookRunsTheCheckWhenItIsThereAndNeverFailsApt() throws Exception {
        assertThat(command).isEqualTo("if [ -x /" + Renderer.APT_CHECK + " ]; then /" + Renderer.APT_CHECK + "; fi; true");
        assertThat(conf).doesNotContain("\\");
    }

    @Test
    void theCommandPassesShellcheck() throws Exception {
        Path script = Files.writeString(work.resolve("hook.sh"), "#!/bin/sh\n" + command + "\n");
        Exec.Result r = Exec.run(List.of("shellcheck", "-s", "sh", "-S", "style", script.toString()), Duration.ofSeconds(60));
        assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dash", "busybox sh"})
    void warnsOnlyOnAProtectedRootOutsideMaintenance(String shell) throws Exception {
        Path overlay = Files.writeString(work.resolve("overlay"),
                "/dev/vda1 /ro ext4 ro 0 0\noverlayboot / overlay rw,lowerdir=/ro 0 0\nproc /proc proc rw 0 0\n");
        Path aufs = Files.writeString(work.resolve("aufs"), "none / aufs rw 0 0\n");
        Path plain = Files.writeString(work.resolve("plain"), "/dev/vda1 / ext4 rw 0 0\noverlay /var/lib/docker/x overlay rw 0 0\n");
        Path remounted = Files.writeString(work.resolve("remounted"), "overlayboot / overlay rw 0 0\n/dev/vda1 / ext4 rw 0 0\n");

        assertThat(run(shell, overlay, null).stderr()).isEqualTo("""
                overlayboot: WARNING: / is protected: what apt changes now is lost at the next reboot.
                overlayboot: to keep it, run: overlayboot upgrade (updates), or overlayboot maintenance -- apt-get install|remove PACKAGE
                """);
        assertThat(run(shell, aufs, null).stderr()).contains("WARNING: / is protected");
        assertThat(run(shell, plain, null).stderr()).isEmpty();
        assertThat(run(shell, remounted, null).stderr()).isEmpty();
        assertThat(run(shell, overlay, "1").stderr()).isEmpty();
        assertThat(run(shell, work.resolve("missing"), null).stderr()).isEmpty();
    }

    /**
     * Real apt in an overlay over the cached Debian chroot (private mount namespace; the cache is the
     * read-only lower): apt runs {@code DPkg::Pre-Invoke} before dpkg for a removal, a purge and an
     * install alike, so {@code apt-get remove} on a protected-looking mount table ({@code
     * OVERLAYBOOT_MOUNTS}) warns, names the way to remove for good, and apt goes on; on a plain
     * table it says nothing.
     */
    @Test
    void aptRunsTheCheckBeforeARemovalTooAndTheWarningNamesMaintenance() throws Exception {
        Path chroot = io.overlayboot.vm.DebianChroot.ensure(line -> {}).root();
        Path confFile = Files.writeString(work.resolve("80overlayboot"), conf);
        Path checkFile = Files.writeString(work.resolve("apt-pre-invoke"), script);
        Exec.Result r = Exec.run(List.of("unshare", "-m", "--propagation", "private", "bash", "-euo", "pipefail", "-c", """
                src=$1 dir=$2 conf=$3 check=$4
                m=$dir/m
                mkdir -p "$dir/rw" "$m"
                mount -t tmpfs rw "$dir/rw"; mkdir "$dir/rw/u" "$dir/rw/w"
                mount -t overlay -o "lowerdir=$src,upperdir=$dir/rw/u,workdir=$dir/rw/w" obtest "$m"
                mount -t proc proc "$m/proc"
                mount -t tmpfs tmpfs "$m/tmp"
                mount -t tmpfs tmpfs "$m/run"
                mount -t tmpfs -o mode=755 tmpfs "$m/dev"
                for n in null zero urandom; do : > "$m/dev/$n"; mount --bind "/dev/$n" "$m/dev/$n"; done
                mkdir -p "$m/etc/overlayboot"
                install -m 0644 "$conf" "$m/etc/apt/apt.conf.d/80overlayboot"
                install -m 0755 "$check" "$m/etc/overlayboot/apt-pre-invoke"
                mkdir -p "$m/tmp/obtest/DEBIAN"
                printf 'Package: obtest\nVersion: 1.0\nArchitecture: all\nMaintainer: t <t@example.org>\nDescription: t\n' \
                  > "$m/tmp/obtest/DEBIAN/control"
                chroot "$m" dpkg-deb --root-owner-group -b /tmp/obtest /tmp/obtest.deb > /dev/null
                printf '/dev/vda1 /ro ext4 ro 0 0\noverlayboot / overlay rw,lowerdir=/ro 0 0\n' > "$m/tmp/protected"
                printf '/dev/vda1 / ext4 rw 0 0\n' > "$m/tmp/plain"
                apt() {
                  chroot "$m" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C DEBIAN_FRONTEND=noninteractive \
                    OVERLAYBOOT_MOUNTS="/tmp/$1" apt-get -y -q "$2" "$3" > "$dir/$1-$2.out" 2>&1
                  echo "$1 $2: exit $? warnings $(grep -c '^overlayboot: ' "$dir/$1-$2.out") \
                $(chroot "$m" dpkg-query -W -f '${db:Status-Abbrev}' obtest 2>/dev/null || echo none)"
                }
                chroot "$m" dpkg -i /tmp/obtest.deb > /dev/null
                apt protected remove obtest
                apt protected install /tmp/obtest.deb
                apt protected purge obtest
                chroot "$m" dpkg -i /tmp/obtest.deb > /dev/null
                apt plain remove obtest
                """, "apt-hook", chroot.toString(), work.toString(), confFile.toString(), checkFile.toString()),
                Duration.ofMinutes(3));
        assertThat(r.stdout()).as(r.stderr()).isEqualTo("""
                protected remove: exit 0 warnings 2 none
                protected install: exit 0 warnings 2 ii\s
                protected purge: exit 0 warnings 2 none
                plain remove: exit 0 warnings 0 none
                """);
        assertThat(Files.readString(work.resolve("protected-remove.out"))).contains("""
                overlayboot: WARNING: / is protected: what apt changes now is lost at the next reboot.
                overlayboot: to keep it, run: overlayboot upgrade (updates), or overlayboot maintenance -- apt-get install|remove PACKAGE
                """).contains("Removing obtest (1.0)");
    }

    private Exec.Result run(String shell, Path mounts, String maintenance) {
        List<String> argv = new java.util.ArrayList<>(List.of(shell.split(" ")));
        argv.addAll(List.of("-c", script, "apt-pre-invoke"));
        Map<String, String> env = new java.util.HashMap<>(Map.of("OVERLAYBOOT_MOUNTS", mounts.toString()));
        List<String> full = new java.util.ArrayList<>(List.of("env", "-u", "OVERLAYBOOT_MAINTENANCE"));
        if (maintenance != null) {
            full = new java.util.ArrayList<>(List.of("env"));
            env.put("OVERLAYBOOT_MAINTENANCE", maintenance);
        }
        full.addAll(argv);
        Exec.Result r = Exec.command(full, Duration.ofSeconds(30)).env(env).run();
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).isEmpty();
        return r;
    }
}
