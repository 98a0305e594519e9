package io.overlayboot.maintain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlayboot.core.OverlaybootException;
import io.overlayboot.sys.Exec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a protected root (the real overlay sandbox of {@link MaintenanceTest}), what must survive a
 * reboot goes to the lower layer through a maintenance session, not into the RAM layer:
 * {@code schedule} is the command that shows it here.
 */
class DurableTest {
    @TempDir
    Path work;

    /**
     * Another tool's union (no lower at /ro) is refused with a sentence a person can read: nothing
     * is opened or written, so the machine's own / is safe to name here through a made-up table.
     */
    @Test
    void aUnionWithoutALowerAtRoIsRefusedInOneSentence() throws Exception {
        for (String type : List.of("overlay", "aufs")) {
            Path mounts = Files.writeString(work.resolve(type + ".mounts"), "/dev/sda1 /media ext4 ro 0 0\n"
                    + type + " / " + type + " rw,relatime 0 0\n");
            assertThatThrownBy(() -> Durable.open(Path.of("/"), mounts, line -> {}))
                    .isInstanceOf(OverlaybootException.class)
                    .hasMessageStartingWith("/ is an " + type + " union without a lower layer at /ro: what is written now vanishes"
                            + " at reboot");
        }
    }

    @Test
    void scheduleOnAProtectedRootWritesTheLowerAndLeavesTheUpperAlone() {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/systemd-analyze")), "needs systemd-analyze");
        Exec.Result r = sandbox("""
                mount -o remount,rw "$R/ro"; mkdir -p "$R/ro/etc/systemd/system"; mount -o remount,ro "$R/ro"
                ob schedule --root "$R" 'Sun 03:00' --json > on.json
                echo "on: exit $? left $(left) mode $(mode)"
                (cd "$R/ro/etc/systemd/system" && find . -mindepth 1 | sort)
                echo "upper: $(find rw/upper -mindepth 1 | wc -l)"
                ob schedule --root "$R" --off > off.txt
                echo "off: exit $? left $(left) mode $(mode)"
                ls -A "$R/ro/etc/systemd/system"
                if [ -e "$R/ro/var/lib" ]; then echo "var/lib left"; else echo "var/lib gone"; fi
                cat on.json
                """);
        assertThat(r.stdout()).as(r.stderr()).startsWith("""
                on: exit 0 left none mode ro
                ./overlayboot-upgrade.service
                ./overlayboot-upgrade.timer
                ./timers.target.wants
                ./timers.target.wants/overlayboot-upgrade.timer
                upper: 0
                off: exit 0 left none mode ro
                var/lib gone
                """).contains("\"lower\":true").contains("\"root\":\"" + work + "/root/ro\"");
        assertThat(r.stderr()).contains("overlayboot: maintenance window: Sun *-*-* 03:00:00");
    }

    /**
     * {@code lock-boot} and {@code unlock-boot} on a protected root whose lower is an ext4 copy of
     * the cached bookworm chroot on a loop device ({@link io.overlayboot.vm.LoopRoot}, inside
     * {@code unshare -m -p -f}; no host GRUB touched): the lock's files and the regenerated grub.cfg
     * land on the lower through a session (its real grub-mkpasswd-pbkdf2 and grub-mkconfig run
     * chrooted there), the RAM layer stays empty, no mount is left and the lower is read-only
     * again; unlock puts back every byte under the lower's {@code /etc} and {@code /var/lib}.
     */
    @Test
    void lockBootOnAProtectedRootLocksTheLowersMenuThroughASession() throws Exception {
        var chroot = io.overlayboot.vm.DebianChroot.ensure(line -> {});
        io.overlayboot.install.CachedChroot.ext4Image(chroot.root(), work.resolve("lower.ext4"));
        Files.writeString(work.resolve("pw"), "correct horse\n");
        String java = ProcessHandle.current().info().command().orElseThrow();
        Exec.Result r = Exec.run(List.of("unshare", "-m", "-p", "-f", "--propagation", "private", "bash", "-euo", "pipefail", "-c", """
                dir=$1 java=$2 cp=$3 ver=$4
                ob() { "$java" --enable-native-access=ALL-UNNAMED -cp "$cp" io.overlayboot.cli.Main "$@"; }
                m=$dir/lowerfs image=$dir/lower.ext4 mnt=$dir/lowerfs
                """ + io.overlayboot.vm.LoopRoot.MOUNT + """
                : > "$m/boot/initrd.img-$ver"
                mkdir -p "$m/boot/grub"
                """ + UpgradeTest.UNION_OVER_LOWER + """
                snapshot() { (cd "$R/ro" && find etc var/lib -xdev -printf '%p %M %u %g\n' | sort
                  cd "$R/ro" && find etc var/lib -xdev -type f -print0 | sort -z | xargs -0 sha256sum) > "$dir/$1"; }
                after() {
                  echo "$1: exit $2 mode $(grep " $R/ro " /proc/self/mounts | cut -d' ' -f4 | cut -d, -f1)" \
                    "left $(grep -c " $R/ro/" /proc/self/mounts || true) upper $(find "$dir/rw/upper" -mindepth 1 | wc -l)"
                }
                snapshot before.txt
                rc=0; ob lock-boot --root "$R" --password-file "$dir/pw" --json > "$dir/lock.json" 2> "$dir/lock.err" || rc=$?
                after lock "$rc"
                cp "$R/ro/boot/grub/grub.cfg" "$dir/grub-locked.cfg"
                chroot "$R/ro" grub-script-check /boot/grub/grub.cfg && echo "script-check: ok"
                rc=0; ob unlock-boot --root "$R" > "$dir/unlock.out" 2>&1 || rc=$?
                after unlock "$rc"
                snapshot after.txt
                cmp -s "$dir/before.txt" "$dir/after.txt" && echo "lower: as before"
                """, "durable-test", work.toString(), java, System.getProperty("java.class.path"), chroot.kernelVersion()),
                Duration.ofMinutes(5));
        String err = Files.exists(work.resolve("lock.err")) ? Files.readString(work.resolve("lock.err")) : "";
        assertThat(r.stdout()).as(r.stderr() + err).isEqualTo("""
                lock: exit 0 mode ro left 0 upper 0
                script-check: ok
                unlock: exit 0 mode ro left 0 upper 0
                lower: as before
                """);
        String locked = Files.readString(work.resolve("grub-locked.cfg"));
        assertThat(locked).contains("set superusers=\"root\"\n").containsPattern("\npassword_pbkdf2 root grub\\.pbkdf2\\.sha512\\.");
        assertThat(io.overlayboot.grub.BootLockChrootTest.passwordOf(locked)).isEqualTo("correct horse");
        assertThat(Files.readString(work.resolve("lock.json"))).contains("\"lower\":true").contains("\"bootChain\":\"ran\"");
        assertThat(err).contains("running inside /ro: grub-mkconfig -o /boot/grub/grub.cfg");
    }

    private Exec.Result sandbox(String steps) {
        String java = ProcessHandle.current().info().command().orElseThrow();
        String cp = System.getProperty("java.class.path");
        return Exec.run(List.of("unshare", "-m", "--propagation", "private", "sh", "-c",
                MaintenanceTest.SETUP + steps, "sh", work.toString(), java, cp), Duration.ofMinutes(3));
    }
}
