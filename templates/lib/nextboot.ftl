<#-- The one-shot choice without GRUB ('overlayboot next-boot', io.overlayboot.guard.OneShot): a
     flag file on the root that this boot reads, removes, and obeys once. Included by
     overlayboot-functions.ftl. -->
# --- the one-shot choice ('overlayboot next-boot' without GRUB: /[=nextBootFlag]) --------------

OB_NEXT_FLAG=${OVERLAYBOOT_NEXT_FLAG:-[=nextBootFlag]}

# ob_read_next_boot: OB_NEXT=writable or protected when the flag on the mounted root asks for it;
# at boot (not in plan mode) the flag is removed first, so the choice holds for this boot only. A
# read-only root is remounted read-write for that one unlink and read-only again (the root was
# checked by fsck before it was mounted). A flag that cannot be removed is ignored with a warning:
# obeyed, it would hold for every boot.
ob_read_next_boot() {
	OB_NEXT=""
	ob_n_file=$OB_ROOT/$OB_NEXT_FLAG
	if [ ! -f "$ob_n_file" ]; then
		return 0
	fi
	case "$(ob_fstype_at "$OB_ROOT")" in
	overlay | aufs) return 0 ;; # protected already: never act twice
	esac
	ob_n_word=""
	read -r ob_n_word <"$ob_n_file" || true
	if [ -n "$OB_PLAN" ]; then
		ob_n_removed=1
	elif rm -f "$ob_n_file" 2>/dev/null && [ ! -e "$ob_n_file" ]; then
		ob_n_removed=1
	elif ob_remount_root rw 2>/dev/null; then
		ob_n_removed=0
		if rm -f "$ob_n_file" && [ ! -e "$ob_n_file" ]; then
			ob_n_removed=1
		fi
		if ! ob_remount_root ro; then
			ob_warn "could not remount $OB_ROOT read-only after removing /$OB_NEXT_FLAG"
		fi
	else
		ob_n_removed=0
	fi
	if [ "$ob_n_removed" != 1 ]; then
		ob_warn "cannot remove /$OB_NEXT_FLAG, so its one-shot choice is ignored (it would hold for every boot)"
		return 0
	fi
	case "$ob_n_word" in
	writable | protected) OB_NEXT=$ob_n_word ;;
	*) ob_warn "/$OB_NEXT_FLAG holds '$ob_n_word', not writable or protected; ignoring it" ;;
	esac
}

# ob_remount_root rw|ro: remount the root; the device is named too, as klibc's mount needs it.
ob_remount_root() {
	ob_r_dev=""
	while read -r ob_r_src ob_r_mp _; do
		if [ "$ob_r_mp" = "$OB_ROOT" ]; then
			ob_r_dev=$ob_r_src
		fi
	done <"$OB_MOUNTS"
	if [ -z "$ob_r_dev" ]; then
		return 1
	fi
	mount -o "remount,$1" "$ob_r_dev" "$OB_ROOT"
}
