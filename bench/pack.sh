#!/usr/bin/env bash
# $ob and $java_flags are command lines, split on purpose.
# shellcheck disable=SC2086
# pack benchmark: `overlayboot pack --tree DIR --compress zstd --level 3` against
# `find | sort | cpio -o -H newc | zstd -3`, on a kernel's whole /lib/modules/VERSION (from the
# cached Debian chroot, e2e/build-chroot.sh), same level; output sizes and peak memory.
#   bench/pack.sh [DIR]            results in bench/out/pack.md
# shellcheck source=bench/common.sh
. "$(dirname "$0")/common.sh"
if [ $# -ge 1 ]; then tree=$1; else
  chroot=$("$root/e2e/build-chroot.sh")
  tree=$chroot/usr/lib/modules/$(cat "$chroot/usr/share/overlayboot-e2e/kernel-version")
fi
cache=$(aot pack pack --tree "$tree" --out "$out/train.cpio.zst" --compress zstd --level 3)
ob="java $java_flags -XX:AOTCache=$cache -jar $jar"
pipeline="cd $tree && find . | LC_ALL=C sort | cpio --quiet -o -H newc | zstd -q -3 > $out/pipeline.cpio.zst"

echo "## pack: $tree, $(du -sm "$tree" | cut -f1) MB, $(find "$tree" | wc -l) entries" > "$out/pack.md"
hyperfine --warmup 1 --runs 5 --export-markdown "$out/pack-times.md" \
  -n "overlayboot pack --tree (zstd -3, 2 workers)" "$ob pack --tree $tree --out $out/ob.cpio.zst --compress zstd --level 3" \
  -n "find | sort | cpio -o -H newc | zstd -3" "$pipeline"
cat "$out/pack-times.md" >> "$out/pack.md"
{
  echo; echo "| output | bytes |"; echo "|---|---|"
  echo "| overlayboot pack | $(stat -c %s "$out/ob.cpio.zst") |"
  echo "| cpio + zstd -3 | $(stat -c %s "$out/pipeline.cpio.zst") |"
  echo; echo "| peak RSS | |"; echo "|---|---|"
  rss "overlayboot pack --tree" $ob pack --tree "$tree" --out "$out/ob.cpio.zst" --compress zstd --level 3
  rss "cpio -o -H newc (the cpio stage)" sh -c "cd $tree && find . | LC_ALL=C sort | cpio --quiet -o -H newc > /dev/null"
} >> "$out/pack.md"
cat "$out/pack.md"
