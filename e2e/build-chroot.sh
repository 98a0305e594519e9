#!/usr/bin/env bash
# Build, once, the cached Debian chroots the boot tests, `overlayboot try` and the benchmark take
# Debian's real kernel, initramfs generator and grub-mkconfig from.
#
#   e2e/build-chroot.sh [FLAVOR]            build it unless already complete; print its path
#   e2e/build-chroot.sh [FLAVOR] --rebuild  throw the cached one away and build it again
#
# FLAVOR (default bookworm):
#   bookworm  Debian 12 with initramfs-tools       -> $OVERLAYBOOT_CACHE/chroot
#   trixie    Debian 13 with initramfs-tools       -> $OVERLAYBOOT_CACHE/chroot-trixie
#   dracut    Debian 13 with dracut and systemd,   -> $OVERLAYBOOT_CACHE/chroot-dracut
#             never initramfs-tools (the two conflict; dracut is in place before the kernel)
#
# $OVERLAYBOOT_CACHE defaults to /var/cache/overlayboot. A chroot is complete when its .complete
# exists. Concurrent callers wait on its lock (chroot.lock, chroot-trixie.lock, ...) instead of
# building twice. Never modify a chroot in place: copy it (cp -a) or mount an overlay over it.
#
# What is in it besides Debian's packages:
# (bookworm and trixie; the dracut flavor has only kernel-version and upgrade-kernel-version,
# with upgrade/ left empty)
#   /etc/initramfs-tools            as Debian ships it (MODULES=most)
#   /etc/initramfs-tools-list/      a copy of it with MODULES=list and the few modules a QEMU
#                                   guest needs (virtio_pci, virtio_blk, ext4), for `mkinitramfs -d`
#   /usr/share/overlayboot-e2e/modules-list.conf, modules
#                                   the same as a conf.d drop-in plus a modules list, for copies
#                                   that keep /etc/initramfs-tools (e.g. after `install --root`)
#   /usr/share/overlayboot-e2e/upgrade/*.deb
#                                   a newer linux-image, for the kernel-upgrade test
#   /usr/share/overlayboot-e2e/kernel-version, upgrade-kernel-version
#                                   the installed kernel's version and the upgrade's version
# The kernel is installed with INITRD=No: there is no /boot/initrd.img-*; tests build their own.
set -euo pipefail

cache=${OVERLAYBOOT_CACHE:-/var/cache/overlayboot}

say() { printf 'build-chroot: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

rebuild=0
flavor=bookworm
for arg in "$@"; do
  case "$arg" in
    --rebuild) rebuild=1 ;;
    bookworm|trixie|dracut) flavor=$arg ;;
    -h|--help) sed -n '2,33p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$arg' (use bookworm, trixie or dracut, and/or --rebuild)" ;;
  esac
done
case "$flavor" in
  bookworm) suite=bookworm; name=chroot; generator=initramfs-tools ;;
  trixie) suite=trixie; name="chroot-trixie"; generator=initramfs-tools ;;
  dracut) suite=trixie; name="chroot-dracut"; generator=dracut ;;
esac
chroot=$cache/$name

[ "$(id -u)" = 0 ] || die "must run as root (mmdebstrap --mode=root and chroot need it)"
command -v mmdebstrap >/dev/null || die "mmdebstrap is missing (hint: apt-get install mmdebstrap)"

if [ "$rebuild" = 0 ] && [ -e "$chroot/.complete" ]; then
  echo "$chroot"
  exit 0
fi

mkdir -p "$cache"
exec 9>"$cache/$name.lock"
if ! flock -n 9; then
  say "another build holds $cache/$name.lock; waiting for it"
  flock 9
fi
# Whoever held the lock may have finished the job meanwhile.
if [ "$rebuild" = 0 ] && [ -e "$chroot/.complete" ]; then
  echo "$chroot"
  exit 0
fi

partial=$cache/$name.partial
rm -rf "$partial" "$chroot"

# apt uses the host's mirror configuration (this machine may only reach its configured mirror).
mirror=/etc/apt/sources.list.d/debian.sources
[ -f "$mirror" ] || mirror=/etc/apt/sources.list
[ -f "$mirror" ] || die "no apt sources found at /etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list"
# Another suite: the same mirrors with the suite's name in place of the host's (e.g. bookworm,
# bookworm-updates, bookworm-security become trixie, trixie-updates, trixie-security).
if [ "$suite" != bookworm ]; then
  sources=$(mktemp "$cache/$name.sources.XXXXXX")
  trap 'rm -f "$sources"' EXIT
  host_suite=$(sed -n 's/^Suites: *\([a-z]*\).*/\1/p; s/^deb [^ ]* \([a-z]*\) .*/\1/p' "$mirror" | head -n 1)
  [ -n "$host_suite" ] || die "cannot tell the host's suite from $mirror"
  sed "s/\b$host_suite\b/$suite/g" "$mirror" > "$sources"
  case "$mirror" in *.sources) mv "$sources" "$sources.sources"; sources=$sources.sources ;; esac
  trap 'rm -f "$sources"' EXIT
  mirror=$sources
fi

# The installed kernel comes from the release pocket; the "upgrade" is the newest candidate
# (security/updates). When both are the same version the upgrade test is skipped with a reason.
# The kernel comes after the generator (dracut flavor: dracut already satisfies the kernel's
# "initramfs-tools | linux-initramfs-tool", so initramfs-tools is never installed).
customize=$(cat <<'EOF'
set -eu
root="$1"
suite="$2"
generator="$3"
e2e="$root/usr/share/overlayboot-e2e"
mkdir -p "$e2e/upgrade"
echo "build-chroot: installing the kernel (INITRD=No: no initrd is built)" >&2
chroot "$root" env INITRD=No DEBIAN_FRONTEND=noninteractive \
  apt-get install -y -q --no-install-recommends "linux-image-amd64/$suite" >&2
ls "$root"/lib/modules | sort -V | tail -n 1 > "$e2e/kernel-version"
if [ "$generator" = dracut ]; then
  : > "$e2e/upgrade-kernel-version"
  chroot "$root" apt-get clean
  exit 0
fi
echo "build-chroot: downloading the newest linux-image for the kernel-upgrade test" >&2
chroot "$root" apt-get clean
chroot "$root" apt-get install -y -q --download-only --no-install-recommends linux-image-amd64 >&2
find "$root/var/cache/apt/archives" -name 'linux-image-*.deb' -exec mv -t "$e2e/upgrade" {} +
: > "$e2e/upgrade-kernel-version"
for deb in "$e2e"/upgrade/linux-image-[0-9]*.deb; do
  [ -e "$deb" ] || continue
  dpkg-deb -f "$deb" Package | sed 's/^linux-image-//' > "$e2e/upgrade-kernel-version"
done
if [ "$(cat "$e2e/upgrade-kernel-version")" = "$(cat "$e2e/kernel-version")" ]; then
  rm -f "$e2e"/upgrade/*.deb; : > "$e2e/upgrade-kernel-version"
fi
chroot "$root" apt-get clean

echo "build-chroot: preparing the MODULES=list initramfs configuration" >&2
printf '%s\n' virtio_pci virtio_blk ext4 > "$e2e/modules"
printf '%s\n' '# overlayboot e2e: a small, fast initrd for QEMU guests' 'MODULES=list' > "$e2e/modules-list.conf"
cp -a "$root/etc/initramfs-tools" "$root/etc/initramfs-tools-list"
sed -i 's/^MODULES=.*/MODULES=list/' "$root/etc/initramfs-tools-list/initramfs.conf"
cat "$e2e/modules" >> "$root/etc/initramfs-tools-list/modules"
EOF
)

case "$generator" in
  initramfs-tools) include=initramfs-tools,busybox,kmod,udev,e2fsprogs,grub-common,grub-pc-bin,overlayroot,zstd,cpio ;;
  dracut) include=dracut,systemd,systemd-sysv,kmod,udev,e2fsprogs,zstd,cpio ;;
esac

say "building Debian $suite ($generator) into $chroot (first time only, about 1-3 minutes)"
start=$(date +%s)
mmdebstrap --mode=root --variant=apt \
  --include="$include" \
  --dpkgopt='path-exclude=/usr/share/man/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' \
  --dpkgopt='path-include=/usr/share/locale/locale.alias' \
  --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-include=/usr/share/doc/*/copyright' \
  --customize-hook="set -- \"\$1\" $suite $generator; $customize" \
  "$suite" "$partial" "$mirror" >&2 \
  || die "mmdebstrap failed (see above); nothing was cached"

[ -n "$(ls "$partial"/boot/vmlinuz-* 2>/dev/null)" ] || die "no kernel in $partial/boot"
if ls "$partial"/boot/initrd.img-* >/dev/null 2>&1; then
  die "an initrd was built although INITRD=No was set"
fi
if [ "$generator" = dracut ] && [ -e "$partial/usr/sbin/mkinitramfs" ]; then
  die "initramfs-tools was installed beside dracut"
fi
mv "$partial" "$chroot"
date -u +%Y-%m-%dT%H:%M:%SZ > "$chroot/.complete"
say "done in $(( $(date +%s) - start )) s: kernel $(cat "$chroot/usr/share/overlayboot-e2e/kernel-version"), upgrade to '$(cat "$chroot/usr/share/overlayboot-e2e/upgrade-kernel-version")'"
echo "$chroot"
