#!/bin/sh
# overlayboot [=version]: kernel postinst.d hook. Every kernel package runs it after the
# initramfs-tools one has built /boot/initrd.img-VERSION, and before zz-update-grub. It runs
# 'overlayboot check --kernel VERSION --guard': when the new kernel or its initrd would boot
# UNPROTECTED it prints E: lines, notes it in /var/lib/overlayboot/next-boot-unprotected (which
# 'overlayboot check' and the login message show) and exits 1, so the kernel package fails to
# configure and zz-update-grub does not make the unprotected kernel the default. Without the
# overlayboot command it warns and exits 0. Rendered by 'overlayboot render'.

ob_version=${1:-}
ob_image=${2:-}

if [ -z "$ob_version" ]; then
	printf 'W: overlayboot: %s did not pass a kernel version; not checking its initrd\n' \
		"${DPKG_MAINTSCRIPT_PACKAGE:-the kernel package}" >&2
	exit 0
fi
<#if packaged>
# Shipped by the Debian package: inert until 'overlayboot enable' (or 'install') recorded a
# protection in /var/lib/overlayboot/manifest.json; an unprotected machine has nothing to guard.
if [ ! -e /var/lib/overlayboot/manifest.json ]; then
	exit 0
fi
</#if>
# As the initramfs-tools hook: act only when the package is configured, and not for a kernel
# that needs no initrd.
if [ -n "${DEB_MAINT_PARAMS:-}" ]; then
	eval set -- "$DEB_MAINT_PARAMS"
	if [ "${1:-}" != configure ]; then
		exit 0
	fi
fi
if [ "${INITRD:-}" = No ]; then
	exit 0
fi

# The initramfs-tools hook builds the initrd next to the kernel image.
ob_initrd=/boot/initrd.img-$ob_version
if [ -n "$ob_image" ]; then
	ob_initrd=$(dirname "$ob_image")/initrd.img-$ob_version
fi

if ! command -v overlayboot >/dev/null 2>&1; then
	printf 'W: overlayboot: the overlayboot command is not installed, so %s (kernel %s) is not checked\n' \
		"$ob_initrd" "$ob_version" >&2
	exit 0
fi
overlayboot check --kernel "$ob_version" --initrd "$ob_initrd" --guard
ob_status=$?
case $ob_status in
0 | 7)
	# 7: overlayboot cannot tell; its W: lines said why.
	exit 0
	;;
1)
	exit 1
	;;
*)
	printf 'W: overlayboot: overlayboot check failed (exit code %s), so %s (kernel %s) is not checked\n' \
		"$ob_status" "$ob_initrd" "$ob_version" >&2
	exit 0
	;;
esac
