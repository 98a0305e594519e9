#!/usr/bin/env bash
# The time persist= adds to the protection step: the shell path's steps (ob_steps) timed inside the
# initramfs sandbox (initramfs/sandbox.sh, real mounts in unshare -m) with 0, 1, 10 and 100
# persisted directories, side by side in the same run. Prints a Markdown table (median of REPS boots).
# Needs root, busybox-static, initramfs-tools-core, e2fsprogs.
# Usage: bench/persist.sh [REPS]   (default 3; SCRIPT=FILE and LIBRARY=FILE: that rendered init-bottom script and its boot library)
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${1:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
script=${SCRIPT:-}
library=${LIBRARY:-}
if [ -z "$script" ]; then
	./overlayboot render --out "$work/render" >/dev/null
	script=$work/render/etc/initramfs-tools/scripts/init-bottom/overlayboot
	library=$work/render/usr/share/overlayboot/overlayboot-functions
fi
[ -n "$library" ] || { echo "bench/persist.sh: SCRIPT=$script needs LIBRARY=FILE, the boot library it sources" >&2; exit 2; }
# the steps live in the boot library the script sources; time them inside the initramfs from
# /proc/uptime (busybox's date has no %N): 10 ms resolution
# shellcheck disable=SC2016 # the expressions expand in the rendered script
sed 's/^\tif ob_steps; then$/\tread -r ob_u0 _ <\/proc\/uptime\n\tif ob_steps; then\n\t\tread -r ob_u1 _ <\/proc\/uptime\n\t\tprintf "bench-cs=%s\\n" "$((${ob_u1%.*}${ob_u1#*.} - ${ob_u0%.*}${ob_u0#*.}))"/' \
	"$library" >"$work/functions"
grep -q 'bench-cs=' "$work/functions" || { echo "bench/persist.sh: cannot find 'if ob_steps; then' in $library" >&2; exit 1; }

printf '| persisted paths | protection step (median of %s) |\n|---|---|\n' "$reps"
for n in 0 1 10 100; do
	tree=$work/tree-$n
	mkdir -p "$tree"/{etc,dev,proc,sys,run,srv}
	printf 'UUID=0a0a0a0a-0000-4000-8000-000000000001 / ext4 errors=remount-ro 0 1\n' >"$tree/etc/fstab"
	list=""
	for i in $(seq 1 "$n"); do
		mkdir -p "$tree/srv/p$i"
		printf 'data\n' >"$tree/srv/p$i/file"
		list="$list /srv/p$i"
	done
	times=()
	for _ in $(seq 1 "$reps"); do
		w=$work/run-$n
		rm -rf "$w"
		mkdir -p "$w"
		cp "$script" "$w/script"
		cp "$work/functions" "$w/functions"
		printf 'root=/dev/vda ro aufs=tmpfs\n' >"$w/cmdline"
		printf 'persist=%s\n' "${list# }" >"$w/conf"
		printf 'ROOT_RW=1\nEXTRA=\n' >"$w/settings"
		mke2fs -q -F -t ext4 -L ROOTFS -d "$tree" "$w/root.img" 32M
		cs=$(unshare -m -p -f --propagation private bash initramfs/sandbox.sh "$w" | sed -n 's/^bench-cs=//p')
		[ -n "$cs" ] || { echo "bench/persist.sh: no timing from the boot with $n paths" >&2; exit 1; }
		times+=("$cs")
	done
	median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((reps + 1) / 2))p")
	printf '| %s | %s ms |\n' "$n" "$((median * 10))"
done
