#!/bin/bash
# overlayboot [=version]: dracut module. Puts into every initrd what the boot core needs: the union
# module, blkid for LABEL=/UUID= devices, the config file, the boot core ([=libraryPath]) with
# its front-end and pre-pivot hook, and the boot helper when one is installed. Rendered by
# 'overlayboot render'; switched on for every dracut run by /etc/dracut.conf.d/overlayboot.conf
# (add_dracutmodules+=" overlayboot ").
#
# dracut sources this file and calls the functions below; $moddir, $kernel, instmods, inst_*,
# inst_hook and dwarn come from dracut.
# shellcheck disable=SC2154

# Included only when asked for (255): the drop-in asks on every run, so removing the drop-in alone
# takes overlayboot out of the next initrd. (0 would put it into every initrd while the module is
# installed; CheckOnRealDracutInitrdsTest shows the difference.)
check() {
	return 255
}

depends() {
	return 0
}

# The union filesystem. The check asks what instmods itself asks (the module built in, or its file
# for this kernel): without it the initrd boots unprotected, so the build says so.
installkernel() {
	ob_union_ok=0
<#if driver != "aufs">
	if instmods -c overlay; then
		ob_union_ok=1
	fi
</#if>
<#if driver != "overlay">
	if instmods -c aufs 2>/dev/null; then
		ob_union_ok=1
	fi
</#if>
	if [ "$ob_union_ok" != 1 ]; then
		dwarn "overlayboot: no union filesystem (overlay or aufs) for kernel ${kernel}: this initrd boots UNPROTECTED"
	fi
	return 0
}

install() {
	inst_multiple mount umount mkdir mv sleep modprobe
	inst_multiple -o blkid
	inst_simple [=libraryPath] || dwarn "overlayboot: [=libraryPath] is missing: this initrd boots UNPROTECTED"
	inst_simple "$moddir/overlayboot-boot.sh" /usr/lib/overlayboot/overlayboot-boot
	# After Debian's 98usrmount (pre-pivot 50), so a separate /usr is mounted and carried over.
	inst_hook pre-pivot 90 "$moddir/overlayboot-pre-pivot.sh"
	if [ -r [=configPath] ]; then
		inst_simple [=configPath]
	fi
<#if helperEnabled>
	# The boot helper, when installed: the native binary, or the jlink'd JVM with its jar.
	if [ -x /usr/lib/overlayboot/overlayboot-helper ]; then
		inst_binary /usr/lib/overlayboot/overlayboot-helper
	fi
	if [ -x /usr/lib/overlayboot/jvm/bin/java ] && [ -r /usr/lib/overlayboot/helper.jar ]; then
		while IFS= read -r ob_file; do
			if [ -x "$ob_file" ] || [ "${ob_file%.so}" != "$ob_file" ]; then
				inst_binary "$ob_file"
			else
				inst_simple "$ob_file"
			fi
		done <<OB_FILES
$(find /usr/lib/overlayboot/jvm -type f)
OB_FILES
		inst_simple /usr/lib/overlayboot/helper.jar
		if [ -r /usr/lib/overlayboot/helper.aot ]; then
			inst_simple /usr/lib/overlayboot/helper.aot
		fi
	fi
</#if>
	return 0
}
