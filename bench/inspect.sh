#!/usr/bin/env bash
# $ob and $java_flags are command lines, split on purpose.
# shellcheck disable=SC2086
# inspect benchmark: `overlayboot inspect --long` against `lsinitramfs -l` and the floor `zstd -dc`,
# on a real Debian initrd (mkinitramfs, MODULES=most, zstd; built by e2e/build-initrds.sh), plus
# peak memory on a 10 MB and a 1 GB archive.
#   bench/inspect.sh [INITRD]      results in bench/out/inspect.md
# shellcheck source=bench/common.sh
. "$(dirname "$0")/common.sh"
img=${1:-$("$root/e2e/build-initrds.sh")/most-zstd.img}
# the AOT cache and zstd-jni's unpacked library as the ./overlayboot entry point makes and uses them
"$root/overlayboot" inspect --help >/dev/null 2>&1 || true
cache=$root/target/aot/inspect.aot
[ -f "$cache" ] || { echo "inspect: ./overlayboot made no AOT cache at $cache" >&2; exit 5; }
zstd_lib=$(find "$root/target/native" -maxdepth 1 -name 'libzstd-jni-*.so' -print -quit)
[ -n "$zstd_lib" ] || { echo "inspect: ./overlayboot unpacked no zstd-jni library in $root/target/native" >&2; exit 5; }
java_flags="$java_flags -DZstdNativePath=$zstd_lib"
ob="java $java_flags -XX:AOTCache=$cache -jar $jar"
ob_cold="java $java_flags -jar $jar"

echo "## inspect: $(basename "$img"), $(du -m "$img" | cut -f1) MB, $(zstd -dc "$img" | wc -c | awk '{printf "%.1f", $1/1048576}') MB of cpio" > "$out/inspect.md"
hyperfine -N --warmup 2 --runs 10 --export-markdown "$out/inspect-times.md" \
  -n "overlayboot inspect --long (AOT cache)" "$ob inspect --long $img" \
  -n "overlayboot inspect --long (no AOT cache)" "$ob_cold inspect --long $img" \
  -n "lsinitramfs -l" "lsinitramfs -l $img" \
  -n "zstd -dc (the floor)" "zstd -q -dc $img" \
  -n "JVM start: overlayboot --version (AOT cache)" "$ob --version"
cat "$out/inspect-times.md" >> "$out/inspect.md"

# Peak memory does not grow with the archive: a 10 MB and a 1 GB cpio (zstd -1), same entry sizes.
mk() { # mk MB FILE: an archive of MB one-MB files
  local dir; dir=$(mktemp -d)
  python3 - "$1" > "$dir/a.cpio" <<'PY'
import sys
def entry(name, mode, data_len, ino):
    n = name.encode() + b"\0"
    h = b"070701" + b"".join(b"%08X" % v for v in (ino, mode, 0, 0, 1, 0, data_len, 0, 0, 0, 0, len(n), 0))
    out = h + n + b"\0" * ((4 - (len(h) + len(n)) % 4) % 4)
    return out
w = sys.stdout.buffer
block = bytes(range(256)) * 4096  # 1 MiB
for i in range(int(sys.argv[1])):
    w.write(entry("f%05d" % i, 0o100644, len(block), i + 1)); w.write(block)
w.write(entry("TRAILER!!!", 0, 0, 0))
PY
  zstd -q -1 -f "$dir/a.cpio" -o "$2"; rm -rf "$dir"
}
[ -f "$out/10m.img" ] || mk 10 "$out/10m.img"
[ -f "$out/1g.img" ] || mk 1024 "$out/1g.img"
{
  echo; echo "| peak RSS (/usr/bin/time -f %M) | |"; echo "|---|---|"
  rss "overlayboot inspect, 10 MB of cpio" $ob inspect "$out/10m.img"
  rss "overlayboot inspect, 1 GB of cpio" $ob inspect "$out/1g.img"
  rss "overlayboot inspect --long, $(basename "$img")" $ob inspect --long "$img"
  rss "lsinitramfs -l, $(basename "$img")" lsinitramfs -l "$img"
} >> "$out/inspect.md"
cat "$out/inspect.md"
