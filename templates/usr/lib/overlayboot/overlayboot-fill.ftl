#!/bin/sh
# overlayboot [=version]: the fill check of the upper layer. Run every fill_interval seconds by
# overlayboot-fill.timer. Does nothing unless / is an overlay or aufs union. When the upper layer
# (/rw) crosses fill_warn or fill_critical percent it says so once per crossing: in the journal
# (logger, priority warning or crit) and on the logged-in terminals (wall); while it stays at or
# above fill_warn it keeps one line in /run/overlayboot/fill-message for the login message; at
# the crossing of fill_critical it runs fill_action once. Falling back under fill_warn is noted in
# the journal, and the next crossing is said again. The level it last said is kept in
# /run/overlayboot/fill. Rendered by 'overlayboot render'.
#
# The thresholds are the boot's (the fill_* lines of /run/overlayboot/state: kernel command line,
# then the initrd's config), else the values below, rendered from /etc/overlayboot.conf.
#
# Test hooks: OVERLAYBOOT_ROOT (the system's /, default /), OVERLAYBOOT_RUNDIR,
# OVERLAYBOOT_MOUNTS, OVERLAYBOOT_FILL_HOOK.

ob_root=${OVERLAYBOOT_ROOT:-/}
ob_root=${ob_root%/}
ob_rundir=${OVERLAYBOOT_RUNDIR:-/run/overlayboot}
ob_mounts=${OVERLAYBOOT_MOUNTS:-/proc/self/mounts}
ob_hook=${OVERLAYBOOT_FILL_HOOK:-/etc/overlayboot/fill-critical}
ob_upper=$ob_root/rw

ob_warn="[=values.fill_warn]"
ob_critical="[=values.fill_critical]"
ob_action="[=values.fill_action]"

# True when / (the last mount there) is a union.
ob_is_union() {
	ob_type=
	while read -r _ ob_dir ob_fstype _; do
		if [ "$ob_dir" = "${ob_root:-/}" ]; then
			ob_type=$ob_fstype
		fi
	done <"$ob_mounts"
	case "$ob_type" in
	overlay | aufs) return 0 ;;
	esac
	return 1
}

<#include "/lib/percent.ftl">

# The boot's thresholds, when it recorded them (well-formed values only).
ob_read_state() {
	[ -r "$ob_rundir/state" ] || return 0
	while IFS= read -r ob_line; do
		ob_value=${ob_line#*=}
		case "$ob_line" in
		fill_warn=*) ob_is_percent "$ob_value" && ob_warn=$ob_value ;;
		fill_critical=*) ob_is_percent "$ob_value" && ob_critical=$ob_value ;;
		fill_action=none | fill_action=reboot | fill_action=poweroff | fill_action=command) ob_action=$ob_value ;;
		esac
	done <"$ob_rundir/state"
}

# Sets ob_percent: how full the upper layer is, as df counts it (used over used plus available,
# rounded up). The last five fields of df's line, so a device name with spaces does not matter.
ob_measure() {
	ob_line=$(df -Pk "$ob_upper" 2>/dev/null | tail -n 1)
	[ -n "$ob_line" ] || return 1
	# shellcheck disable=SC2086 # split on purpose: the fields of df's line
	set -- $ob_line
	while [ "$#" -gt 5 ]; do
		shift
	done
	case "$2$3" in
	"" | *[!0-9]*) return 1 ;;
	esac
	ob_total=$(($2 + $3))
	[ "$ob_total" -gt 0 ] || return 1
	ob_percent=$(((100 * $2 + ob_total - 1) / ob_total))
}

# The level last said: 0 under fill_warn, 1 at or above it, 2 at or above fill_critical.
ob_last_level() {
	ob_last=0
	[ -r "$ob_rundir/fill" ] || return 0
	while IFS= read -r ob_line; do
		case "$ob_line" in
		level=[012]) ob_last=${ob_line#level=} ;;
		esac
	done <"$ob_rundir/fill"
}

ob_write() {
	printf '%s\n' "$2" >"$1.new" && mv "$1.new" "$1"
}

ob_say() {
	logger -t overlayboot -p "user.$1" -- "$2"
	if [ "$3" = wall ]; then
		printf '%s\n' "$2" | wall
	fi
}

# Sets ob_utype: the filesystem type of the upper layer's mount (the last mount at it).
ob_upper_type() {
	ob_utype=
	while read -r _ ob_dir ob_fstype _; do
		if [ "$ob_dir" = "$ob_upper" ]; then
			ob_utype=$ob_fstype
		fi
	done <"$ob_mounts"
}

ob_act() {
	case "$ob_action" in
	reboot)
		# A reboot empties only a RAM upper; on a device the next boot would find it as full and
		# reboot again, for ever.
		ob_upper_type
		if [ "$ob_utype" != tmpfs ]; then
			ob_say crit "overlayboot: not rebooting (fill_action=reboot): the upper layer $ob_upper is on a device ($ob_utype), which a reboot does not empty" log
			return 0
		fi
		ob_say crit "overlayboot: rebooting (fill_action=reboot) to start with an empty upper layer" log
		systemctl reboot ;;
	poweroff) ob_say crit "overlayboot: powering off (fill_action=poweroff)" log
		systemctl poweroff ;;
	command)
		if [ -x "$ob_hook" ]; then
			"$ob_hook" "$ob_percent" || ob_say err "overlayboot: $ob_hook $ob_percent failed (fill_action=command)" log
		else
			ob_say err "overlayboot: fill_action=command but $ob_hook is not an executable file" log
		fi
		;;
	esac
}

ob_fill() {
	ob_is_union || return 0
	ob_read_state
	ob_measure || return 0
	ob_last_level
	ob_level=0
	if [ "$ob_percent" -ge "$ob_critical" ]; then
		ob_level=2
	elif [ "$ob_percent" -ge "$ob_warn" ]; then
		ob_level=1
	fi
	mkdir -p "$ob_rundir" || return 1
	ob_where="the upper layer $ob_upper"
	if [ "$ob_level" -gt "$ob_last" ]; then
		if [ "$ob_level" = 2 ]; then
			ob_say crit "overlayboot: CRITICAL: $ob_where is $ob_percent% full (fill_critical=$ob_critical%): writes fail when it is full; reboot to empty it, or keep changes with 'overlayboot commit'" wall
		else
			ob_say warning "overlayboot: WARNING: $ob_where is $ob_percent% full (fill_warn=$ob_warn%): writes fail when it is full; 'overlayboot diff' shows what fills it" wall
		fi
	elif [ "$ob_level" -lt "$ob_last" ] && [ "$ob_level" = 0 ]; then
		ob_say notice "overlayboot: $ob_where is back under fill_warn ($ob_percent% full)" log
	fi
	ob_write "$ob_rundir/fill" "level=$ob_level
percent=$ob_percent" || return 1
	if [ "$ob_level" -gt 0 ]; then
		ob_write "$ob_rundir/fill-message" "overlayboot: $ob_where is $ob_percent% full (warning at $ob_warn%, critical at $ob_critical%)"
	else
		rm -f "$ob_rundir/fill-message"
	fi
	if [ "$ob_level" = 2 ] && [ "$ob_last" != 2 ]; then
		ob_act
	fi
	return 0
}

ob_fill
