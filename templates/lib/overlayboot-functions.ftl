# shellcheck shell=sh disable=SC2317,SC2016 # steps run by name through ob_step; undo lines expand when run
# overlayboot [=version]: the boot core, a library sourced by every front-end (initramfs-tools'
# init-bottom script, dracut's overlayboot-boot) from [=libraryPath] in the initramfs.
# Rendered by 'overlayboot render'; edit the settings in [=configPath], not this file.
#
# It holds the settings grammar and parsing (generated from the settings table), the protect
# sequence as one list of steps (ob_steps), each registering its own undo where it is taken, plan
# mode derived from that list, the state record and the helper hand-over. A front-end sources its
# generator's library first (initramfs-tools' /scripts/functions, dracut's dracut-lib.sh), then
# this one, defines ob_panic (how its generator stops a boot), and calls ob_main.
#
# The generator's functions are used where they exist (see "the generator's functions" below):
# initramfs-tools' resolve_device, dracut's getcmdline (the command line with /etc/cmdline.d), and
# each front-end's panic/die. Without them (plan mode, tests, an older generator) the library's own
# code does the same. Console lines stay the library's own, "overlayboot: ..." on stdout and in
# /dev/kmsg, on purpose: initramfs-tools' log_*_msg print nothing under "quiet" (Debian's default
# command line) and prefix "Warning: "/"Failure: ", and dracut's info reaches only the journal
# under systemd while warn prefixes "dracut Warning: ". A machine that boots UNPROTECTED must say
# so on the console whatever the command line, and both generators must print the same lines.

# Test and plan hooks: every path the script reads or writes at boot can be redirected.
OB_CMDLINE_FILE=${OVERLAYBOOT_CMDLINE:-/proc/cmdline}
OB_CONF=${OVERLAYBOOT_CONF:-[=configPath]}
OB_RUNDIR=${OVERLAYBOOT_RUNDIR:-/run/overlayboot}
OB_KMSG=${OVERLAYBOOT_KMSG:-/dev/kmsg}
OB_MOUNTS=${OVERLAYBOOT_MOUNTS:-/proc/mounts}
OB_PLAN=${OVERLAYBOOT_PLAN:-}
OB_ROOT=${rootmnt:-/root}
OB_STAGE=/overlayboot

# --- output -------------------------------------------------------------------------------

# Every console line starts with "overlayboot: "; warnings are also kept for the state record.
# Nothing here uses echo: under dash and klibc's sh it turns a parameter's "\n" into a line break.
OB_WARNINGS=""

# ob_escape TEXT: print TEXT with every byte outside printable ASCII as \xHH (as
# io.overlayboot.settings.OutsideText), so an outside value forges no line and no control sequence.
ob_escape() {
	case "$1" in
	*[!\ -~]*) ;;
	*)
		printf '%s' "$1"
		return 0
		;;
	esac
	ob_e_in=$1
	while [ -n "$ob_e_in" ]; do
		ob_e_rest=${ob_e_in#?}
		ob_e_ch=${ob_e_in%"$ob_e_rest"}
		case "$ob_e_ch" in
		[!\ -~]) printf '\\x%02x' "'$ob_e_ch" ;;
		*) printf '%s' "$ob_e_ch" ;;
		esac
		ob_e_in=$ob_e_rest
	done
}

# ob_log LEVEL MESSAGE: the console, and the kernel log at that syslog level (3 error, 4 warning,
# 5 notice) so the outcome is in dmesg and the journal after boot.
ob_log() {
	if [ -n "$OB_PLAN" ]; then
		return 0
	fi
	ob_level=$1
	shift
	printf 'overlayboot: %s\n' "$*"
	if [ -w "$OB_KMSG" ]; then
		printf '<%s>overlayboot: %s\n' "$ob_level" "$*" >>"$OB_KMSG" 2>/dev/null || true
	fi
}
ob_say() {
	ob_log 5 "$@"
}
ob_warn() {
	ob_w_text=$(ob_escape "$*")
	OB_WARNINGS="${OB_WARNINGS}overlayboot: $ob_w_text
"
	if [ -n "$OB_PLAN" ]; then
		printf 'warning: overlayboot: %s\n' "$ob_w_text"
	else
		ob_log 4 "$ob_w_text"
	fi
}
ob_debug() {
	if [ "${OB_DEBUG:-0}" = 1 ] && [ -z "$OB_PLAN" ]; then
		printf 'overlayboot: debug: %s\n' "$*"
	fi
}

# --- the generator's functions (a thin adapter; the library's own code when they are absent) ----

# ob_has_function NAME: the generator's library (sourced by the front-end) defines NAME.
ob_has_function() {
	command -v "$1" >/dev/null 2>&1
}

# ob_cmdline: print the kernel command line. dracut's getcmdline adds /etc/cmdline.d/*.conf (as
# dracut's getarg sees it); its getarg itself returns one value per name, and the grammar reads
# every aufs= and overlayboot= word in order. The test hook OVERLAYBOOT_CMDLINE wins.
ob_cmdline() {
	if [ -z "${OVERLAYBOOT_CMDLINE:-}" ] && ob_has_function getcmdline; then
		getcmdline
		return 0
	fi
	if [ -r "$OB_CMDLINE_FILE" ]; then
		ob_c_line=""
		read -r ob_c_line <"$OB_CMDLINE_FILE" || true
		printf '%s\n' "$ob_c_line"
	fi
}

# ob_resolve_device SPEC: print the device node for /dev/..., LABEL=, UUID=, PARTLABEL= or
# PARTUUID=: initramfs-tools' resolve_device, else blkid (both print nothing when none is there).
ob_resolve_device() {
	if ob_has_function resolve_device; then
		resolve_device "$1" 2>/dev/null
		return
	fi
	case "$1" in
	/dev/*) printf '%s\n' "$1" ;;
	*) blkid -l -t "$1" -o device 2>/dev/null ;;
	esac
}

# ob_panic MESSAGE: stop the boot for good. Each front-end defines its own after sourcing this
# library (initramfs-tools: panic; dracut: the pre-pivot hook's kernel panic); this default only
# returns, and ob_stop_boot exits 1 after it.
ob_panic() {
	return 0
}

# --- value grammar (the same rules as io.overlayboot.settings.Kind) ----------------------------

ob_is_flag() {
	case "$1" in
	0 | 1) return 0 ;;
	esac
	return 1
}
ob_is_choice() {
	# shellcheck disable=SC2086
	for ob_c in $1; do
		if [ "$ob_c" = "$2" ]; then
			return 0
		fi
	done
	return 1
}
# ob_is_size MAX MAX_K MAX_M MAX_G VALUE: N% (1-100), or a count no larger than the largest for
# its unit (the limits come from io.overlayboot.settings.Kind.Size: below 2^63 bytes).
ob_is_size() {
	case "$5" in
	[1-9]% | [1-9][0-9]% | 100%) return 0 ;;
	*[kK]) ob_max=$2 ;;
	*[mM]) ob_max=$3 ;;
	*[gG]) ob_max=$4 ;;
	*) ob_max=$1 ;;
	esac
	ob_v=${5%[kKmMgG]}
	case "$ob_v" in
	"" | 0* | *[!0-9]*) return 1 ;;
	esac
	[ "${#ob_v}" -le 15 ] && [ "$ob_v" -le "$ob_max" ]
}
ob_is_seconds() {
	case "$1" in
	0) return 0 ;;
	"" | 0* | *[!0-9]*) return 1 ;;
	esac
	[ "${#1}" -le 4 ] && [ "$1" -le 3600 ]
}
<#include "/lib/percent.ftl">
# ob_is_device MAX_NAME MAX_UUID VALUE (the limits from io.overlayboot.settings.Kind.Device).
ob_is_device() {
	case "$3" in
	LABEL=?* | PARTLABEL=?*)
		ob_v=${3#*=}
		case "$ob_v" in
		*[!A-Za-z0-9._+@-]*) return 1 ;;
		esac
		[ "${#ob_v}" -le "$1" ]
		;;
	UUID=?* | PARTUUID=?*)
		ob_v=${3#*=}
		case "$ob_v" in
		-* | *- | *--* | *[!0-9A-Fa-f-]*) return 1 ;;
		esac
		[ "${#ob_v}" -le "$2" ]
		;;
	/dev/?*)
		ob_v=${3#/dev/}
		case "$ob_v" in
		/* | */ | *//* | *[!A-Za-z0-9._+@/-]*) return 1 ;;
		esac
		case "/$ob_v/" in
		*/./* | */../*) return 1 ;;
		esac
		[ "${#3}" -le "$1" ]
		;;
	*) return 1 ;;
	esac
}
ob_is_fstype() {
	case "$1" in
	"" | *[!a-z0-9_]*) return 1 ;;
	esac
	[ "${#1}" -le 32 ]
}
ob_is_subpath() {
	case "$1" in
	"") return 0 ;;
	/* | */ | *//* | .* | */.* | *[!A-Za-z0-9._/-]*) return 1 ;;
	esac
	return 0
}

# --- settings (generated from the settings table) ---------------------------------------------

ob_defaults() {
<#list settings as s>
	[=s.var]=[=q(s.default)]
</#list>
}

# ob_get NAME: print the current value of setting NAME.
ob_get() {
	case "$1" in
<#list settings as s>
	[=s.name]) printf '%s\n' "$[=s.var]" ;;
</#list>
	esac
}

# ob_known NAME [options]: succeeds when NAME is a setting (with "options": one allowed in
# overlayboot=MODE:name=value lists).
ob_known() {
	case "$1" in
<#list settings as s>
<#if s.inOptionList>
	[=s.name]) return 0 ;;
<#else>
	[=s.name]) [ -z "${2:-}" ] ;;
</#if>
</#list>
	*) return 1 ;;
	esac
}

# ob_assign NAME VALUE SOURCE: set a setting, or warn and keep the current value.
ob_assign() {
	case "$1" in
<#list settings as s>
	[=s.name])
		if [=s.check] "$2"; then
			[=s.var]=$2
			return 0
		fi
		ob_expected=[=q(s.expected)]
		;;
</#list>
	esac
	ob_current=$(ob_get "$1")
	if [ -n "$ob_current" ]; then
		ob_warn "bad value '$2' for $1= in $3 (expected $ob_expected), using $ob_current"
	else
		ob_warn "bad value '$2' for $1= in $3 (expected $ob_expected), leaving it unset"
	fi
}

# ob_reset NAME: back to the default (an empty value in the config file).
ob_reset() {
	case "$1" in
<#list settings as s>
	[=s.name]) [=s.var]=[=q(s.default)] ;;
</#list>
	esac
}

ob_print_settings() {
<#list settings as s>
	printf '[=s.name]=%s\n' "$[=s.var]"
</#list>
}

# --- reading the config file and the kernel command line ------------------------------------

ob_read_config() {
	if [ ! -r "$OB_CONF" ]; then
		return 0
	fi
	while read -r ob_line || [ -n "$ob_line" ]; do
		case "$ob_line" in
		"" | "#"*) continue ;;
		=*)
			ob_warn "line '$ob_line' of [=configPath] is not key=value, ignoring it"
			continue
			;;
		*=*) ;;
		*)
			ob_warn "line '$ob_line' of [=configPath] is not key=value, ignoring it"
			continue
			;;
		esac
		ob_key=${ob_line%%=*}
		ob_value=${ob_line#*=}
		if ! ob_known "$ob_key"; then
			ob_warn "unknown key '$ob_key' in [=configPath], ignoring it"
		elif [ -z "$ob_value" ]; then
			ob_reset "$ob_key"
		else
			ob_assign "$ob_key" "$ob_value" "[=configPath]"
		fi
	done <"$OB_CONF"
}

ob_read_aufs() {
	if [ "$2" = tmpfs ]; then
		OB_CMD_MODE=tmpfs
	elif [=settings?filter(s -> s.name == "dev")?first.check] "$2"; then
		OB_CMD_MODE=device
		OB_DEV=$2
	else
		ob_warn "bad value '$2' in '$1' (expected tmpfs, [=settings?filter(s -> s.name == "dev")?first.expected]), using tmpfs"
		OB_CMD_MODE=tmpfs
	fi
}

ob_read_overlayboot() {
	ob_tok=$1
	ob_head=${2%%:*}
	case "$2" in
	*:*) ob_opts=${2#*:} ;;
	*) ob_opts="" ;;
	esac
	case "$ob_head" in
	tmpfs | device) OB_CMD_MODE=$ob_head ;;
	disabled) OB_DISABLED=1 ;;
	*)
		ob_warn "unknown mode '$ob_head' in '$ob_tok' (expected tmpfs, device or disabled), using tmpfs"
		OB_CMD_MODE=tmpfs
		;;
	esac
	ob_ifs=$IFS
	IFS=,
	set -f
	# shellcheck disable=SC2086
	set -- $ob_opts
	set +f
	IFS=$ob_ifs
	for ob_opt in "$@"; do
		case "$ob_opt" in
		"") continue ;;
		[!=]*=*)
			ob_name=${ob_opt%%=*}
			if ob_known "$ob_name" options; then
				ob_assign "$ob_name" "${ob_opt#*=}" "'$ob_tok'"
			else
				ob_warn "unknown option '$ob_name' in '$ob_tok', ignoring it"
			fi
			;;
		*) ob_warn "option '$ob_opt' in '$ob_tok' is not name=value, ignoring it" ;;
		esac
	done
}

ob_read_cmdline() {
	ob_words=$(ob_cmdline)
	set -f
	# shellcheck disable=SC2086
	set -- $ob_words
	set +f
	for ob_word in "$@"; do
		case "$ob_word" in
		aufs=*) ob_read_aufs "$ob_word" "${ob_word#aufs=}" ;;
		overlayboot=*) ob_read_overlayboot "$ob_word" "${ob_word#overlayboot=}" ;;
		esac
	done
}

# Decide: OB_ACTIVE=1 to protect; OB_MODE tmpfs, device, disabled or empty.
ob_resolve() {
	ob_defaults
	OB_CMD_MODE=""
	OB_DISABLED=0
	ob_read_config
	ob_config_mode=$OB_MODE
	ob_read_cmdline
	ob_read_next_boot
	case "$OB_NEXT" in
	writable) OB_DISABLED=1 ;;
	protected)
		OB_DISABLED=0
		if [ -z "$OB_CMD_MODE" ] && [ -z "$ob_config_mode" ]; then
			OB_CMD_MODE=tmpfs
		fi
		;;
	esac
	if [ "$OB_DISABLED" = 1 ]; then
		OB_ACTIVE=0
		OB_MODE=disabled
	elif [ -n "$OB_CMD_MODE" ]; then
		OB_ACTIVE=1
		OB_MODE=$OB_CMD_MODE
	elif [ -n "$ob_config_mode" ]; then
		OB_ACTIVE=1
		OB_MODE=$ob_config_mode
	else
		OB_ACTIVE=0
		OB_MODE=""
	fi
	if [ "$OB_MODE" = device ] && [ -n "$OB_DIR" ]; then
		OB_BASE=/rw/$OB_DIR
	else
		OB_BASE=/rw
	fi
	OB_UPPER=$OB_BASE/upper
	OB_WORK=$OB_BASE/work
}

ob_print_plan() {
	printf 'active=%s\n' "$OB_ACTIVE"
	ob_print_settings
	if [ "$OB_ACTIVE" = 1 ]; then
		ob_steps
	fi
}

# --- mounts ----------------------------------------------------------------------------------

# ob_fstype_at DIR: print the filesystem type mounted at DIR (the topmost), fail if none.
ob_fstype_at() {
	ob_found=""
	while read -r _ ob_mp ob_fs _; do
		if [ "$ob_mp" = "$1" ]; then
			ob_found=$ob_fs
		fi
	done <"$OB_MOUNTS"
	[ -n "$ob_found" ] && printf '%s\n' "$ob_found"
}

ob_has_fs() {
	while read -r ob_a ob_b; do
		if [ "$ob_a" = "$1" ] || [ "${ob_b:-}" = "$1" ]; then
			return 0
		fi
	done </proc/filesystems
	return 1
}

# Pick the union filesystem: sets OB_FS to overlay or aufs.
ob_pick_driver() {
	for ob_try in overlay aufs; do
		if [ "$OB_DRIVER" != auto ] && [ "$OB_DRIVER" != "$ob_try" ]; then
			continue
		fi
		if ! ob_has_fs "$ob_try"; then
			modprobe -q "$ob_try" >/dev/null 2>&1 || true
		fi
		if ob_has_fs "$ob_try"; then
			OB_FS=$ob_try
			return 0
		fi
	done
	if [ "$OB_DRIVER" = auto ]; then
		OB_WHY="neither overlay nor aufs is available in this kernel (modprobe overlay failed)"
	else
		OB_WHY="driver=$OB_DRIVER is not available in this kernel (modprobe $OB_DRIVER failed)"
	fi
	return 1
}


# Mount the upper device at /rw; sets OB_WHY and fails when it cannot.
ob_mount_device() {
	if [ -z "$OB_DEV" ]; then
		OB_WHY="no upper device named (dev= is empty)"
		return 1
	fi
	ob_waited=0
	while :; do
		ob_node=$(ob_resolve_device "$OB_DEV") || ob_node=""
		if [ -n "$ob_node" ] && [ -b "$ob_node" ]; then
			break
		fi
		if [ "$ob_waited" -ge "$OB_TIMEOUT" ]; then
			OB_WHY="upper device $OB_DEV not found after $OB_TIMEOUT s"
			return 1
		fi
		if [ "$ob_waited" = 0 ]; then
			ob_say "waiting up to $OB_TIMEOUT s for upper device $OB_DEV"
		fi
		sleep 1
		ob_waited=$((ob_waited + 1))
	done
	ob_type=$OB_FSTYPE
	if [ "$ob_type" = auto ]; then
		ob_type=$(blkid -o value -s TYPE "$ob_node" 2>/dev/null) || ob_type=""
	fi
	if [ -z "$ob_type" ]; then
		OB_WHY="cannot tell the filesystem type of upper device $OB_DEV ($ob_node)"
		return 1
	fi
	if ! mount -t "$ob_type" -o rw "$ob_node" /rw; then
		OB_WHY="cannot mount upper device $OB_DEV ($ob_node) as $ob_type"
		return 1
	fi
	OB_UPPER_DESC="$OB_DEV ($ob_node, $ob_type)"
	return 0
}

ob_mount_tmpfs() {
	if ! mount -t tmpfs -o "size=$OB_SIZE,mode=0755" overlayboot-rw /rw; then
		OB_WHY="cannot mount a tmpfs of size $OB_SIZE at /rw"
		return 1
	fi
	OB_UPPER_DESC="tmpfs (size $OB_SIZE)"
	OB_BASE=/rw
	OB_UPPER=/rw/upper
	OB_WORK=/rw/work
	return 0
}

# --- the fstab of the new root -----------------------------------------------------------------

ob_local_fs() {
	case "$1" in
	ext2 | ext3 | ext4 | xfs | btrfs | vfat | exfat | f2fs | jfs | reiserfs | ntfs | ntfs3) return 0 ;;
	esac
	return 1
}

# Write $OB_STAGE/etc/fstab from the lower root's: the root line gone, swap lines gone unless
# swap=1, other local filesystems under a union when recurse=1, every other line byte for byte.
ob_write_fstab() {
	ob_in=$OB_STAGE/ro/etc/fstab
	ob_out=$OB_STAGE/etc/fstab
	if [ ! -r "$ob_in" ]; then
		return 0
	fi
	ob_tmp=$ob_out.overlayboot-new
	{
		printf '%s\n' "# overlayboot: the root (and swap) lines of /ro/etc/fstab are left out while the root is protected."
		while IFS= read -r ob_line || [ -n "$ob_line" ]; do
			set -f
			# shellcheck disable=SC2086
			set -- $ob_line
			set +f
			case "${1:-#}" in
			"#"*)
				printf '%s\n' "$ob_line"
				continue
				;;
			esac
			if [ "${2:-}" = / ]; then
				continue
			fi
			if [ "${3:-}" = swap ] && [ "$OB_SWAP" != 1 ]; then
				continue
			fi
			if [ "$OB_RECURSE" = 1 ] && [ "$OB_FS" = overlay ] && ob_local_fs "${3:-}"; then
				case "$2" in
				/*[!/]*)
					ob_sub=$OB_BASE/recurse$2
					ob_subrel=${OB_BASE#/}/recurse$2
					mkdir -p "$OB_STAGE/$ob_subrel/upper" "$OB_STAGE/$ob_subrel/work"
					printf '%s %s %s %s 0 0\n' "$1" "/ro$2" "$3" "${4:-defaults},ro"
					printf 'overlayboot %s overlay lowerdir=%s,upperdir=%s,workdir=%s,x-systemd.requires-mounts-for=%s 0 0\n' \
						"$2" "/ro$2" "$ob_sub/upper" "$ob_sub/work" "/ro$2"
					continue
					;;
				esac
			fi
			printf '%s\n' "$ob_line"
		done <"$ob_in"
	} >"$ob_tmp" || return 1
	mv "$ob_tmp" "$ob_out"
}

# --- the protect sequence: one list of steps, each registering its own undo ----------------------

# The undo stack: shell lines, newest first. A step registers its line right where it takes effect;
# the lines name only the script's own variables (expanded when run), never an outside value.
OB_UNDO=""
ob_on_undo() {
	OB_UNDO="$1
$OB_UNDO"
}

# Undo every step taken, newest first, so the root is back at ${rootmnt} exactly as found.
ob_undo() {
	ob_ifs=$IFS
	IFS='
'
	set -f
	# shellcheck disable=SC2086
	set -- $OB_UNDO
	set +f
	IFS=$ob_ifs
	for ob_line in "$@"; do
		eval "$ob_line" || true
	done
	OB_UNDO=""
}

# ob_step DESCRIPTION FUNCTION: one step. In plan mode only "step: DESCRIPTION" is printed (an empty
# description is a check the plan does not show); at boot FUNCTION runs, and either registers its
# undo and succeeds, or sets OB_WHY and fails.
ob_step() {
	if [ -n "$OB_PLAN" ]; then
		if [ -n "$1" ]; then
			printf 'step: %s\n' "$1"
		fi
		return 0
	fi
	ob_debug "step: ${1:-$2}"
	"$2"
}

# The sequence, once: the boot runs it, plan mode prints it (io.overlayboot.helper.Boot follows the
# same list; ConformanceTest compares the plans).
ob_steps() {
	ob_step "" ob_pick_driver || return 1
	ob_step "" ob_make_mount_points || return 1
	ob_step "$(ob_upper_description)" ob_mount_upper || return 1
	ob_step "mkdir $OB_UPPER $OB_WORK" ob_make_layers || return 1
	ob_step "move $OB_ROOT /ro" ob_move_root || return 1
	ob_step "union $OB_DRIVER lower=/ro upper=$OB_UPPER work=$OB_WORK at $OB_STAGE" ob_mount_union || return 1
	ob_step "" ob_carry_submounts || return 1
	ob_step "move /ro $OB_STAGE/ro" ob_move_lower_in || return 1
	ob_step "move /rw $OB_STAGE/rw" ob_move_upper_in || return 1
	ob_step "$(ob_persist_description)" ob_persist || return 1
	ob_step "fstab swap=$OB_SWAP recurse=$OB_RECURSE" ob_fstab || return 1
	ob_step "move $OB_STAGE $OB_ROOT" ob_move_union
}

ob_make_mount_points() {
	mkdir -p /rw /ro "$OB_STAGE" && return 0
	OB_WHY="cannot create /rw, /ro and $OB_STAGE in the initramfs"
	return 1
}

ob_upper_description() {
	if [ "$OB_MODE" = device ]; then
		printf 'upper device %s fstype=%s timeout=%s fallback=%s' "$OB_DEV" "$OB_FSTYPE" "$OB_TIMEOUT" "$OB_FALLBACK"
	else
		printf 'upper tmpfs size=%s' "$OB_SIZE"
	fi
}

ob_mount_upper() {
	if [ "$OB_MODE" = device ]; then
		if ! ob_mount_device; then
			if [ "$OB_FALLBACK" != tmpfs ]; then
				return 1
			fi
			ob_warn "$OB_WHY, using tmpfs"
			ob_mount_tmpfs || return 1
		fi
	else
		ob_mount_tmpfs || return 1
	fi
	ob_on_undo 'umount /rw'
}

ob_make_layers() {
	mkdir -p "$OB_UPPER" "$OB_WORK" && return 0
	OB_WHY="cannot create $OB_UPPER and $OB_WORK on the upper layer"
	return 1
}

ob_move_root() {
	if ! mount -n -o move "$OB_ROOT" /ro; then
		OB_WHY="cannot move the root $OB_ROOT to /ro"
		return 1
	fi
	ob_on_undo 'mount -n -o move /ro "$OB_ROOT"'
}

ob_mount_union() {
	if [ "$OB_FS" = overlay ]; then
		ob_opts="lowerdir=/ro,upperdir=$OB_UPPER,workdir=$OB_WORK"
	else
		ob_opts="dirs=$OB_UPPER=rw:/ro=ro"
	fi
	if ! mount -t "$OB_FS" -o "$ob_opts" overlayboot "$OB_STAGE"; then
		OB_WHY="the kernel refused the $OB_FS mount ($ob_opts)"
		return 1
	fi
	ob_on_undo 'umount "$OB_STAGE"'
}

# Mounts that sat on the old root (initramfs-tools' udev moves /dev there before us when it runs
# first) move with it. The undo is registered first: it carries back whatever got across.
ob_carry_submounts() {
	ob_on_undo 'ob_move_submounts "$OB_STAGE" /ro'
	ob_move_submounts /ro "$OB_STAGE" && return 0
	OB_WHY="cannot carry the mounts under the root (such as /dev) over to the union"
	return 1
}

# ob_move_submounts FROM TO: carry each mount FROM/x to TO/x.
ob_move_submounts() {
	ob_list=""
	while read -r _ ob_mp _; do
		case "$ob_mp" in
		"$1"/*) ob_list="$ob_list $ob_mp" ;;
		esac
	done <"$OB_MOUNTS"
	for ob_mp in $ob_list; do
		case "$ob_mp" in
		"$1/ro" | "$1/ro/"* | "$1/rw" | "$1/rw/"*) continue ;;
		esac
		if ob_t=$(ob_fstype_at "$ob_mp"); then
			ob_debug "carrying $ob_mp ($ob_t) over"
			ob_target=$2${ob_mp#"$1"}
			mkdir -p "$ob_target" || true
			mount -n -o move "$ob_mp" "$ob_target" || return 1
		fi
	done
	return 0
}

# Between the move of the root and the last move, /dev may be a dangling link (when
# initramfs-tools' udev script ran first), so nothing from here on redirects to /dev/null.
ob_move_lower_in() {
	mkdir -p "$OB_STAGE/ro" "$OB_STAGE/rw" || true
	if ! mount -n -o move /ro "$OB_STAGE/ro"; then
		OB_WHY="cannot move /ro into the union"
		return 1
	fi
	ob_on_undo 'mount -n -o move "$OB_STAGE/ro" /ro'
}

ob_move_upper_in() {
	if ! mount -n -o move /rw "$OB_STAGE/rw"; then
		OB_WHY="cannot move /rw into the union"
		return 1
	fi
	ob_on_undo 'mount -n -o move "$OB_STAGE/rw" /rw'
}

# Survivable: the union still protects with the old fstab.
ob_fstab() {
	if ! ob_write_fstab; then
		ob_warn "cannot rewrite /etc/fstab of the protected root; it still lists the root line"
	fi
	return 0
}

ob_move_union() {
	mount -n -o move "$OB_STAGE" "$OB_ROOT" && return 0
	OB_WHY="cannot move the union to $OB_ROOT"
	return 1
}

# ob_record STATUS MESSAGE: what happened, for 'overlayboot status' and the admin. One key=value
# line each: the settings passed their grammar, the rest is escaped (warnings already are).
ob_record() {
	mkdir -p "$OB_RUNDIR" 2>/dev/null || return 0
	{
		printf 'status=%s\n' "$1"
		printf 'message=%s\n' "$(ob_escape "$2")"
		printf 'active=%s\n' "$OB_ACTIVE"
		ob_print_settings
		printf 'upper=%s\n' "$(ob_escape "${OB_UPPER_DESC:-}")"
		printf 'union=%s\n' "${OB_FS:-}"
		ob_persist_record
		printf '%s' "$OB_WARNINGS" | while IFS= read -r ob_w; do
			printf 'warning=%s\n' "$ob_w"
		done
	} >"$OB_RUNDIR/state.new" 2>/dev/null && mv "$OB_RUNDIR/state.new" "$OB_RUNDIR/state"
}

# onerror=panic: the front-end's ob_panic stops the boot; it does not come back.
ob_stop_boot() {
	ob_panic "overlayboot: FAILED to protect the root: $OB_WHY (onerror=panic)"
	exit 1
}

# Hand over to the helper (native or JVM) when it is in the initramfs and allowed.
ob_try_helper() {
	case "$OB_HELPER" in
	shell) return 1 ;;
	esac
	if [ "$OB_HELPER" != jvm ] && [ -x /usr/lib/overlayboot/overlayboot-helper ]; then
		set -- /usr/lib/overlayboot/overlayboot-helper boot
	elif [ "$OB_HELPER" != native ] && [ -x /usr/lib/overlayboot/jvm/bin/java ] && [ -r /usr/lib/overlayboot/helper.jar ]; then
		set -- /usr/lib/overlayboot/jvm/bin/java
		if [ -r /usr/lib/overlayboot/helper.aot ]; then
			set -- "$@" -XX:AOTCache=/usr/lib/overlayboot/helper.aot
		fi
		# -XX:-UsePerfData: no hsperfdata file in the initramfs's /tmp (docs/helper.md)
		set -- "$@" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData --enable-native-access=ALL-UNNAMED \
			-cp /usr/lib/overlayboot/helper.jar io.overlayboot.helper.HelperMain boot
	else
		if [ "$OB_HELPER" != auto ]; then
			ob_warn "helper=$OB_HELPER is not in the initramfs, using the shell path"
		fi
		return 1
	fi
	ob_debug "handing over to $1"
	rootmnt=$OB_ROOT "$@"
	ob_rc=$?
	case "$ob_rc" in
	0) return 0 ;;
	75) return 1 ;;
	76)
		# The helper could not protect the root, undid its steps and recorded why (onerror=panic).
		OB_WHY="the helper could not protect the root"
		while IFS= read -r ob_line; do
			case "$ob_line" in
			message=*) OB_WHY=${ob_line#message=} ;;
			esac
		done <"$OB_RUNDIR/state"
		ob_stop_boot
		;;
	esac
	ob_warn "the helper failed (exit $ob_rc), using the shell path"
	return 1
}

ob_main() {
	ob_resolve
	if [ -n "$OB_PLAN" ]; then
		ob_print_plan
		return 0
	fi
	if [ "$OB_ACTIVE" != 1 ]; then
		if [ "$OB_NEXT" = writable ]; then
			ob_log 4 "writable boot, once, as 'overlayboot next-boot writable' asked: the root is NOT protected, writes go to disk"
			ob_record unprotected "writable once, chosen by 'overlayboot next-boot writable'"
		elif [ "$OB_MODE" = disabled ]; then
			ob_log 4 "overlayboot=disabled on the kernel command line: the root is NOT protected, writes go to disk"
			ob_record unprotected "disabled by overlayboot=disabled"
		fi
		return 0
	fi
	ob_rootfs=$(ob_fstype_at "$OB_ROOT") || ob_rootfs=""
	case "$ob_rootfs" in
	overlay | aufs)
		ob_say "the root is already a union ($ob_rootfs), nothing to do"
		return 0
		;;
	"")
		ob_say "nothing is mounted at $OB_ROOT, nothing to protect"
		return 0
		;;
	esac
	if [ "$OB_NEXT" = protected ]; then
		ob_say "protected boot, once, as 'overlayboot next-boot protected' asked"
	elif ob_try_helper; then
		return 0
	fi
	ob_debug "mode=$OB_MODE driver=$OB_DRIVER upper=$OB_UPPER"
	if ob_steps; then
		ob_say "root is protected: $OB_FS of the read-only root (at /ro) and $OB_UPPER_DESC (at /rw); writes are lost at reboot"
		ob_record protected "protected: writes go to $OB_UPPER_DESC"
		return 0
	fi
	ob_undo
	if [ "$OB_ONERROR" = panic ]; then
		ob_log 3 "FAILED to protect the root: $OB_WHY"
		ob_record failed "$OB_WHY"
		ob_stop_boot
	fi
	ob_log 3 "FAILED to protect the root: $OB_WHY; booting the plain root UNPROTECTED, writes go to disk (boot with overlayboot=disabled to silence this)"
	ob_record failed "$OB_WHY; booted unprotected"
	return 0
}

<#include "/lib/persist.ftl">
<#include "/lib/nextboot.ftl">
