package io.overlayboot.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlayboot.files.Digests;
import io.overlayboot.sys.Exec;
import io.overlayboot.vm.LoopRoot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Test support for the package tests ({@link PackagingIT}, {@link GrubBootIT}): the {@code .deb}
 * {@code mvn -Pdeb} built, and a stock Debian machine on a whole-disk image, as an admin has it
 * before installing overlayboot.
 *
 * <p>The stock disk: an MBR partition table (sfdisk) with one ext4 partition at 1 MiB holding a
 * copy of the cached chroot ({@code e2e/build-chroot.sh FLAVOR}), set up inside it as Debian sets up
 * a machine: a root line in {@code /etc/fstab}, {@code /etc/default/grub}, an initrd from
 * {@code update-initramfs -c} (the small {@code MODULES=list} one), {@code grub.cfg} from
 * {@code grub-mkconfig}, an empty {@code grubenv}, and GRUB for BIOS in the MBR gap (see
 * {@link #STOCK} for why grub-mkimage and dd rather than grub-install). overlayroot, which the
 * chroot carries for the benchmark, is purged (no admin's machine has both); {@code mount}, which
 * every Debian installation has (priority required) but the minimal chroot lacks, and
 * {@code grub2-common} ({@code update-grub}, {@code grub-reboot}: every Debian machine booted by
 * GRUB has it through grub-pc) are installed from the chroot's mirror (the one network use, when
 * the cached disk is built), with apt's package lists left in place as on a real machine. It is built once per
 * input (the chroot's build stamp, the flavor, the scripts, the guest's test init) under
 * {@code /var/cache/overlayboot/disks/} and copied for each test, so a test never changes it. The
 * GRUB boot's steps ({@code /overlayboot-grub-steps}, which the command line names) are not part of
 * it: {@link GrubBootIT} copies them onto its copy, so a change to them does not rebuild the disk.
 */
final class DebianMachine {
    /** Where the root partition starts: sector 2048, as every partitioning tool puts it. */
    static final long OFFSET = 1L << 20;
    private static final String SIZE_MB = "2048";
    private static final Path CACHE = Path.of(System.getenv().getOrDefault("OVERLAYBOOT_CACHE", "/var/cache/overlayboot"));
    private static final Path INIT = Path.of("e2e/guest/overlayboot-test-init");

    /**
     * Debian's own {@code /etc/default/grub} (abridged) for a headless machine on a serial line, whose
     * kernel command line starts the test init instead of an init system:
     * {@code init=/overlayboot-test-init obt.run=/overlayboot-grub-steps} (docs/boot-tests.md).
     * {@code GRUB_TIMEOUT=0}: the default entry at once, a one-shot entry when {@code next_entry} says so.
     */
    static final String DEFAULT_GRUB = String.join("\n",
            "# If you change this file, run 'update-grub' afterwards to update /boot/grub/grub.cfg.",
            "GRUB_DEFAULT=0",
            "GRUB_TIMEOUT=0",
            "GRUB_DISTRIBUTOR=`lsb_release -i -s 2> /dev/null || echo Debian`",
            "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"",
            "GRUB_CMDLINE_LINUX=\"console=ttyS0 panic=-1 init=/overlayboot-test-init obt.run=/overlayboot-grub-steps\"",
            "GRUB_TERMINAL=serial",
            "GRUB_SERIAL_COMMAND=\"serial --unit=0 --speed=115200\"",
            "");

    /**
     * Inside the chroot of the new disk: the stock machine. GRUB goes in as grub-install does it for
     * i386-pc, by hand: grub-install (grub2-common) asks grub-probe which disk holds /boot/grub, and
     * here that is the loop device of the partition (a loop with an offset into the image file, not a
     * partition of a whole-disk device: without udev there are no partition nodes), so it cannot
     * embed core.img into the whole disk's MBR gap. So the modules are copied to {@code /boot/grub/i386-pc}, and a core.img with the modules that read the
     * disk (biosdisk, part_msdos, ext2) and the prefix {@code (hd0,msdos1)/boot/grub} is made; the
     * host then puts boot.img's first 440 bytes in sector 0 (the partition table stays) and core.img
     * from sector 1: boot.img loads sector 1 and diskboot.img the sectors after it by default, which is
     * all grub-bios-setup would patch in for this layout.
     */
    static final String STOCK = String.join("\n",
            "set -eu",
            "k=$(cat /usr/share/overlayboot-e2e/kernel-version)",
            "dpkg --purge overlayroot >/dev/null",
            "{ apt-get update -q && apt-get install -y -q --no-install-recommends mount grub2-common; } >/tmp/apt.log 2>&1"
                    + " || { cat /tmp/apt.log; echo 'cannot install mount and grub2-common from the mirror of the chroot'; exit 3; }",
            "cp /usr/share/overlayboot-e2e/modules-list.conf /etc/initramfs-tools/conf.d/",
            "cp /usr/share/overlayboot-e2e/modules /etc/initramfs-tools/modules",
            "printf '%s\\n' \"UUID=$(grub-probe --target=fs_uuid /) / ext4 errors=remount-ro 0 1\" >/etc/fstab",
            "cp /tmp/default-grub /etc/default/grub",
            "install -m 755 /tmp/overlayboot-test-init /",
            "mkdir -p /boot/grub",
            "update-initramfs -c -k \"$k\" >/tmp/initramfs.log 2>&1 || { cat /tmp/initramfs.log; exit 3; }",
            "grub-mkconfig -o /boot/grub/grub.cfg >/tmp/mkconfig.log 2>&1 || { cat /tmp/mkconfig.log; exit 3; }",
            "grub-editenv /boot/grub/grubenv create",
            "cp -r /usr/lib/grub/i386-pc /boot/grub/",
            "grub-mkimage -O i386-pc -o /boot/grub/i386-pc/core.img -p '(hd0,msdos1)/boot/grub' biosdisk part_msdos ext2",
            "");

    /** A whole-disk image: the partition table, then an ext4 partition holding a copy of the chroot. */
    private static final String PARTITION = String.join("\n",
            "image=$1 chroot=$2 size=$3",
            "truncate -s $((size + 1))M \"$image\"",
            "echo 'start=" + OFFSET / 512 + ", type=83, bootable' | sfdisk -q \"$image\"",
            "mkfs.ext4 -q -F -E offset=" + OFFSET + " -d \"$chroot\" \"$image\" \"${size}M\"",
            "");

    /** GRUB's boot code: boot.img's code (not its partition table) in sector 0, core.img from sector 1. */
    private static final String BOOT_CODE = String.join("\n",
            "image=$1 boot=$2 core=$3",
            "[ \"$(stat -c %s \"$core\")\" -lt " + (OFFSET - 512) + " ] || { echo \"core.img does not fit before the partition\" >&2; exit 1; }",
            "dd if=\"$boot\" of=\"$image\" bs=440 count=1 conv=notrunc status=none",
            "dd if=\"$core\" of=\"$image\" bs=512 seek=1 conv=notrunc status=none",
            "");

    /** The mount and the copies into its /tmp; {@link #inside} then chroots. */
    private static final String UNSHARED = String.join("\n",
            "dir=$1 image=$2 inner=$3; shift 3",
            "mnt=$dir/root offset=" + OFFSET,
            LoopRoot.MOUNT_FOR_CHROOT + LoopRoot.BY_UUID,
            "while [ $# -gt 0 ]; do cp \"$1\" \"$mnt/tmp/$2\"; shift 2; done",
            "mkdir -p \"$dir/out\" \"$mnt/tmp/out\"",
            "mount --bind \"$dir/out\" \"$mnt/tmp/out\"",
            "exec chroot \"$mnt\" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8"
                    + " DEBIAN_FRONTEND=noninteractive sh -c \"$inner\"",
            "");

    private DebianMachine() {}

    /** The package {@code mvn -Pdeb} built at the package phase (the profile names it). */
    static Path deb() {
        String built = System.getProperty("overlayboot.deb");
        assertThat(built).as("the system property overlayboot.deb (hint: run with mvn -Pdeb verify)").isNotBlank();
        Path deb = Path.of(built);
        assertThat(deb).as("the package (hint: mvn -Pdeb verify builds it)").exists();
        return deb;
    }

    /** The cached chroot of {@code flavor} (bookworm, trixie), built first when missing. */
    static Path chroot(String flavor) {
        Exec.Result chroot = Exec.run(List.of("bash", "e2e/build-chroot.sh", flavor), Duration.ofMinutes(15));
        assertThat(chroot.exitCode()).as(chroot.stderr()).isZero();
        return Path.of(chroot.stdout().strip());
    }

    /** A fresh copy of the stock disk of {@code flavor} at {@code work/disk.img}. */
    static Path stockDisk(String flavor, Path work) throws IOException {
        Path cached = cachedStockDisk(flavor);
        Path disk = work.resolve("disk.img");
        Exec.Result cp = Exec.run(List.of("cp", "--sparse=always", cached.toString(), disk.toString()), Duration.ofMinutes(5));
        assertThat(cp.exitCode()).as(cp.stderr()).isZero();
        return disk;
    }

    private static Path cachedStockDisk(String flavor) throws IOException {
        Path chroot = chroot(flavor);
        String script = PARTITION + LoopRoot.MOUNT_FOR_CHROOT + LoopRoot.BY_UUID + UNSHARED + STOCK + DEFAULT_GRUB + BOOT_CODE;
        MessageDigest sha = Digests.sha256();
        for (String part : List.of(flavor, Files.readString(chroot.resolve(".complete")), script, Files.readString(INIT))) {
            sha.update(part.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
        }
        Path disks = Files.createDirectories(CACHE.resolve("disks"));
        String prefix = "stock-" + flavor + "-";
        Path done = disks.resolve(prefix + Digests.hex(sha).substring(0, 20) + ".img");
        // failsafe runs two IT classes at a time: one builds, the other waits for it and takes its disk
        try (FileChannel lock = FileChannel.open(disks.resolve(prefix + "lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock held = lock.lock()) {
            if (Files.exists(done)) {
                return done;
            }
            return build(chroot, disks, prefix, done);
        }
    }

    private static Path build(Path chroot, Path disks, String prefix, Path done) throws IOException {
        Path work = Files.createTempDirectory(disks, "build-");
        try {
            Path image = work.resolve("disk.img");
            Path grub = Files.writeString(work.resolve("default-grub"), DEFAULT_GRUB);
            Exec.Result parted = Exec.run(List.of("bash", "-euo", "pipefail", "-c", PARTITION, "stock-disk", image.toString(),
                    chroot.toString(), SIZE_MB), Duration.ofMinutes(10));
            assertThat(parted.exitCode()).as(parted.stdout() + parted.stderr()).isZero();
            Exec.Result built = inside(image, work, STOCK + "cp /boot/grub/i386-pc/core.img /tmp/out/\n",
                    Map.of(INIT.toAbsolutePath(), "overlayboot-test-init", grub, "default-grub"), Duration.ofMinutes(10));
            assertThat(built.exitCode()).as("the stock Debian disk: " + built.stdout() + built.stderr()).isZero();
            Exec.Result mbr = Exec.run(List.of("bash", "-euo", "pipefail", "-c", BOOT_CODE, "stock-disk", image.toString(),
                    chroot.resolve("usr/lib/grub/i386-pc/boot.img").toString(), work.resolve("out/core.img").toString()),
                    Duration.ofMinutes(1));
            assertThat(mbr.exitCode()).as(mbr.stderr()).isZero();
            try (DirectoryStream<Path> old = Files.newDirectoryStream(disks, prefix + "*.img")) {
                for (Path stale : old) {
                    if (!stale.equals(done)) {
                        Files.deleteIfExists(stale);
                    }
                }
            }
            Files.move(image, done, StandardCopyOption.ATOMIC_MOVE);
            return done;
        } finally {
            Exec.run(List.of("rm", "-rf", work.toString()), Duration.ofMinutes(1));
        }
    }

    /**
     * Runs {@code sh -c inner} chrooted into the root partition of {@code disk}, mounted as a real
     * root ({@link LoopRoot}, {@code /dev/disk/by-uuid} included) in {@code unshare -m -p -f}, with
     * each of {@code files} copied into its {@code /tmp} under the name it maps to; what the script
     * leaves in {@code /tmp/out} is in {@code work/out} afterwards.
     */
    static Exec.Result inside(Path disk, Path work, String inner, Map<Path, String> files, Duration limit) {
        List<String> argv = new ArrayList<>(List.of("unshare", "-m", "-p", "-f", "--propagation", "private", "bash", "-euo",
                "pipefail", "-c", UNSHARED, "debian-machine", work.toString(), disk.toString(), inner));
        files.forEach((file, name) -> {
            argv.add(file.toString());
            argv.add(name);
        });
        return Exec.run(argv, Map.of(), null, null, limit);
    }

    /**
     * Runs {@code sh -c script} in {@code unshare -m} with the root partition of {@code disk} mounted
     * read-only at {@code $1} (a guest's writes are read from the disk as the next boot finds them;
     * ext4 replays its journal first); returns its standard output.
     */
    static String readLower(Path disk, Path work, String script) throws IOException {
        Path lower = Files.createDirectories(work.resolve("lower"));
        Exec.Result r = Exec.run(List.of("unshare", "-m", "--propagation", "private", "sh", "-euc",
                "mount -o ro,loop,offset=" + OFFSET + " \"$1\" \"$2\"; shift; sh -c \"$2\" read-lower \"$1\"",
                "read-lower", disk.toString(), lower.toString(), script), Duration.ofMinutes(2));
        assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
        return r.stdout();
    }
}
