#!/bin/sh
# overlayboot [=version]: the boot core for dracut, run by overlayboot-pre-pivot.sh as a child with
# rootmnt=$NEWROOT. Rendered by 'overlayboot render'; edit the settings in [=configPath], not this file.
#
# The same core as initramfs-tools' init-bottom script: it mounts a union over the read-only root,
# with writes going to a tmpfs or another device at /rw, and acts only when asked (aufs=...,
# overlayboot=..., or mode= in [=configPath]); overlayboot=disabled beats everything. Failure
# policy: stay protected when still possible, stay bootable always, and say so on the console (and
# in /dev/kmsg, and in /run/overlayboot/state). Exit 1 asks the hook to stop the boot (onerror=panic).

# dracut's own functions (getcmdline and the rest of dracut-lib.sh), then the boot core, which
# module-setup.sh put into the initramfs. OVERLAYBOOT_FUNCTIONS is a test hook, as the library's.
if [ -z "${OVERLAYBOOT_PLAN:-}" ] && [ -r /lib/dracut-lib.sh ]; then
	# shellcheck disable=SC1091
	. /lib/dracut-lib.sh
fi
ob_functions=${OVERLAYBOOT_FUNCTIONS:-[=libraryPath]}
if [ ! -r "$ob_functions" ]; then
	printf 'overlayboot: %s is not in the initramfs: the root is NOT protected (hint: rebuild the initrd with dracut --force)\n' "$ob_functions"
	exit 0
fi
# shellcheck source=/dev/null
. "$ob_functions"

# ob_panic is the library's: it returns, ob_stop_boot exits 1, and the pre-pivot hook, which runs in
# dracut's own shell, stops the boot.
ob_main
exit 0
