#!/bin/sh
# overlayboot [=version]: run by apt before dpkg (DPkg::Pre-Invoke in
# /etc/apt/apt.conf.d/80overlayboot). When / is a union right now (overlay or aufs, the last mount
# at / in the mount table, as 'overlayboot status' decides it), says on stderr that apt's changes
# are lost at the next reboot and how to keep them. Silent on an unprotected root and inside
# 'overlayboot maintenance' (there / is the lower layer, and OVERLAYBOOT_MAINTENANCE is set).
# Always exits 0: it only warns. Rendered by 'overlayboot render'.
[ -z "${OVERLAYBOOT_MAINTENANCE:-}" ] || exit 0
ob_type=
while read -r _ ob_point ob_fstype _; do
	[ "$ob_point" != / ] || ob_type=$ob_fstype
done 2>/dev/null <"${OVERLAYBOOT_MOUNTS:-/proc/self/mounts}"
case $ob_type in
overlay | aufs)
	printf '%s\n' "overlayboot: WARNING: / is protected: what apt changes now is lost at the next reboot." \
		"overlayboot: to keep it, run: overlayboot upgrade (updates), or overlayboot maintenance -- apt-get install|remove PACKAGE" >&2
	;;
esac
exit 0
