#!/usr/bin/env bash
# Build, once, real Debian initrds (mkinitramfs from the cached chroot's linux-image) for the
# initramfs tests and benchmarks; print the directory holding them.
#
#   e2e/build-initrds.sh            build unless complete
#   e2e/build-initrds.sh --rebuild  build again
#
# Result: $OVERLAYBOOT_CACHE/initrds/KVER/ (default /var/cache/overlayboot), complete when .complete
# exists:
#   most-zstd.img   MODULES=most, COMPRESS=zstd: Debian's default initrd (the inspect benchmark)
#   list-<c>.img    MODULES=list (a few virtio/ext4 modules, no overlay module) for
#                   c in gzip zstd (built by mkinitramfs) and xz lzma lz4 bzip2 (the same cpio
#                   recompressed on the host with the commands mkinitramfs uses, since the chroot
#                   has no xz, lzma, lz4 or bzip2 binaries)
# mkinitramfs runs inside the chroot (e2e/build-chroot.sh builds it) under an overlay mount in a
# private mount namespace, so the cached chroot is never modified.
set -euo pipefail

cache=${OVERLAYBOOT_CACHE:-/var/cache/overlayboot}
here=$(cd "$(dirname "$0")" && pwd)
say() { printf 'build-initrds: %s\n' "$*" >&2; }

rebuild=0
[ "${1:-}" = --rebuild ] && rebuild=1

chroot=$("$here/build-chroot.sh")
kver=$(cat "$chroot/usr/share/overlayboot-e2e/kernel-version")
out=$cache/initrds/$kver
if [ "$rebuild" = 0 ] && [ -e "$out/.complete" ]; then
  echo "$out"; exit 0
fi
mkdir -p "$cache"
exec 8>"$cache/initrds.lock"
flock 8
if [ "$rebuild" = 0 ] && [ -e "$out/.complete" ]; then
  echo "$out"; exit 0
fi
rm -rf "$out"
mkdir -p "$out"
work=$(mktemp -d "$cache/initrds-work.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/upper" "$work/work" "$work/merged" "$work/out"

say "building initrds for $kver into $out"
# shellcheck disable=SC2016 # the inner script expands its own arguments
unshare -m -- sh -euc '
  chroot=$1 work=$2 kver=$3
  mount --make-rprivate /
  mount -t overlay overlayboot-initrds -o "lowerdir=$chroot,upperdir=$work/upper,workdir=$work/work" "$work/merged"
  m=$work/merged
  mount -t proc proc "$m/proc"
  mkdir -p "$m/out"; mount --bind "$work/out" "$m/out"
  chroot "$m" mkinitramfs -c zstd -o /out/most-zstd.img "$kver"
  for c in gzip zstd; do
    chroot "$m" mkinitramfs -d /etc/initramfs-tools-list -c "$c" -o "/out/list-$c.img" "$kver"
  done
' sh "$chroot" "$work" "$kver" >&2
zstd -q -dc "$work/out/list-zstd.img" > "$work/list.cpio"
xz --check=crc32 -9 < "$work/list.cpio" > "$work/out/list-xz.img"
lzma -9 < "$work/list.cpio" > "$work/out/list-lzma.img"
lz4 -q -9 -l < "$work/list.cpio" > "$work/out/list-lz4.img"
bzip2 -9 < "$work/list.cpio" > "$work/out/list-bzip2.img"
mv "$work"/out/*.img "$out/"
touch "$out/.complete"
echo "$out"
