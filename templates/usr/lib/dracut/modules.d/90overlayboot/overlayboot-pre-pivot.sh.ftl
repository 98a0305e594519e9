#!/bin/sh
# overlayboot [=version]: dracut pre-pivot hook. The real root is mounted at $NEWROOT; the boot
# core (the same one initramfs-tools runs at init-bottom) puts the union over it, with the same
# parameters, config file, failure policy, console lines and /run/overlayboot/state record.
# Sourced by dracut's /init or dracut-pre-pivot.service: no exit here, only return.

# shellcheck disable=SC1091
command -v getarg >/dev/null 2>&1 || . /lib/dracut-lib.sh

ob_dracut_pre_pivot() {
	if [ -n "${DRACUT_SYSTEMD:-}" ]; then
		# systemd makes / a shared mount, under which a mount cannot be moved; overlayboot moves
		# the root. systemd makes the new root shared again after the switch.
		mount --make-rprivate / || warn "overlayboot: cannot make / a private mount; moving the root may fail"
	fi
	rootmnt="${NEWROOT:-/sysroot}" /bin/sh /usr/lib/overlayboot/overlayboot-boot
	ob_rc=$?
	if [ "$ob_rc" != 0 ]; then
		# The core asked to stop the boot (onerror=panic): it has said why on the console.
		ob_why="the root could not be protected (onerror=panic)"
		if [ -r /run/overlayboot/state ]; then
			while IFS= read -r ob_line; do
				case "$ob_line" in
				message=*) ob_why="${ob_line#message=} (onerror=panic)" ;;
				esac
			done </run/overlayboot/state
		fi
		ob_panic "overlayboot: FAILED to protect the root: $ob_why"
	fi
	return 0
}

# Stop the boot for good: a kernel panic, so panic= decides between halt and reboot. dracut's die
# would halt under systemd or drop to a shell, where the unprotected root is one command away.
ob_panic() {
	warn "$1"
	printf '<2>%s\n' "$1" >/dev/kmsg 2>/dev/null
	if [ -w /proc/sysrq-trigger ]; then
		printf 1 >/proc/sys/kernel/sysrq 2>/dev/null
		printf c >/proc/sysrq-trigger
	fi
	die "$1"
}

ob_dracut_pre_pivot
