#!/bin/sh
# overlayboot [=version]: the boot core for dracut, run by overlayboot-pre-pivot.sh as a child with
# rootmnt=$NEWROOT. Rendered by 'overlayboot render'; edit the settings in [=configPath], not this file.
#
# The same core as initramfs-tools' init-bottom script: it mounts a union over the read-only root,
# with writes going to a tmpfs or another device at /rw, and acts only when asked (aufs=...,
# overlayboot=..., or mode= in [=configPath]); overlayboot=disabled beats everything. Failure
# policy: stay protected when still possible, stay bootable always, and say so on the console (and
# in /dev/kmsg, and in /run/overlayboot/state). Exit 1 asks the hook to stop the boot (onerror=panic).

# shellcheck disable=SC2317,SC2016 # steps run by name through ob_step; undo lines expand when run
<#include "/lib/overlayboot-functions.ftl">

# --- dracut adapter ------------------------------------------------------------------------------

# ob_panic MESSAGE: nothing here; ob_stop_boot exits 1 and the pre-pivot hook, which runs in
# dracut's own shell, stops the boot.
ob_panic() {
	return 0
}

ob_main
exit 0
