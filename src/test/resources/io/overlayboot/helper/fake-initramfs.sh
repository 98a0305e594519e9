#!/bin/sh
# Runs a command as the boot script or the helper would run at boot, over a fake root, without
# touching the host: call it as `unshare -m -p -f --mount-proc sh fake-initramfs.sh WORK ROOTCONF COMMAND...`.
#
# Inside the new mount namespace it builds, under WORK/initramfs:
#   /            a tmpfs, like the initramfs (so /rw, /ro and /overlayboot can be made freely)
#   /usr /bin /sbin /lib /lib64   the host's, read-only binds (the JVM, sh, mount, blkid)
#   /dev /sys /proc               the host's, with /dev/kmsg masked by /dev/null
#   /etc         fresh: only overlayboot.conf when WORK/overlayboot.conf exists
#   /scripts/functions            initramfs-tools' own, when installed
#   /root        the fake real root: a tmpfs holding etc/fstab (root, swap and /home lines)
#                and sbin/init, remounted read-only, as the initramfs leaves $rootmnt
#   /run         a tmpfs
#   WORK         bound at the same path, so the command's files are reachable
# ROOTCONF is "tmpfs" for that root, or "ext4:IMAGE" to loop-mount an ext4 image as the root.
# Then it runs COMMAND chrooted there, prints "exit=N", and prints what a test compares:
# the mounts under /root, the state record and the root's fstab.
set -u
work=$1 rootconf=$2
shift 2
new=$work/initramfs
mkdir -p "$new"
mount --make-rprivate / || exit 90
mount -t tmpfs -o mode=0755 initramfs "$new" || exit 90
for d in usr bin sbin lib lib64; do
    if [ -L "/$d" ]; then
        ln -s "$(readlink "/$d")" "$new/$d"
    elif [ -d "/$d" ]; then
        mkdir "$new/$d" && mount --rbind -o ro "/$d" "$new/$d"
    fi
done
for d in dev sys proc; do
    mkdir "$new/$d" && mount --rbind "/$d" "$new/$d"
done
mount --bind /dev/null "$new/dev/kmsg"
mkdir -p "$new/etc" "$new/run" "$new/root" "$new/tmp" "$new$work"
mount --bind "$work" "$new$work"
mount -t tmpfs run "$new/run"
[ -f "$work/overlayboot.conf" ] && cp "$work/overlayboot.conf" "$new/etc/overlayboot.conf"
if [ -f /usr/share/initramfs-tools/scripts/functions ]; then
    mkdir -p "$new/scripts" && cp /usr/share/initramfs-tools/scripts/functions "$new/scripts/functions"
fi
case $rootconf in
    tmpfs)
        mount -t tmpfs -o mode=0755 rootfs "$new/root"
        mkdir -p "$new/root/etc" "$new/root/sbin"
        printf '# /etc/fstab of the fake root\nUUID=1234 / ext4 errors=remount-ro 0 1\nUUID=5678 none swap sw 0 0\n/dev/vdb /home ext4 defaults 0 2\n' >"$new/root/etc/fstab"
        echo 'fake init' >"$new/root/sbin/init"
        mount -o remount,ro "$new/root"
        ;;
    ext4:*)
        mount -o ro,noload "${rootconf#ext4:}" "$new/root" || exit 90
        ;;
esac

chroot "$new" "$@"
echo "exit=$?"
echo "--- mounts"
# Paths relative to the chroot: the union, the lower and the upper as the booted system sees them.
awk -v new="$new" '$2 == new"/root" || index($2, new"/root/") == 1 {
    sub("^" new, "", $2); print $1, $2, $3 }' /proc/self/mounts | sort
echo "--- state"
cat "$new/run/overlayboot/state" 2>/dev/null
echo "--- fstab"
cat "$new/root/etc/fstab" 2>/dev/null
echo "--- end"
