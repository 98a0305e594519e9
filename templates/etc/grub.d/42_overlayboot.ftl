#!/bin/sh
# shellcheck disable=SC2154 # pkgdatadir, grub_probe and GRUB_* come from grub-mkconfig
# overlayboot [=version]: boot menu entries for the newest kernel, written by grub-mkconfig
# (update-grub) after Debian's own entries, so they follow every kernel upgrade:
#   [=titles.ram]            [=ids.ram]
#   [=titles.device]         [=ids.device] (only when a device upper is configured)
#   [=titles.writable]  [=ids.writable] (overlayboot=disabled)
# The ids are what 'overlayboot next-boot' hands to GRUB as next_entry. Choosing one of these
# entries never becomes GRUB's saved default (no savedefault), so GRUB_SAVEDEFAULT=true cannot
# leave a machine booting writable for good. Nothing is added while protection is off (no aufs= or
# overlayboot= in GRUB_CMDLINE_LINUX*, no mode= in [=configPath]). 'chmod -x' this file to drop
# the entries, as for any /etc/grub.d script; 'overlayboot uninstall' removes it.
set -e

: "${pkgdatadir:=/usr/share/grub}"
# shellcheck source=/dev/null
. "$pkgdatadir/grub-mkconfig_lib"

# ob_options KIND: the GRUB options of an entry, decided here once. Protected entries are
# --unrestricted: they boot without a password even when GRUB superusers are set; the writable
# one is not, so a locked menu asks for the password before it boots unprotected.
ob_options() {
	case "$1" in
	writable) printf '%s' "--class gnu-linux --class gnu --class os" ;;
	*) printf '%s' "--class gnu-linux --class gnu --class os --unrestricted" ;;
	esac
}

# The admin's kernel command line without overlayboot's own words; each entry adds its own.
ob_base=""
ob_device=""
ob_enabled=0
set -f
for ob_word in ${GRUB_CMDLINE_LINUX:-} ${GRUB_CMDLINE_LINUX_DEFAULT:-}; do
	case "$ob_word" in
	aufs=tmpfs) ob_enabled=1 ;;
	aufs=?*)
		ob_enabled=1
		ob_device=$ob_word
		;;
	overlayboot=disabled*) ;;
	overlayboot=?*) ob_enabled=1 ;;
	*) ob_base="${ob_base:+$ob_base }$ob_word" ;;
	esac
done
set +f
if [ -r [=configPath] ]; then
	while read -r ob_line || [ -n "$ob_line" ]; do
		case "$ob_line" in
		mode=tmpfs | mode=device) ob_enabled=1 ;;
		dev=?*) [ -n "$ob_device" ] || ob_device=overlayboot=device ;;
		esac
	done <[=configPath]
fi
if [ "$ob_enabled" != 1 ]; then
	exit 0
fi

ob_list=""
for ob_file in /boot/vmlinuz-* /vmlinuz-*; do
	if grub_file_is_not_garbage "$ob_file"; then
		ob_list="$ob_list $ob_file"
	fi
done
# shellcheck disable=SC2086
ob_linux=$(version_find_latest $ob_list)
if [ -z "$ob_linux" ]; then
	exit 0
fi
ob_dir=$(dirname "$ob_linux")
ob_base_name=$(basename "$ob_linux")
ob_version=${ob_base_name#vmlinuz-}
ob_initrd=""
for ob_name in "initrd.img-$ob_version" "initrd-$ob_version.img" "initramfs-$ob_version.img"; do
	if [ -e "$ob_dir/$ob_name" ]; then
		ob_initrd=$ob_name
		break
	fi
done
if [ -z "$ob_initrd" ]; then
	printf 'overlayboot: no initrd for %s, so no overlayboot entries (the boot script lives in the initrd)\n' "$ob_linux" >&2
	exit 0
fi
ob_early=""
for ob_name in ${GRUB_EARLY_INITRD_LINUX_STOCK:-} ${GRUB_EARLY_INITRD_LINUX_CUSTOM:-}; do
	if [ -e "$ob_dir/$ob_name" ]; then
		ob_early="$ob_early $ob_name"
	fi
done
printf 'Found overlayboot entries for: %s\n' "$ob_linux" >&2

# The root device, as Debian's 10_linux chooses it.
if { [ -z "${GRUB_DEVICE_UUID:-}" ] && [ -z "${GRUB_DEVICE_PARTUUID:-}" ]; } \
	|| { [ "${GRUB_DISABLE_LINUX_UUID:-}" = true ] && [ "${GRUB_DISABLE_LINUX_PARTUUID-true}" = true ]; } \
	|| { ! [ -e "/dev/disk/by-uuid/${GRUB_DEVICE_UUID:-}" ] && ! [ -e "/dev/disk/by-partuuid/${GRUB_DEVICE_PARTUUID:-}" ]; } \
	|| { [ -e "${GRUB_DEVICE:-}" ] && uses_abstraction "$GRUB_DEVICE" lvm; }; then
	ob_root=$GRUB_DEVICE
elif [ -z "${GRUB_DEVICE_UUID:-}" ] || [ "${GRUB_DISABLE_LINUX_UUID:-}" = true ]; then
	ob_root=PARTUUID=$GRUB_DEVICE_PARTUUID
else
	ob_root=UUID=$GRUB_DEVICE_UUID
fi
if [ "${GRUB_FS:-}" = btrfs ]; then
	ob_subvol=$(make_system_path_relative_to_its_root /)
	ob_subvol=${ob_subvol#/}
	if [ -n "$ob_subvol" ]; then
		ob_base="rootflags=subvol=$ob_subvol${ob_base:+ $ob_base}"
	fi
fi
if [ "$ob_dir" = / ]; then
	ob_access=$(prepare_grub_to_access_device "$GRUB_DEVICE" | grub_add_tab)
else
	ob_access=$(prepare_grub_to_access_device "$GRUB_DEVICE_BOOT" | grub_add_tab)
fi
ob_rel=$(make_system_path_relative_to_its_root "$ob_dir")
ob_kernel=$ob_base_name
if [ -d /sys/firmware/efi ] && [ -e "$ob_linux.efi.signed" ]; then
	ob_kernel=$ob_base_name.efi.signed
fi
ob_initrds=""
for ob_name in $ob_early $ob_initrd; do
	ob_initrds="$ob_initrds $ob_rel/$ob_name"
done
if [ -z "${GRUB_DISTRIBUTOR:-}" ]; then
	ob_os=GNU/Linux
else
	ob_os="$GRUB_DISTRIBUTOR GNU/Linux"
fi

# ob_entry KIND TITLE ID PARAMETER: one menu entry, as 10_linux writes its own.
ob_entry() {
	ob_title=$(printf '%s, Linux %s: %s' "$ob_os" "$ob_version" "$2" | grub_quote)
	printf "menuentry '%s' %s \$menuentry_id_option '%s' {\n" "$ob_title" "$(ob_options "$1")" "$3"
	printf '\tload_video\n\tinsmod gzio\n'
	# shellcheck disable=SC2016 # GRUB's variable, for GRUB
	printf '\tif [ x$grub_platform = xxen ]; then insmod xzio; insmod lzopio; fi\n'
	printf '%s\n' "$ob_access"
	printf "\techo\t'%s'\n" "$(printf 'Loading Linux %s: %s ...' "$ob_version" "$2" | grub_quote)"
	printf '\tlinux\t%s/%s root=%s ro %s\n' "$ob_rel" "$ob_kernel" "$ob_root" "${ob_base:+$ob_base }$4"
	printf "\techo\t'Loading initial ramdisk ...'\n"
	printf '\tinitrd\t%s\n' "${ob_initrds# }"
	printf '}\n'
}

ob_entry protected [=q(titles.ram)] [=q(ids.ram)] overlayboot=tmpfs
if [ -n "$ob_device" ]; then
	ob_entry protected [=q(titles.device)] [=q(ids.device)] "$ob_device"
fi
ob_entry writable [=q(titles.writable)] [=q(ids.writable)] overlayboot=disabled
