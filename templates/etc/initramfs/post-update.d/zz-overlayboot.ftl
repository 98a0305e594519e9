#!/bin/sh
# overlayboot [=version]: initramfs post-update hook. update-initramfs runs it after every initrd
# it builds (its arguments: the kernel version and the new initrd) and runs
# 'overlayboot check --kernel VERSION --initrd FILE --guard': when the initrd would boot
# UNPROTECTED it prints E: lines and notes it in /var/lib/overlayboot/next-boot-unprotected (which
# 'overlayboot check' and the login message show); a good build clears the kernel's note.
# It exits 0 even then: update-initramfs -k all stops at the first failing hook, which would leave
# the other kernels' initrds stale. Inside a kernel package's configuration (DEB_MAINT_PARAMS set)
# it leaves the check to /etc/kernel/postinst.d/zz-overlayboot, which runs next and fails the
# package. Without the overlayboot command it warns and exits 0. Rendered by 'overlayboot render'.

ob_version=${1:-}
ob_initrd=${2:-}

if [ -z "$ob_version" ] || [ -z "$ob_initrd" ]; then
	printf '%s\n' "W: overlayboot: update-initramfs passed no kernel version or initrd; not checking" >&2
	exit 0
fi
<#if packaged>
# Shipped by the Debian package: inert until 'overlayboot enable' (or 'install') recorded a
# protection in /var/lib/overlayboot/manifest.json; an unprotected machine has nothing to guard.
if [ ! -e /var/lib/overlayboot/manifest.json ]; then
	exit 0
fi
</#if>
if [ -n "${DEB_MAINT_PARAMS:-}" ] && [ -x /etc/kernel/postinst.d/zz-overlayboot ]; then
	exit 0
fi
if ! command -v overlayboot >/dev/null 2>&1; then
	printf 'W: overlayboot: the overlayboot command is not installed, so %s (kernel %s) is not checked\n' \
		"$ob_initrd" "$ob_version" >&2
	exit 0
fi
overlayboot check --kernel "$ob_version" --initrd "$ob_initrd" --guard
ob_status=$?
case $ob_status in
0 | 1 | 7)
	# 1: the E: lines and the note are the failure; 7: overlayboot cannot tell, its W: lines said why.
	;;
*)
	printf 'W: overlayboot: overlayboot check failed (exit code %s), so %s (kernel %s) is not checked\n' \
		"$ob_status" "$ob_initrd" "$ob_version" >&2
	;;
esac
exit 0
