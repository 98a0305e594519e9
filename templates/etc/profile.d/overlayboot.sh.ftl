# overlayboot [=version]: at an interactive login, says so when the kernel or initramfs guard found
# an initrd that boots UNPROTECTED (/var/lib/overlayboot/next-boot-unprotected), and how full the
# upper layer is once it is past fill_warn (/run/overlayboot/fill-message, kept current by the
# fill check). Sourced by /etc/profile. Rendered by 'overlayboot render'.
# shellcheck shell=sh
case $- in
*i*)
	if [ -s /var/lib/overlayboot/next-boot-unprotected ]; then
		printf '%s\n' "overlayboot: WARNING: an initrd will boot UNPROTECTED:" >&2
		while IFS='	' read -r ob_kernel ob_reason; do
			printf '  kernel %s: %s\n' "$ob_kernel" "$ob_reason" >&2
		done </var/lib/overlayboot/next-boot-unprotected
		printf '%s\n' "  ('overlayboot check' says more; rebuilding the initrd clears this)" >&2
		unset ob_kernel ob_reason
	fi
	if [ -s /run/overlayboot/fill-message ]; then
		while IFS= read -r ob_line; do
			printf '%s\n' "$ob_line" >&2
		done </run/overlayboot/fill-message
		unset ob_line
	fi
	;;
esac
