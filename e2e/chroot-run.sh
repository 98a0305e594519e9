#!/usr/bin/env bash
# Run a command inside a throwaway copy of the cached chroot (built by e2e/build-chroot.sh).
#
#   e2e/chroot-run.sh DIR CMD [ARG...]          run CMD inside the copy (chroot)
#   e2e/chroot-run.sh --host DIR CMD [ARG...]   run CMD on the host, with the copy mounted at
#                                               $OVERLAYBOOT_TARGET (e.g. `overlayboot install --root`)
#   --chroot NAME (before DIR)                  copy $OVERLAYBOOT_CACHE/NAME instead of .../chroot
#                                               (chroot-trixie, chroot-dracut: see build-chroot.sh)
#
# The copy is an overlay mount in a private mount namespace: the cached chroot is its read-only
# lower layer and DIR/upper its upper layer, so the cache is never modified and DIR/upper holds
# exactly what changed (e.g. boot/initrd.img-VERSION after update-initramfs). Files placed in
# DIR/upper before the call (e.g. `overlayboot render --out DIR/upper`) are seen by the command
# as if installed. Nothing stays mounted after the command ends.
set -euo pipefail

host=0
name=chroot
while :; do
  case "${1:-}" in
    --host) host=1; shift ;;
    --chroot)
      case "${2:-}" in
        chroot | chroot-trixie | chroot-dracut) name=$2; shift 2 ;;
        *) printf "chroot-run: unknown chroot '%s' (use chroot, chroot-trixie or chroot-dracut)\n" "${2:-}" >&2; exit 2 ;;
      esac
      ;;
    *) break ;;
  esac
done
[ $# -ge 2 ] || { printf 'usage: %s [--host] [--chroot NAME] DIR CMD [ARG...]\n' "$0" >&2; exit 2; }
dir=$(realpath -m "$1"); shift
chroot=${OVERLAYBOOT_CACHE:-/var/cache/overlayboot}/$name
[ -e "$chroot/.complete" ] || { echo "chroot-run: $chroot is not built (hint: run e2e/build-chroot.sh)" >&2; exit 4; }
mkdir -p "$dir/upper" "$dir/work" "$dir/merged"

# unshare -m: the mounts below vanish with the namespace; -p -f: nothing in the chroot can
# signal or reboot the host's processes.
# shellcheck disable=SC2016 # the inner script expands its own arguments
exec unshare -m -p -f --propagation private bash -euo pipefail -c '
  chroot=$1 dir=$2 host=$3; shift 3
  m=$dir/merged
  mount -t overlay overlay -o "lowerdir=$chroot,upperdir=$dir/upper,workdir=$dir/work" "$m"
  mount -t proc proc "$m/proc"
  mount -t sysfs sysfs "$m/sys"
  mount --bind /dev "$m/dev"
  mount -t tmpfs tmpfs "$m/tmp"
  mount -t tmpfs tmpfs "$m/run"
  if [ "$host" = 1 ]; then
    OVERLAYBOOT_TARGET=$m exec "$@"
  fi
  exec chroot "$m" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
    DEBIAN_FRONTEND=noninteractive "$@"
' chroot-run "$chroot" "$dir" "$host" "$@"
