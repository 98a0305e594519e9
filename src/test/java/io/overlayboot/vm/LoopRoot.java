package io.overlayboot.vm;

/**
 * Test support: shell lines that mount an ext4 image as a root grub-probe can probe, inside
 * {@code unshare -m -p -f}. grub-mkconfig asks grub-probe for the device under {@code /}, which
 * fails for an overlay or a plain directory, and for a device named {@code /dev/loopN} it runs
 * {@code losetup} (absent from the cached chroot); so the image's loop device is also named
 * {@code /dev/obroot} in a private {@code /dev} (a tmpfs with the usual nodes bound in) that
 * replaces {@code /dev} in the namespace only. The loop device detaches by itself when the
 * namespace ends.
 */
public final class LoopRoot {
    /**
     * Mounts {@code $image} at {@code $mnt}, using {@code $dir/dev} for the private {@code /dev}. When
     * {@code $offset} is set, the filesystem starts that many bytes into the image (the partition of a
     * whole-disk image).
     */
    public static final String MOUNT = """
            loop=$(losetup -f --show --offset "${offset:-0}" "$image")
            trap 'losetup -d "$loop" 2>/dev/null || true' EXIT
            minor=$((0x$(stat -c %T "$loop")))
            mkdir -p "$dir/dev" "$mnt"
            mount -t tmpfs -o mode=755 tmpfs "$dir/dev"
            for n in null zero full random urandom tty; do
              : > "$dir/dev/$n"; mount --bind "/dev/$n" "$dir/dev/$n"
            done
            mknod "$dir/dev/obroot" b 7 "$minor"
            mknod "$dir/dev/${loop#/dev/}" b 7 "$minor"
            mount --rbind "$dir/dev" /dev   # this namespace only
            mount /dev/obroot "$mnt"
            losetup -d "$loop"              # busy: detaches by itself when the namespace ends
            """;

    /**
     * {@link #MOUNT}, then what a chroot into {@code $mnt} needs to run Debian's tools
     * (update-initramfs, grub-mkconfig): {@code /proc}, {@code /sys}, the private {@code /dev},
     * and fresh {@code /tmp} and {@code /run}.
     */
    public static final String MOUNT_FOR_CHROOT = MOUNT + """
            mount -t proc proc "$mnt/proc"
            mount -t sysfs sysfs "$mnt/sys"
            mount --rbind /dev "$mnt/dev"
            mount -t tmpfs tmpfs "$mnt/tmp"
            mount -t tmpfs tmpfs "$mnt/run"
            """;

    /**
     * After {@link #MOUNT}: {@code /dev/disk/by-uuid/UUID} for the root, as udev makes it on a real
     * machine. With it, grub-mkconfig writes {@code root=UUID=...} (what a booting guest can find)
     * instead of the name {@code /dev/obroot}, which exists only in this namespace.
     */
    public static final String BY_UUID = """
            mkdir -p /dev/disk/by-uuid
            ln -s ../../obroot "/dev/disk/by-uuid/$(blkid -o value -s UUID /dev/obroot)"
            """;

    private LoopRoot() {}
}
