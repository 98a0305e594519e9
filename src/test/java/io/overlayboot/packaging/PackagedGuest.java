package io.overlayboot.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlayboot.files.Digests;
import io.overlayboot.files.Trees;
import io.overlayboot.sys.Exec;
import io.overlayboot.vm.DebianChroot;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Test support: a bootable Debian 12 guest disk with the overlayboot package installed the way an
 * admin does it, and protection switched on: an ext4 image (label {@code obtroot}) of the cached
 * bookworm chroot in which {@code apt-get install ./overlayboot_*.deb} ran and then
 * {@code overlayboot enable --yes --no-grub} (no GRUB on this disk: {@code mode=tmpfs} in the
 * conffile, so every boot protects), with its initrd from Debian's {@code update-initramfs} (the
 * chroot's small {@code MODULES=list} configuration), the test init as
 * {@code /overlayboot-test-init} and {@link LocalAptRepo} set up. The kernel and that initrd are
 * copied out beside the image for QEMU's {@code -kernel}/{@code -initrd}.
 *
 * <p>Built once per input (the package's bytes, the chroot's build stamp, this class's script, the
 * init) under {@code CACHE/packaged-guest/KEY}; an older build is deleted when a new one is made.
 * Tests boot a copy ({@link #copyDisk}), never the cached image.
 */
public record PackagedGuest(Path image, Path kernel, Path initrd, String kernelVersion) {
    static final String INIT_RESOURCE = "upgrade-init";

    /**
     * Runs in {@code unshare -m -p -f}: the image from the chroot, mounted through
     * {@link io.overlayboot.vm.LoopRoot#MOUNT_FOR_CHROOT}, the package installed and enabled
     * inside. {@code mount} comes from Debian's mirror (the one network use, when the cached guest is
     * built): the minimal chroot lacks it, every Debian installation has it (priority required, not
     * Essential), and {@code maintenance} and {@code upgrade} run it. Debian's apt lists are dropped
     * again, then {@link LocalAptRepo}.
     */
    static final String BUILD = """
            chroot_dir=$1 dir=$2 deb=$3 init=$4
            image=$dir/root.ext4 mnt=$dir/mnt m=$dir/mnt
            mkfs.ext4 -q -F -L obtroot -d "$chroot_dir" "$image" 2G
            """ + io.overlayboot.vm.LoopRoot.MOUNT_FOR_CHROOT + """
            cp "$deb" "$m/tmp/overlayboot.deb"
            install -m 755 "$init" "$m/overlayboot-test-init"
            chroot "$m" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive sh -euc '
              k=$(cat /usr/share/overlayboot-e2e/kernel-version)
              dpkg --purge overlayroot > /dev/null
              cp /usr/share/overlayboot-e2e/modules-list.conf /etc/initramfs-tools/conf.d/
              cp /usr/share/overlayboot-e2e/modules /etc/initramfs-tools/modules
              update-initramfs -c -k "$k" > /dev/null 2>&1
              apt-get update -q > /tmp/apt.log 2>&1 || { cat /tmp/apt.log; exit 3; }
              apt-get install -y -q --no-install-recommends /tmp/overlayboot.deb mount > /tmp/apt.log 2>&1 || { cat /tmp/apt.log; exit 3; }
              apt-get clean
              rm -rf /var/lib/apt/lists/*_*
              overlayboot enable --yes --no-grub > /tmp/enable.log 2>&1 || { cat /tmp/enable.log; exit 3; }
              overlayboot check > /tmp/check.log 2>&1 || { cat /tmp/check.log; exit 3; }
            '
            """ + LocalAptRepo.OLD_INSTALLED_NEW_IN_REPO + """
            k=$(cat "$m/usr/share/overlayboot-e2e/kernel-version")
            cp "$m/boot/vmlinuz-$k" "$dir/vmlinuz"
            cp "$m/boot/initrd.img-$k" "$dir/initrd.img"
            printf '%s\\n' "$k" > "$dir/kernel-version"
            """;

    /** The cached guest for {@code deb}, built first when there is none for these inputs. */
    public static PackagedGuest of(Path deb) throws IOException, InterruptedException {
        DebianChroot chroot = DebianChroot.ensure(System.err::println);
        byte[] init;
        try (InputStream in = PackagedGuest.class.getResourceAsStream(INIT_RESOURCE)) {
            assertThat(in).as("the guest init resource " + INIT_RESOURCE).isNotNull();
            init = in.readAllBytes();
        }
        MessageDigest sha = Digests.sha256();
        sha.update(Digests.sha256Hex(deb).getBytes(StandardCharsets.UTF_8));
        sha.update(Files.readAllBytes(chroot.root().resolve(".complete")));
        sha.update(BUILD.getBytes(StandardCharsets.UTF_8));
        sha.update(init);
        Path base = DebianChroot.cacheDir().resolve("packaged-guest");
        Path dir = base.resolve(HexFormat.of().formatHex(sha.digest()).substring(0, 16));
        if (!Files.exists(dir.resolve(".complete"))) {
            build(chroot.root(), deb, init, base, dir);
        }
        return new PackagedGuest(dir.resolve("root.ext4"), dir.resolve("vmlinuz"), dir.resolve("initrd.img"),
                Files.readString(dir.resolve("kernel-version")).strip());
    }

    private static void build(Path chroot, Path deb, byte[] init, Path base, Path dir) throws IOException, InterruptedException {
        Files.createDirectories(base);
        try (Stream<Path> old = Files.list(base)) {
            for (Path p : old.toList()) {
                Trees.delete(p); // one guest at a time: each is ~1 GB of disk
            }
        }
        Path tmp = Files.createDirectories(base.resolve(dir.getFileName() + ".tmp" + ProcessHandle.current().pid()));
        Path initFile = Files.write(tmp.resolve("init"), init);
        long start = System.nanoTime();
        Exec.Result r = Exec.run(List.of("unshare", "-m", "-p", "-f", "--propagation", "private", "bash", "-euo", "pipefail", "-c",
                BUILD, "packaged-guest", chroot.toString(), tmp.toString(), deb.toAbsolutePath().toString(), initFile.toString()),
                Duration.ofMinutes(15));
        assertThat(r.exitCode()).as("building the packaged guest:\n" + r.stdout() + r.stderr()).isZero();
        Files.delete(initFile);
        Trees.delete(tmp.resolve("mnt"));
        Trees.delete(tmp.resolve("dev"));
        Files.writeString(tmp.resolve(".complete"), "built in " + Duration.ofNanos(System.nanoTime() - start).toSeconds() + " s\n");
        Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        System.err.println("packaged guest built in " + dir + " (" + Files.readString(dir.resolve(".complete")).strip() + ")");
    }

    /** A sparse copy of the image at {@code target}, for one test to boot and change. */
    public Path copyDisk(Path target) {
        Exec.Result r = Exec.run(List.of("cp", "--sparse=always", image.toString(), target.toString()), Duration.ofMinutes(5));
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        return target;
    }
}
