#!/bin/bash
# overlayboot's initramfs sandbox: runs a rendered init-bottom script for real, inside a private
# mount (and PID) namespace, in a chroot laid out like initramfs-tools' initramfs, over a
# read-only ext4 root image mounted at /root. Used by the tests and by 'overlayboot demo'.
#
# Run as root:  unshare -m -p -f --propagation private bash sandbox.sh WORKDIR
# WORKDIR holds:
#   script        the rendered scripts/init-bottom/overlayboot
#   functions     the rendered boot library it sources (usr/share/overlayboot/overlayboot-functions)
#   cmdline       what /proc/cmdline reads
#   root.img      the root filesystem image (mounted read-only at /root)
#   conf          optional: etc/overlayboot.conf
#   upper.img     optional: attached as a loop device before the boot (for aufs=LABEL=...)
#   settings      optional: lines KEY=VALUE: SHELL=busybox|dash|klibc, ORDER=before-udev|after-udev,
#                 LIBS_CACHE=FILE (where the list of the JVM helper's libraries is kept between runs),
#                 RUNS=N (run the script N times), SUBMOUNT=DIR (a tmpfs mounted at root/DIR, holding
#                 a file 'own', as a separate /usr would be), ROOT_RW=1 (the root image's loop device is
#                 writable, as a real disk, for persist=; it is still mounted read-only), EXTRA=paths (space-separated) copied to /usr/lib/overlayboot/
#   probe         optional: a script run in the chroot after the boot (as the system would see it)
#   filesystems   optional: what /proc/filesystems claims inside the chroot
# Prints sections: "=== boot rc=N", "=== probe rc=N", "=== mounts", "=== state".
set -euo pipefail
W=$(realpath "$1")
B=$W/box
SHELL_KIND=busybox
ORDER=before-udev
RUNS=1
if [ -r "$W/settings" ]; then
	# shellcheck disable=SC1091
	. "$W/settings"
fi

LOOPS=()
cleanup() {
	set +e
	for l in "${LOOPS[@]}"; do losetup -d "$l" 2>/dev/null; done
}
trap cleanup EXIT

mount --make-rprivate / 2>/dev/null || true
mkdir -p "$B"
mount -t tmpfs sandbox "$B"
mkdir -p "$B"/{bin,sbin,etc,proc,sys,dev,run,root,tmp,scripts/init-bottom,usr/lib/overlayboot,conf}

# busybox for every tool, but never the ones that could reach the host's power state: stubs for
# those first, then one 'busybox --install -s' run inside the box (links to /bin/busybox, existing
# files kept; one process where a loop of ln took most of a sandbox run), then no init or linuxrc.
cp /bin/busybox "$B/bin/busybox"
for stub in reboot poweroff halt; do
	printf '#!/bin/sh\necho "sandbox: %s called" >&2\nexit 0\n' "$stub" >"$B/bin/$stub"
done
chmod 0755 "$B/bin/reboot" "$B/bin/poweroff" "$B/bin/halt"
mount -t proc proc "$B/proc"
chroot "$B" /bin/busybox --install -s /bin
rm -f "$B/bin/init" "$B/bin/linuxrc"

# copy_exec's job: binaries (at the same paths) and the libraries they link, with few processes
# (each one costs on a loaded machine): one ldd over all of them, "FILE:" headers dropped, libraries
# already in the box (the JVM runtime's own, found through their RUNPATH) skipped, one cp.
copy_libs_list() {
	ldd "$@" 2>/dev/null | grep -v ':$' | grep -o '/[^ ]*' | sort -u | while read -r lib; do
		case "$lib" in "$B"/*) continue ;; esac
		printf '%s\n' "$lib"
	done
}
copy_libs() {
	local lib libs=()
	while read -r lib; do
		[ -e "$B$lib" ] || libs+=("$lib")
	done < <(copy_libs_list "$@")
	if [ "${#libs[@]}" -gt 0 ]; then cp -L --parents "${libs[@]}" "$B/"; fi
}
cp -L /sbin/blkid "$B/sbin/blkid"
cp -L /bin/dash "$B/bin/dash"
copy_libs /sbin/blkid /bin/dash
if [ "$SHELL_KIND" = klibc ]; then
	# klibc's shared binaries load /lib/klibc-*.so; its tools shadow busybox's, as in an
	# initramfs built without busybox.
	mkdir -p "$B/lib" "$B/usr/lib/klibc/bin"
	cp /usr/lib/klibc-*.so "$B/lib/"
	cp /usr/lib/klibc/bin/* "$B/usr/lib/klibc/bin/"
	rm -f "$B"/usr/lib/klibc/bin/{reboot,poweroff,halt,kinit,run-init}
fi
cp /usr/share/initramfs-tools/scripts/functions "$B/scripts/functions"
cp "$W/script" "$B/scripts/init-bottom/overlayboot"
chmod 0755 "$B/scripts/init-bottom/overlayboot"
mkdir -p "$B/usr/share/overlayboot"
cp "$W/functions" "$B/usr/share/overlayboot/overlayboot-functions"
if [ -r "$W/conf" ]; then cp "$W/conf" "$B/etc/overlayboot.conf"; fi
# EXTRA: one or more paths (space-separated), e.g. the JVM helper's jvm/ helper.jar helper.aot.
for ob_extra in ${EXTRA:-}; do cp -a "$ob_extra" "$B/usr/lib/overlayboot/"; done
if [ -x "$B/usr/lib/overlayboot/jvm/bin/java" ]; then
	# what the hook's copy_exec loop brings along for the JVM helper: its glibc libraries
	# LIBS_CACHE: the list, kept from an earlier run with the same runtime (ldd over it is most of
	# the cost of a helper boot's setup on a loaded machine)
	if [ -n "${LIBS_CACHE:-}" ] && [ -s "$LIBS_CACHE" ]; then
		mapfile -t jvm_libs <"$LIBS_CACHE"
		cp -L --parents "${jvm_libs[@]}" "$B/"
	else
		mapfile -t jvm_files < <(find "$B/usr/lib/overlayboot/jvm" -type f \( -name '*.so' -o -path '*/bin/java' \))
		copy_libs "${jvm_files[@]}"
		if [ -n "${LIBS_CACHE:-}" ]; then
			copy_libs_list "${jvm_files[@]}" >"$LIBS_CACHE.$$" && mv -f "$LIBS_CACHE.$$" "$LIBS_CACHE"
		fi
	fi
fi

mount --bind "$W/cmdline" "$B/proc/cmdline"
if [ -r "$W/filesystems" ]; then mount --bind "$W/filesystems" "$B/proc/filesystems"; fi
mount -t sysfs sysfs "$B/sys" 2>/dev/null || true
mount -t tmpfs run "$B/run"
: >"$B/run/kmsg"

# A /dev of its own, never the host's: the character devices a boot uses, stand-ins for the
# console and the kernel log, and (add_loop) only the loop devices attached here. No host disk
# has a node in it, so no parameter (dev=/dev/vda, LABEL=... of a host filesystem) reaches one,
# and blkid, which scans /proc/partitions, finds only these.
mount -t tmpfs -o mode=0755,nosuid sandbox-dev "$B/dev"
mknod -m 0666 "$B/dev/null" c 1 3
mknod -m 0666 "$B/dev/zero" c 1 5
mknod -m 0666 "$B/dev/full" c 1 7
mknod -m 0666 "$B/dev/random" c 1 8
mknod -m 0666 "$B/dev/urandom" c 1 9
mknod -m 0666 "$B/dev/tty" c 5 0
: >"$B/dev/console"
ln -s /run/kmsg "$B/dev/kmsg"
mkdir "$B/dev/shm"

# add_loop NODE: the node of a loop device attached by this sandbox, with the host's numbers.
add_loop() {
	local majmin
	majmin=$(stat -L -c '%t %T' "$1")
	# shellcheck disable=SC2086
	set -- "$1" $majmin
	mknod -m 0660 "$B$1" b "$((16#$2))" "$((16#$3))"
}

if [ -r "$W/upper.img" ]; then
	loop=$(losetup -f --show "$W/upper.img")
	LOOPS+=("$loop")
	blockdev --rereadpt "$loop" 2>/dev/null || true
	add_loop "$loop"
fi
if [ "${ROOT_RW:-0}" = 1 ]; then
	root_loop=$(losetup -f --show "$W/root.img")
else
	root_loop=$(losetup -f --show -r "$W/root.img")
fi
LOOPS+=("$root_loop")
add_loop "$root_loop"
mount -t ext4 -o ro "$root_loop" "$B/root"
if [ -n "${SUBMOUNT:-}" ]; then
	# a filesystem of its own under the root (as a separate /usr), which the boot carries into the union
	mount -t tmpfs -o size=1m submount "$B/root$SUBMOUNT"
	printf 'content of its own\n' >"$B/root$SUBMOUNT/own"
fi

if [ "$ORDER" = after-udev ]; then
	# What initramfs-tools' init-bottom/udev does when it runs first: /dev moves into the root
	# and a symlink takes its place.
	mount -n -o move "$B/dev" "$B/root/dev"
	rmdir "$B/dev"
	ln -s /root/dev "$B/dev"
fi

case "$SHELL_KIND" in
busybox) sh_cmd=(/bin/sh) ;;
dash) sh_cmd=(/bin/dash) ;;
klibc) sh_cmd=(/usr/lib/klibc/bin/sh) ;;
*) printf 'sandbox: unknown SHELL=%s\n' "$SHELL_KIND" >&2; exit 2 ;;
esac
if [ "$SHELL_KIND" = klibc ]; then
	path=/usr/lib/klibc/bin:/sbin:/bin
else
	path=/sbin:/bin
fi

# The environment initramfs-tools' init exports before it runs the init-bottom scripts (its
# scripts/functions reads ${panic?} and ${break?}, which fail when unset).
init_env=(PATH="$path" rootmnt=/root quiet=n readonly=y init=/sbin/init panic= break= debug= blacklist=
	ROOT=/dev/vda ROOTDELAY= ROOTFLAGS= ROOTFSTYPE=ext4 IP= DEVICE= BOOT=local BOOTIF= UBIMTD= resume=
	resume_offset= noresume= drop_caps= fastboot=n forcefsck=n fsckfix= DPKG_ARCH=amd64 MODPROBE_OPTIONS=-qb)
for _ in $(seq "$RUNS"); do
	set +e
	env -i "${init_env[@]}" OVERLAYBOOT_KMSG=/run/kmsg \
		chroot "$B" "${sh_cmd[@]}" /scripts/init-bottom/overlayboot </dev/null 2>&1
	rc=$?
	set -e
	echo "=== boot rc=$rc"
done

if [ -r "$W/probe" ]; then
	cp "$W/probe" "$B/tmp/probe"
	set +e
	env -i PATH=/sbin:/bin chroot "$B" /bin/sh /tmp/probe </dev/null 2>&1
	rc=$?
	set -e
	echo "=== probe rc=$rc"
fi
echo "=== mounts"
chroot "$B" /bin/cat /proc/self/mounts
echo "=== state"
cat "$B/run/overlayboot/state" 2>/dev/null || true
echo "=== kmsg"
cat "$B/run/kmsg" 2>/dev/null || true
echo "=== end"
