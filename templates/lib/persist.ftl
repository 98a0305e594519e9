<#-- Persistent paths (persist=, store=): the grammar check and the one boot step that binds each
     persisted path from the root filesystem (or the store device) over the union at the same
     path. Included by overlayboot-functions.ftl; the presets and the refused prefixes come from
     io.overlayboot.settings.Persist, as the Java helper's (io.overlayboot.helper.Persisting). -->
# --- persistent paths (persist=, store=; io.overlayboot.settings.Persist) ------------------------

# ob_is_persist MAX_ENTRY PRESETS VALUE: every entry of VALUE (separated by spaces or '+') is a
# preset or an absolute plain path, not / and not under <#list persistRefused as r>[=r]<#sep> </#sep></#list>.
ob_is_persist() {
	ob_p_max=$1
	ob_p_presets=$2
	ob_p_ifs=$IFS
	IFS=' +'
	set -f
	# shellcheck disable=SC2086
	set -- $3
	set +f
	IFS=$ob_p_ifs
	for ob_p_e in "$@"; do
		case "$ob_p_e" in
		"") continue ;;
		@*)
			ob_p_ok=1
			for ob_p_name in $ob_p_presets; do
				if [ "$ob_p_name" = "$ob_p_e" ]; then
					ob_p_ok=0
				fi
			done
			[ "$ob_p_ok" = 0 ] || return 1
			continue
			;;
		/ | *//* | */ | *[!A-Za-z0-9._@/-]*) return 1 ;;
		/*) ;;
		*) return 1 ;;
		esac
		[ "${#ob_p_e}" -le "$ob_p_max" ] || return 1
		case "$ob_p_e/" in
		*/./* | */../*) return 1 ;;
		esac
		case "$ob_p_e" in
		<#list persistRefused as r>[=r] | [=r]/*<#sep> | </#sep></#list>) return 1 ;;
		esac
		# not a file the boot rewrites in the union, nor a directory above one (Persist.BOOT_WRITTEN)
<#list persistBootWritten as w>
		ob_p_w=[=w]/
		case "$ob_p_w" in
		"$ob_p_e"/*) return 1 ;;
		esac
</#list>
	done
	return 0
}

# ob_persist_targets: one line "TYPE MODE GLOB PATH" per path of $OB_PERSIST, presets expanded.
ob_persist_targets() {
	ob_p_ifs=$IFS
	IFS=' +'
	set -f
	# shellcheck disable=SC2086
	set -- $OB_PERSIST
	set +f
	IFS=$ob_p_ifs
	for ob_p_e in "$@"; do
		case "$ob_p_e" in
		"") ;;
<#list persistPresets as p>
		[=p.name])
<#list p.targets as t>
			printf '%s\n' '[=t]'
</#list>
			;;
</#list>
		*) printf 'dir 0755 0 %s\n' "$ob_p_e" ;;
		esac
	done
}

ob_persist_description() {
	if [ -z "$OB_PERSIST" ]; then
		return 0
	fi
	if [ -n "$OB_STORE" ]; then
		printf 'persist %s on store %s' "$OB_PERSIST" "$OB_STORE"
	else
		printf 'persist %s on the root filesystem' "$OB_PERSIST"
	fi
}

# Where the persistent side is mounted in the initramfs while the binds are made.
OB_PS=/overlayboot-persist

# The step: after the union is mounted (and /ro moved into it), before it becomes the root. A path
# that cannot be set up is warned about by name and stays volatile; the step itself never fails,
# so the root is protected whatever persist= says.
ob_persist() {
	OB_PERSISTED=""
	OB_PERSIST_FAILED=""
	OB_PERSIST_MOUNTS=""
	OB_PERSIST_RW=0
	OB_PERSIST_PS=0
	if [ -z "$OB_PERSIST" ]; then
		return 0
	fi
	ob_on_undo 'ob_persist_undo'
	if ! ob_persist_source; then
		ob_warn "$OB_WHY: the persisted paths ($OB_PERSIST) stay volatile this boot"
		ob_p_ifs=$IFS
		IFS=' +'
		set -f
		for ob_p_e in $OB_PERSIST; do
			OB_PERSIST_FAILED="$OB_PERSIST_FAILED$ob_p_e
"
		done
		set +f
		IFS=$ob_p_ifs
		return 0
	fi
	# the mounts carried into the union (ob_carry_submounts), read before this step binds anything
	OB_PERSIST_CARRIED=$(ob_persist_carried)
	ob_p_list=$(ob_persist_targets)
	ob_p_ifs=$IFS
	IFS='
'
	set -f
	# shellcheck disable=SC2086
	set -- $ob_p_list
	set +f
	IFS=$ob_p_ifs
	ob_p_seen=" "
	for ob_p_line in "$@"; do
		ob_p_type=${ob_p_line%% *}
		ob_p_rest=${ob_p_line#* }
		ob_p_mode=${ob_p_rest%% *}
		ob_p_rest=${ob_p_rest#* }
		ob_p_glob=${ob_p_rest%% *}
		ob_p_path=${ob_p_rest#* }
		# a path named twice (itself and in a preset, or twice) is set up once, the first time
		case "$ob_p_seen" in
		*" $ob_p_path "*) continue ;;
		esac
		ob_p_seen="$ob_p_seen$ob_p_path "
		if [ "$ob_p_glob" = 1 ]; then
			ob_persist_glob "$ob_p_type" "$ob_p_mode" "$ob_p_path"
		else
			ob_persist_path "$ob_p_type" "$ob_p_mode" "$ob_p_path"
		fi
	done
	if umount "$OB_PS"; then
		OB_PERSIST_PS=0
	fi
	if [ -z "$OB_PERSISTED" ] && [ "$OB_PERSIST_RW" = 1 ] && mount -n -o remount,ro overlayboot-persist "$OB_STAGE/ro"; then
		OB_PERSIST_RW=0
	fi
	return 0
}

# ob_persist_source: mount the persistent side at $OB_PS, writable: the store device, or a bind of
# the root filesystem remounted read-write (its superblock becomes writable; /ro itself stays a
# read-only mount, and nothing reaches the root filesystem through the union).
ob_persist_source() {
	if ! mkdir -p "$OB_PS"; then
		OB_WHY="cannot create $OB_PS in the initramfs"
		return 1
	fi
	if [ -n "$OB_STORE" ]; then
		ob_persist_mount_store
		return
	fi
	if ! mount -n -o bind "$OB_STAGE/ro" "$OB_PS"; then
		OB_WHY="cannot bind the root filesystem at $OB_PS"
		return 1
	fi
	# busybox's mount retries read-only when the device is write-protected and still succeeds:
	# the mount table says whether the remount made it writable
	if ! mount -n -o remount,rw overlayboot-persist "$OB_PS" || ! ob_persist_is_rw "$OB_PS"; then
		umount "$OB_PS" || true
		OB_WHY="cannot make the root filesystem writable (mount -o remount,rw)"
		return 1
	fi
	OB_PERSIST_PS=1
	OB_PERSIST_RW=1
	return 0
}

# ob_persist_is_rw DIR: the topmost mount at DIR is read-write.
ob_persist_is_rw() {
	ob_w_opts=""
	while read -r _ ob_w_mp _ ob_w_o _; do
		if [ "$ob_w_mp" = "$1" ]; then
			ob_w_opts=$ob_w_o
		fi
	done <"$OB_MOUNTS"
	case "$ob_w_opts" in
	rw | rw,*) return 0 ;;
	esac
	return 1
}

ob_persist_mount_store() {
	ob_p_waited=0
	while :; do
		ob_p_node=$(ob_resolve_device "$OB_STORE") || ob_p_node=""
		if [ -n "$ob_p_node" ] && [ -b "$ob_p_node" ]; then
			break
		fi
		if [ "$ob_p_waited" -ge "$OB_TIMEOUT" ]; then
			OB_WHY="store device $OB_STORE not found after $OB_TIMEOUT s"
			return 1
		fi
		sleep 1
		ob_p_waited=$((ob_p_waited + 1))
	done
	ob_p_fs=$(blkid -o value -s TYPE "$ob_p_node") || ob_p_fs=""
	if [ -z "$ob_p_fs" ]; then
		OB_WHY="cannot tell the filesystem type of store device $OB_STORE ($ob_p_node)"
		return 1
	fi
	if ! mount -t "$ob_p_fs" -o rw "$ob_p_node" "$OB_PS"; then
		OB_WHY="cannot mount store device $OB_STORE ($ob_p_node) as $ob_p_fs"
		return 1
	fi
	OB_PERSIST_PS=1
	return 0
}

# ob_persist_glob TYPE MODE PATTERN: each path the pattern's last component matches, on the
# persistent side and (with a store) on the root filesystem.
ob_persist_glob() {
	ob_g_dir=${3%/*}
	ob_g_pat=${3##*/}
	if ! ob_persist_safe "$OB_PS" "$ob_g_dir" || ! ob_persist_safe "$OB_STAGE/ro" "$ob_g_dir"; then
		ob_persist_failed "$3" "a component of $ob_g_dir is a symbolic link"
		return 0
	fi
	# each name is checked as it is found, so a name with a space (or any character outside the
	# grammar) is warned about whole and never split; one on both sides is taken once, from the store
	ob_g_names=""
	ob_g_any=0
	for ob_g_side in "$OB_PS" "$OB_STAGE/ro"; do
		for ob_g in "$ob_g_side$ob_g_dir"/$ob_g_pat; do
			if [ ! -e "$ob_g" ] && [ ! -L "$ob_g" ]; then
				continue
			fi
			ob_g_name=${ob_g##*/}
			case "$ob_g_name" in
			*.ob-new) continue ;; # an unfinished copy (ob_persist_copy), not a match
			esac
			if [ "$ob_g_side" != "$OB_PS" ] && { [ -e "$OB_PS$ob_g_dir/$ob_g_name" ] || [ -L "$OB_PS$ob_g_dir/$ob_g_name" ]; }; then
				continue
			fi
			ob_g_any=1
			case "$ob_g_name" in
			*[!A-Za-z0-9._@-]*)
				ob_persist_failed "$ob_g_dir/$ob_g_name" "its name has a character outside A-Z a-z 0-9 . _ @ -"
				continue
				;;
			esac
			ob_g_names="$ob_g_names $ob_g_name"
		done
	done
	if [ "$ob_g_any" = 0 ]; then
		ob_say "nothing on the root filesystem matches $3 yet; nothing of it is persisted this boot"
		return 0
	fi
	# the names are plain now (no space, no pattern character): split on spaces, never globbed
	set -f
	for ob_g_name in $ob_g_names; do
		ob_persist_path "$1" "$2" "$ob_g_dir/$ob_g_name"
	done
	set +f
}

# ob_persist_safe ROOT PATH: fails when a component of ROOT/PATH (up to the first missing one) is
# a symbolic link, so no bind and no mkdir follows one out of the root.
ob_persist_safe() {
	ob_s_at=$1
	ob_s_rest=${2#/}
	while [ -n "$ob_s_rest" ]; do
		ob_s_at=$ob_s_at/${ob_s_rest%%/*}
		case "$ob_s_rest" in
		*/*) ob_s_rest=${ob_s_rest#*/} ;;
		*) ob_s_rest="" ;;
		esac
		if [ -L "$ob_s_at" ]; then
			return 1
		fi
		if [ ! -e "$ob_s_at" ]; then
			return 0
		fi
	done
	return 0
}

# ob_persist_failed PATH WHY: PATH stays volatile this boot.
ob_persist_failed() {
	ob_warn "cannot persist $1: $2; it stays volatile this boot"
	# one a line: a glob's match may hold a space
	OB_PERSIST_FAILED="$OB_PERSIST_FAILED$1
"
}

# ob_persist_create TYPE MODE PATH: make PATH (its parents 0755) as an empty file or directory.
ob_persist_create() {
	mkdir -p "${3%/*}/" || return 1
	if [ "$1" = file ]; then
		# klibc has no chmod: the umask gives the mode (file modes here have no x bits)
		(umask "$(printf '%o' "$((0777 & ~0$2))")" && : >"$3")
	else
		mkdir -m "$2" "$3"
	fi
}

# ob_persist_copy PATH: copy the root filesystem's PATH to the store as PATH.ob-new, renamed to
# PATH once complete, so a copy cut short is never taken for the whole. A PATH.ob-new already there
# was left by a boot that stopped during the copy: it is removed and the copy made again.
# (cp: busybox's, or dracut's base module's; a klibc-only initramfs has none and warns.)
ob_persist_copy() {
	ob_c_new=$OB_PS$1.ob-new
	if [ -e "$ob_c_new" ] || [ -L "$ob_c_new" ]; then
		ob_say "removing $1.ob-new from the store: an earlier boot stopped while copying $1 there"
		if ! rm -rf "$ob_c_new"; then
			ob_persist_failed "$1" "cannot remove the unfinished copy $1.ob-new from the store"
			return 1
		fi
	fi
	if mkdir -p "${ob_c_new%/*}/" && cp -a "$OB_STAGE/ro$1" "$ob_c_new" && mv "$ob_c_new" "$OB_PS$1"; then
		return 0
	fi
	rm -rf "$ob_c_new" 2>/dev/null || true
	ob_persist_failed "$1" "cannot copy it from the root filesystem to the store"
	return 1
}

# ob_persist_carried: one line per mount carried into the union (such as a separate /usr), as the
# system will see it; /ro and /rw and what is below them are not carried.
ob_persist_carried() {
	while read -r _ ob_c_mp _; do
		case "$ob_c_mp" in
		"$OB_STAGE/ro" | "$OB_STAGE/ro/"* | "$OB_STAGE/rw" | "$OB_STAGE/rw/"*) ;;
		"$OB_STAGE"/*) printf '%s\n' "${ob_c_mp#"$OB_STAGE"}" ;;
		esac
	done <"$OB_MOUNTS"
}

# ob_persist_carried_at PATH: prints the carried mount PATH is at or under, or one under PATH; fails
# when there is none. The persistent side holds only the root filesystem: a bind there would cover
# that mount's content with the root filesystem's (empty) directory.
ob_persist_carried_at() {
	ob_o_ifs=$IFS
	IFS='
'
	set -f
	for ob_o in $OB_PERSIST_CARRIED; do
		case "$1/" in
		"$ob_o"/*)
			IFS=$ob_o_ifs
			set +f
			printf '%s' "$ob_o"
			return 0
			;;
		esac
		case "$ob_o/" in
		"$1"/*)
			IFS=$ob_o_ifs
			set +f
			printf '%s' "$ob_o"
			return 0
			;;
		esac
	done
	IFS=$ob_o_ifs
	set +f
	return 1
}

# ob_persist_path TYPE MODE PATH: bind the persistent PATH over the union's PATH.
ob_persist_path() {
	if ob_p_mount=$(ob_persist_carried_at "$3"); then
		ob_persist_failed "$3" "$ob_p_mount is a filesystem of its own, not the root filesystem"
		return 0
	fi
	if ! ob_persist_safe "$OB_PS" "$3" || ! ob_persist_safe "$OB_STAGE" "$3"; then
		ob_persist_failed "$3" "a component of it is a symbolic link"
		return 0
	fi
	ob_p_src=$OB_PS$3
	ob_p_dst=$OB_STAGE$3
	if [ ! -e "$ob_p_src" ]; then
		if [ -n "$OB_STORE" ] && [ -e "$OB_STAGE/ro$3" ] && ob_persist_safe "$OB_STAGE/ro" "$3"; then
			# first boot with this store: it starts from the root filesystem's content
			ob_persist_copy "$3" || return 0
		elif ! ob_persist_create "$1" "$2" "$ob_p_src"; then
			ob_persist_failed "$3" "cannot create it on the persistent side"
			return 0
		fi
	fi
	if [ -d "$ob_p_src" ]; then
		ob_p_kind="dir"
	elif [ -f "$ob_p_src" ]; then
		ob_p_kind="file"
	else
		ob_persist_failed "$3" "it is neither a file nor a directory"
		return 0
	fi
	if [ ! -e "$ob_p_dst" ] && ! ob_persist_create "$ob_p_kind" 0755 "$ob_p_dst"; then
		ob_persist_failed "$3" "cannot create it in the union to mount over"
		return 0
	fi
	if { [ "$ob_p_kind" = dir ] && [ ! -d "$ob_p_dst" ]; } || { [ "$ob_p_kind" = file ] && [ ! -f "$ob_p_dst" ]; }; then
		ob_persist_failed "$3" "it is a $ob_p_kind on the persistent side and not in the union"
		return 0
	fi
	if ! mount -n -o bind "$ob_p_src" "$ob_p_dst"; then
		ob_persist_failed "$3" "the bind mount failed"
		return 0
	fi
	OB_PERSIST_MOUNTS="$ob_p_dst
$OB_PERSIST_MOUNTS"
	OB_PERSISTED="$OB_PERSISTED $3"
	ob_debug "persisted $3"
}

# Undo: the binds newest first, the persistent side, and the root filesystem read-only again.
ob_persist_undo() {
	ob_u_ifs=$IFS
	IFS='
'
	for ob_u in $OB_PERSIST_MOUNTS; do
		umount "$ob_u" || true
	done
	IFS=$ob_u_ifs
	OB_PERSIST_MOUNTS=""
	if [ "$OB_PERSIST_PS" = 1 ]; then
		umount "$OB_PS" || true
		OB_PERSIST_PS=0
	fi
	if [ "$OB_PERSIST_RW" = 1 ]; then
		mount -n -o remount,ro overlayboot-persist "$OB_STAGE/ro" || true
	fi
	OB_PERSISTED=""
}

# The state record's lines: each path persisted, each that stayed volatile.
ob_persist_record() {
	ob_r_ifs=$IFS
	IFS=' +'
	set -f
	for ob_r in ${OB_PERSISTED:-}; do
		printf 'persisted=%s\n' "$ob_r"
	done
	IFS='
'
	for ob_r in ${OB_PERSIST_FAILED:-}; do
		printf 'volatile=%s\n' "$(ob_escape "$ob_r")"
	done
	set +f
	IFS=$ob_r_ifs
}
