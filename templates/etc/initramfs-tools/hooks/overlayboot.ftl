#!/bin/sh
# overlayboot [=version]: initramfs-tools hook. Puts into every initrd what the init-bottom script
# needs: the union module, blkid for LABEL=/UUID= devices, the boot core ([=libraryPath]), the
# config file, and the boot helper when one is installed. Rendered by 'overlayboot render'.

PREREQ=""
prereqs() {
	printf '%s\n' "$PREREQ"
}
case "${1:-}" in
prereqs)
	prereqs
	exit 0
	;;
esac

# shellcheck disable=SC1091
. /usr/share/initramfs-tools/hook-functions
# mkinitramfs exports the kernel version and the initrd's staging directory.
# shellcheck disable=SC2154
ob_kernel=${version}

# The union filesystem. Debian's MODULES=most does not include overlay.ko, so add it here;
# without it a kernel upgrade would silently boot unprotected.
<#if driver != "aufs">
manual_add_modules overlay
</#if>
<#if driver != "overlay">
manual_add_modules aufs 2>/dev/null || true
</#if>
# The check asks modprobe what manual_add_modules asks it: the module is built in, or its file
# (and dependencies) for this kernel. Looking in ${DESTDIR} instead would be wrong on Debian 13,
# whose manual_add_modules only queues a module and copies it after the hooks have run.
ob_union_ok=0
ob_modules="<#if driver != "aufs">overlay</#if><#if driver == "auto"> </#if><#if driver != "overlay">aufs</#if>"
# shellcheck disable=SC2086
for ob_mod in $ob_modules; do
	if modprobe --set-version="${ob_kernel}" --ignore-install --quiet --show-depends "$ob_mod" 2>/dev/null \
		| grep -Eq "^builtin $ob_mod\$|^insmod .*/$ob_mod\.ko"; then
		ob_union_ok=1
	fi
done
<#if packaged>
# From the Debian package, before 'overlayboot enable': nothing boots protected, so no warning.
if [ ! -e /var/lib/overlayboot/manifest.json ]; then
	ob_union_ok=1
fi
</#if>
if [ "$ob_union_ok" != 1 ]; then
	printf 'W: overlayboot: no union filesystem (overlay or aufs) for kernel %s: this initrd boots UNPROTECTED\n' "${ob_kernel}" >&2
fi

# blkid finds LABEL=, UUID=, PARTUUID= and PARTLABEL= upper devices.
for ob_tool in /sbin/blkid /usr/sbin/blkid; do
	if [ -x "$ob_tool" ]; then
		copy_exec "$ob_tool" /sbin/blkid
		break
	fi
done

# The boot core the init-bottom script sources.
if [ -r [=libraryPath] ]; then
	mkdir -p "${DESTDIR}[=libraryPath?keep_before_last("/")]"
	cp -p [=libraryPath] "${DESTDIR}[=libraryPath]"
else
	printf 'W: overlayboot: [=libraryPath] is missing: this initrd boots UNPROTECTED (hint: run overlayboot install again)\n' >&2
fi

# The settings the boot script reads.
if [ -r [=configPath] ]; then
	mkdir -p "${DESTDIR}/etc"
	cp -p [=configPath] "${DESTDIR}[=configPath]"
fi
<#if helperEnabled>

# The boot helper, when installed: the native binary, or the jlink'd JVM with its jar.
if [ -x /usr/lib/overlayboot/overlayboot-helper ]; then
	copy_exec /usr/lib/overlayboot/overlayboot-helper /usr/lib/overlayboot/overlayboot-helper
fi
if [ -x /usr/lib/overlayboot/jvm/bin/java ] && [ -r /usr/lib/overlayboot/helper.jar ]; then
	# copy_exec brings each binary's and library's glibc dependencies; cp brings the rest
	# (the modules image, configuration) without touching what copy_exec placed.
	find /usr/lib/overlayboot/jvm -type f \( -name '*.so' -o -path '*/bin/java' \) | while read -r ob_file; do
		copy_exec "$ob_file" "$ob_file"
	done
	mkdir -p "${DESTDIR}/usr/lib/overlayboot"
	cp -an /usr/lib/overlayboot/jvm "${DESTDIR}/usr/lib/overlayboot/"
	cp -p /usr/lib/overlayboot/helper.jar "${DESTDIR}/usr/lib/overlayboot/helper.jar"
	if [ -r /usr/lib/overlayboot/helper.aot ]; then
		cp -p /usr/lib/overlayboot/helper.aot "${DESTDIR}/usr/lib/overlayboot/helper.aot"
	fi
fi
</#if>
exit 0
