# overlayboot [=version]: boot with a read-only root and writes in RAM (or on a device).
# Adds [=kernelParameter] to the normal boot entries; recovery entries stay unprotected.
# At the GRUB prompt, add overlayboot=disabled to a boot line to boot plain once.
# Remove this file (or run 'overlayboot uninstall') and run update-grub to switch it off.
ob_cmdline=""
for ob_word in ${GRUB_CMDLINE_LINUX_DEFAULT:-}; do
	case "$ob_word" in
	aufs=* | overlayboot=*) ;;
	*) ob_cmdline="${ob_cmdline:+$ob_cmdline }$ob_word" ;;
	esac
done
GRUB_CMDLINE_LINUX_DEFAULT="${ob_cmdline:+$ob_cmdline }[=kernelParameter]"
unset ob_cmdline ob_word
