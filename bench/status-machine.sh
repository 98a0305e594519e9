#!/usr/bin/env bash
# Build, once, the files `overlayboot status` reads on a protected Debian 12 machine with GRUB and
# two kernels; print the directory. bench/startup.sh runs `status --root DIR --mounts DIR.mounts`.
#
#   bench/status-machine.sh            build unless complete
#   bench/status-machine.sh --rebuild  build again
#
# In a throwaway copy of the cached bookworm chroot (e2e/chroot-run.sh): overlayroot purged,
# `overlayboot install --no-grub` (its hook, boot script and config), a second kernel 6.1.0-49-amd64
# (a copy of the chroot's kernel and its modules under that name, as after a kernel upgrade), and
# both initrds built by Debian's update-initramfs as configured there (MODULES=most, zstd: ~30 MB
# each). Kept from it, under $out/status-machine/ (~100 MB): /boot (both kernels and initrds), each
# kernel's module lists and fs/overlayfs, the /etc files the check reads, the usr-merge links. Added:
# grub.cfg (grub-mkconfig's output for this chroot, src/test/resources/.../grub-mkconfig-bookworm-
# entries.cfg, with the second kernel's entries, aufs=tmpfs and no device entry), a boot record in run/overlayboot/state,
# /proc/cmdline and /proc/meminfo as files, /ro and /rw, and a mount table (DIR.mounts) saying / is
# an overlay: status exits 0, as on a machine a fleet polls.
# shellcheck source=bench/common.sh
. "$(dirname "$0")/common.sh"
dir=$out/status-machine
if [ "${1:-}" != --rebuild ] && [ -e "$dir/.complete" ]; then
  echo "$dir"; exit 0
fi
new=49
cur=$(cat "${OVERLAYBOOT_CACHE:-/var/cache/overlayboot}/chroot/usr/share/overlayboot-e2e/kernel-version" 2>/dev/null) \
  || { "$root/e2e/build-chroot.sh" >/dev/null && cur=$(cat "${OVERLAYBOOT_CACHE:-/var/cache/overlayboot}/chroot/usr/share/overlayboot-e2e/kernel-version"); }
old=${cur/-[0-9]*-/-$new-}
[ "$old" != "$cur" ] || { echo "status-machine: cannot name an older kernel than $cur" >&2; exit 5; }
rm -rf "$dir" "$dir.mounts"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$dir"

# shellcheck disable=SC2016 # the inner script expands its own arguments
"$root/e2e/chroot-run.sh" --host "$work" bash -euo pipefail -c '
  T=$OVERLAYBOOT_TARGET jar=$1 cur=$2 old=$3 dir=$4
  chroot "$T" dpkg --purge overlayroot >/dev/null
  java --enable-native-access=ALL-UNNAMED -jar "$jar" install --root "$T" --yes --no-grub >/dev/null
  cp -a "$T/usr/lib/modules/$cur" "$T/usr/lib/modules/$old"
  for f in vmlinuz config System.map; do cp -a "$T/boot/$f-$cur" "$T/boot/$f-$old"; done
  chroot "$T" depmod "$old"
  for v in "$old" "$cur"; do
    chroot "$T" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin update-initramfs -c -k "$v" >/dev/null 2>&1
  done
  cd "$T"
  keep=(boot etc/overlayboot.conf etc/initramfs-tools etc/os-release bin sbin lib lib64 vmlinuz vmlinuz.old initrd.img initrd.img.old)
  for v in "$old" "$cur"; do
    keep+=(usr/lib/modules/"$v"/modules.* usr/lib/modules/"$v"/kernel/fs/overlayfs)
  done
  existing=()
  for k in "${keep[@]}"; do if [ -e "$k" ] || [ -L "$k" ]; then existing+=("$k"); fi; done
  tar -cf - "${existing[@]}" | tar -xf - -C "$dir"
' status-machine "$jar" "$cur" "$old" "$dir"

# grub.cfg: grub-mkconfig's output in this chroot, with the older kernel's two entries in the submenu
mkdir -p "$dir/boot/grub"
awk -v cur="$cur" -v old="$old" '
  /^submenu / { print; insub = 1; next }
  insub && /^\tmenuentry / { entry = $0 "\n"; inentry = 1; next }
  inentry { entry = entry $0 "\n"; if ($0 == "\t}") { printf "%s", entry; copies = copies entry; inentry = 0 }; next }
  insub && /^}/ { c = copies; gsub(cur, old, c); printf "%s", c; print; insub = 0; next }
  { print }
' "$root/src/test/resources/io/overlayboot/guard/grub-mkconfig-bookworm-entries.cfg" \
  | sed "/'overlayboot-protected-device' {\$/,/^}\$/d; s/6\.1\.0-50-amd64/$cur/g; s/aufs=LABEL=upper/aufs=tmpfs/g" >"$dir/boot/grub/grub.cfg"
ln -sfn "boot/vmlinuz-$old" "$dir/vmlinuz.old"
ln -sfn "boot/initrd.img-$cur" "$dir/initrd.img"
ln -sfn "boot/initrd.img-$old" "$dir/initrd.img.old"
mkdir -p "$dir/run/overlayboot" "$dir/proc" "$dir/ro" "$dir/rw"
printf '%s\n' status=protected 'message=protected: writes go to tmpfs (RAM)' active=1 mode=tmpfs size=50% \
  'upper=tmpfs (RAM)' union=overlay >"$dir/run/overlayboot/state"
printf 'BOOT_IMAGE=/boot/vmlinuz-%s root=UUID=d85bcc3a-0ecf-47b3-92f0-c4c9ea8f8528 ro quiet aufs=tmpfs\n' "$cur" >"$dir/proc/cmdline"
cp /proc/meminfo "$dir/proc/meminfo"
printf '%s\n' 'overlayboot / overlay rw,relatime,lowerdir=/ro,upperdir=/rw/upper,workdir=/rw/work 0 0' \
  '/dev/sda1 /ro ext4 ro,relatime 0 0' 'tmpfs-root /rw tmpfs rw,relatime,size=1000000k 0 0' >"$dir.mounts"
touch "$dir/.complete"
echo "$dir"
