#!/bin/sh
# overlayboot [=version]: init-bottom script of initramfs-tools.
# Rendered by 'overlayboot render'; edit the settings in [=configPath], not this file.
#
# Mounts a union (overlayfs, or aufs on old kernels) over the read-only root at ${rootmnt}, with
# every write going to a tmpfs or to another device mounted at /rw. After boot the lower root is
# at /ro and the upper layer at /rw. It acts only when asked: by aufs=... or overlayboot=... on the
# kernel command line, or by mode= in [=configPath]; overlayboot=disabled beats everything.
# Failure policy: stay protected when still possible, stay bootable always, and say so on the
# console (and in /dev/kmsg, and in /run/overlayboot/state).

PREREQ=""
prereqs() {
	printf '%s\n' "$PREREQ"
}
case "${1:-}" in
prereqs)
	prereqs
	exit 0
	;;
esac

# initramfs-tools' own functions (panic, resolve_device), then the boot core, which the hook put
# into the initramfs. OVERLAYBOOT_FUNCTIONS is a test hook, as the library's OVERLAYBOOT_*.
if [ -z "${OVERLAYBOOT_PLAN:-}" ] && [ -r /scripts/functions ]; then
	# shellcheck disable=SC1091
	. /scripts/functions
fi
ob_functions=${OVERLAYBOOT_FUNCTIONS:-[=libraryPath]}
if [ ! -r "$ob_functions" ]; then
	printf 'overlayboot: %s is not in the initramfs: the root is NOT protected (hint: run update-initramfs -u)\n' "$ob_functions"
	exit 0
fi
# shellcheck source=/dev/null
. "$ob_functions"

# ob_panic MESSAGE: initramfs-tools' panic (a shell, or a reboot after panic= seconds).
# shellcheck disable=SC2317 # called by the library's ob_stop_boot
ob_panic() {
	if command -v panic >/dev/null 2>&1; then
		panic "$1"
	fi
}

ob_main
exit 0
