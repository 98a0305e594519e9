package io.overlayboot.vm;

import io.overlayboot.files.Digests;
import io.overlayboot.files.Trees;
import io.overlayboot.sys.Exec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Disk images for test guests, made without mounting ({@code mke2fs -d}): a tiny root holding a
 * static busybox, the test init {@code /overlayboot-test-init}, an {@code /etc/os-release} and an
 * {@code /etc/fstab} with a root line and a swap line; and blank labelled disks for an upper layer on a device.
 */
public final class GuestDisk {
    /** Label of the root filesystem; the guest's fstab names it. */
    public static final String ROOT_LABEL = "obtroot";
    /** The init given to the guest kernel as {@code init=}. */
    public static final String TEST_INIT = "/overlayboot-test-init";

    /** The guest's /etc/fstab: a root line and a swap line, so the rewrite at boot can be checked. */
    public static final String FSTAB = """
            # /etc/fstab of the overlayboot test guest
            LABEL=obtroot / ext4 errors=remount-ro 0 1
            /dev/vdc none swap sw 0 0
            tmpfs /tmp tmpfs defaults 0 0
            """;

    /** The guest's /etc/os-release, without which systemd's switch-root refuses the root. */
    static final String OS_RELEASE = "NAME=\"overlayboot test guest\"\nID=overlayboot-test\n";

    private GuestDisk() {}

    /** Writes the root image to {@code image} (32 MiB, ext4, label {@value #ROOT_LABEL}). */
    public static Path root(Path image) {
        try {
            Path tree = Files.createTempDirectory(image.toAbsolutePath().getParent(), "rootfs-");
            try {
                for (String dir : List.of("bin", "sbin", "etc", "dev", "proc", "sys", "run", "tmp", "mnt", "root")) {
                    Files.createDirectories(tree.resolve(dir));
                }
                Path busybox = HostTools.staticBusybox();
                Files.copy(busybox, tree.resolve("bin/busybox"));
                for (String applet : Exec.stream(List.of(busybox.toString(), "--list"), Duration.ofSeconds(10), line -> {}).check().lines()) {
                    if (!applet.isBlank() && !applet.equals("busybox")) {
                        Files.createSymbolicLink(tree.resolve("bin").resolve(applet.strip()), Path.of("busybox"));
                    }
                }
                Files.writeString(tree.resolve("etc/fstab"), FSTAB);
                // systemd in an initrd (dracut's systemd flavor) switches only into an OS tree: one with os-release.
                Files.writeString(tree.resolve("etc/os-release"), OS_RELEASE);
                Path init = tree.resolve(TEST_INIT.substring(1));
                Files.write(init, E2eScripts.read("guest/overlayboot-test-init"));
                Files.setPosixFilePermissions(init, PosixFilePermissions.fromString("rwxr-xr-x"));
                mke2fs(image, ROOT_LABEL, 32, tree);
            } finally {
                Trees.delete(tree);
            }
            return image;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes an empty ext4 image of {@code megabytes} MiB labelled {@code label}. */
    public static Path blank(Path image, String label, int megabytes) {
        mke2fs(image, label, megabytes, null);
        return image;
    }

    /** The SHA-256 of a disk image, to show that a boot left it byte for byte as it was. */
    public static String sha256(Path image) {
        try {
            return Digests.sha256Hex(image);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void mke2fs(Path image, String label, int megabytes, Path tree) {
        List<String> cmd = new ArrayList<>(List.of("mke2fs", "-q", "-F", "-t", "ext4", "-L", label,
                "-E", "root_owner=0:0"));
        if (tree != null) {
            cmd.addAll(List.of("-d", tree.toString()));
        }
        cmd.addAll(List.of(image.toString(), megabytes + "M"));
        Exec.stream(cmd, Duration.ofMinutes(1), line -> {}).check();
    }
}
