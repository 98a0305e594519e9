package io.overlayboot.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlayboot.sys.Exec;
import io.overlayboot.vm.BootResult;
import io.overlayboot.vm.InitrdCache;
import io.overlayboot.vm.Qemu;
import io.overlayboot.vm.VmSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14's QEMU flow: a Debian 12 guest with the overlayboot package enabled ({@link PackagedGuest})
 * boots protected, a file is written to its root outside maintenance, and {@code overlayboot upgrade}
 * installs {@link LocalAptRepo#NEW} of the test package from the local repository into the lower;
 * after a reboot (with the initrd that upgrade rebuilt) the root is protected again, the new
 * version is there and the file written outside maintenance is gone. The host reads the disk
 * between and after the boots. Runs under {@code mvn -Pdeb verify} (the package is the one Maven built).
 */
@Tag("vm")
class UpgradeBootIT {
    /** The guest runs a JVM and apt: more than the 512 MB of the small test guests. */
    static final int MEMORY_MB = 1024;

    @TempDir
    Path dir;

    @Test
    void upgradeInstallsIntoTheLowerAndAWriteOutsideMaintenanceIsGoneAfterTheReboot() throws Exception {
        String built = System.getProperty("overlayboot.deb");
        assertThat(built).as("the system property overlayboot.deb (hint: run with mvn -Pdeb verify)").isNotBlank();
        long start = System.nanoTime();
        PackagedGuest guest = PackagedGuest.of(Path.of(built));
        Path disk = guest.copyDisk(dir.resolve("root.ext4"));
        Disk before = Disk.read(disk, dir, guest.kernelVersion());
        assertThat(before.version()).isEqualTo(LocalAptRepo.OLD);

        BootResult upgrade = boot("upgrade-1", new InitrdCache.BootFiles(guest.kernelVersion(), guest.kernel(), guest.initrd(), "packaged"),
                disk, "obt.phase=upgrade", Duration.ofMinutes(12));
        assertProtected(upgrade);
        assertThat(upgrade.marker("package.dpkg").map(String::strip)).as(upgrade.transcript()).contains(LocalAptRepo.OLD + " ii");
        assertThat(upgrade.marker("write")).contains("0");
        assertThat(upgrade.marker("upgrade.exit")).as("upgrade's exit: the next boot protects\n" + upgrade.transcript()).contains("0");
        assertThat(upgrade.markers("upgrade.out")).as("what upgrade says").contains("next boot: protected", "reboot: not needed");
        assertThat(upgrade.linesContaining("running inside /ro: apt-get -y")).isNotEmpty();
        assertThat(upgrade.linesContaining("Unpacking obtest (2.0) over (1.0)")).isNotEmpty();
        assertThat(upgrade.console()).as("no error line from apt, dpkg or the guard (the initramfs post-update hook)")
                .noneMatch(l -> l.startsWith("upgrade [") && l.contains("] E: "));
        assertThat(upgrade.linesContaining("Invalid 'Date'")).as("the repository's Release is well-formed").isEmpty();
        assertThat(upgrade.marker("lower.mode")).as("the lower is read-only again").contains("ro");
        assertThat(upgrade.marker("lower.mounts")).as("no mount of the session is left under /ro").contains("0");

        Disk between = Disk.read(disk, dir, guest.kernelVersion());
        assertThat(between.clean()).as("the lower was left clean (e2fsck -fn)\n" + between.fsck()).isTrue();
        assertThat(between.version()).as("upgrade wrote into the lower").isEqualTo(LocalAptRepo.NEW);
        assertThat(between.dpkg()).isEqualTo(LocalAptRepo.NEW + " ii ");
        assertThat(between.marker()).as("the write outside maintenance went to RAM").isFalse();
        assertThat(between.initrdSha()).as("upgrade rebuilt the initrd on the lower").isNotEqualTo(before.initrdSha());

        BootResult after = boot("upgrade-2", new InitrdCache.BootFiles(guest.kernelVersion(), guest.kernel(), between.initrd(), "upgraded"),
                disk, "obt.phase=after", Duration.ofMinutes(4));
        assertProtected(after);
        assertThat(after.marker("package.file")).as(after.transcript()).contains(LocalAptRepo.NEW);
        assertThat(after.marker("package.dpkg").map(String::strip)).contains(LocalAptRepo.NEW + " ii");
        assertThat(after.marker("marker")).as("the file written outside maintenance").contains("absent");

        Disk end = Disk.read(disk, dir, guest.kernelVersion());
        assertThat(end.version()).isEqualTo(LocalAptRepo.NEW);
        assertThat(end.marker()).isFalse();
        System.err.printf("UpgradeBootIT: upgrade in the guest %s s, boots %d s + %d s, whole test %d s%n",
                upgrade.marker("upgrade.seconds").orElse("?"), upgrade.elapsed().toSeconds(), after.elapsed().toSeconds(),
                Duration.ofNanos(System.nanoTime() - start).toSeconds());
    }

    private static void assertProtected(BootResult boot) {
        assertThat(boot.timedOut()).as("guest hit the time limit:\n%s", boot.transcript()).isFalse();
        assertThat(boot.panicked()).as("guest panicked:\n%s", boot.transcript()).isFalse();
        assertThat(boot.cleanPowerOff()).as("guest did not run its init to the end:\n%s", boot.transcript()).isTrue();
        assertThat(boot.marker("root.fstype")).as(boot.transcript()).contains("overlay");
        assertThat(boot.marker("mounted/ro")).contains("1");
        assertThat(boot.marker("state.status")).contains("protected");
    }

    private static BootResult boot(String name, InitrdCache.BootFiles files, Path disk, String phase, Duration limit) throws IOException {
        VmSpec spec = new VmSpec(files, List.of(phase), List.of(disk), MEMORY_MB, limit);
        BootResult boot = Qemu.boot(spec);
        Path logs = Files.createDirectories(Path.of("target", "boot-logs"));
        Files.writeString(logs.resolve(name + ".log"), "# " + spec.commandLine() + "\n" + boot.transcript() + "\n");
        return boot;
    }

    /**
     * What the host reads on the guest's disk: {@code e2fsck -fn} first (changes nothing), then a
     * read-only loop mount in {@code unshare -m}: the test package's file and dpkg status, whether
     * the marker is there, and the kernel's initrd (copied out, and its SHA-256).
     */
    record Disk(boolean clean, String fsck, String version, String dpkg, boolean marker, Path initrd, String initrdSha) {
        static final String READ = """
                image=$1 look=$2 k=$3 out=$4
                mkdir -p "$look"
                mount -o ro,loop "$image" "$look"
                cat "$look/usr/share/obtest/version"
                dpkg-query --admindir="$look/var/lib/dpkg" -W -f '${Version} ${db:Status-Abbrev}\\n' obtest
                if [ -e "$look/root/outside-marker" ]; then echo present; else echo absent; fi
                cp "$look/boot/initrd.img-$k" "$out"
                sha256sum "$out" | cut -d' ' -f1
                """;

        static int reads;

        static Disk read(Path image, Path dir, String kernelVersion) {
            Exec.Result fsck = Exec.run(List.of("e2fsck", "-fn", image.toString()), Duration.ofMinutes(2));
            Path initrd = dir.resolve("initrd-" + (++reads) + ".img");
            Exec.Result r = Exec.run(List.of("unshare", "-m", "--propagation", "private", "sh", "-euc", READ, "read-disk",
                    image.toString(), dir.resolve("look").toString(), kernelVersion, initrd.toString()), Duration.ofMinutes(2));
            assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
            List<String> lines = r.stdout().lines().toList();
            assertThat(lines).as(r.stdout() + r.stderr()).hasSize(4);
            return new Disk(fsck.exitCode() == 0, fsck.stdout() + fsck.stderr(), lines.get(0), lines.get(1), lines.get(2).equals("present"),
                    initrd, lines.get(3));
        }
    }
}
