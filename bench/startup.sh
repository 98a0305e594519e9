#!/usr/bin/env bash
# $ob_shared, $ob_cold, $hello, $java_flags and what ob prints are command lines, split on purpose.
# shellcheck disable=SC2086
# Start-up benchmark, one hyperfine run, side by side: overlayboot --version, status, settings and
# inspect of a small initrd, each with the AOT cache ./overlayboot picks for it (target/aot/GROUP.aot:
# its own for these commands, see io.overlayboot.cli.AotTraining), with the shared cache every other
# command uses (target/aot/all.aot) and with none, against the floor: a hello-world jar with the same
# JVM flags and its own AOT cache. Then inspect --long of a real Debian initrd (MODULES=most, zstd,
# ~30 MB) against lsinitramfs -l, zstd -dc and its own floor (the JVM's start plus zstd-jni decoding
# the same initrd to nowhere: what no JVM listing can beat). status runs twice: on this host (no GRUB
# menu, no kernel) and on the files of a protected Debian 12 machine with GRUB and two kernels (real
# 30 MB zstd initrds; bench/status-machine.sh builds them once, a few minutes), there as a fleet
# polls it, with what it found in the initrds kept under the tree's /run/overlayboot (written by the
# warm-up runs); then, in a second hyperfine run, that machine's first status of a boot (the entries
# removed before each run). Goals: --version and status (both) within 1.5x of the floor;
# inspect --long at least 2x faster than lsinitramfs -l.
#   bench/startup.sh [INITRD]      results in bench/out/startup.md
# shellcheck source=bench/common.sh
. "$(dirname "$0")/common.sh"
command -v hyperfine >/dev/null || apt-get install -y hyperfine >&2
img=${1:-$("$root/e2e/build-initrds.sh")/most-zstd.img}

# overlayboot's AOT caches and zstd-jni's unpacked library, as the ./overlayboot entry point makes and uses them
for first in --version status settings inspect render; do "$root/overlayboot" "$first" --help >/dev/null 2>&1 || true; done
for first in status settings; do "$root/overlayboot" "$first" --json --help >/dev/null 2>&1 || true; done
for group in version status status-text settings settings-text inspect all; do
  [ -f "$root/target/aot/$group.aot" ] || { echo "startup: ./overlayboot made no AOT cache at $root/target/aot/$group.aot" >&2; exit 5; }
done
zstd_lib=$(find "$root/target/native" -maxdepth 1 -name 'libzstd-jni-*.so' -print -quit)
[ -n "$zstd_lib" ] || { echo "startup: ./overlayboot unpacked no zstd-jni library in $root/target/native" >&2; exit 5; }
java_flags="$java_flags -DZstdNativePath=$zstd_lib"
ob() { echo "java $java_flags -XX:AOTCache=$root/target/aot/$1.aot -jar $jar"; }
ob_shared=$(ob all)
ob_cold="java $java_flags -jar $jar"

# the floor: hello world, same JVM, same flags, its own AOT cache
hw=$out/hello
if [ ! -f "$hw/hello.jar" ]; then
  mkdir -p "$hw/classes"
  printf 'public class Hello { public static void main(String[] a) { System.out.println("hello"); } }\n' >"$hw/Hello.java"
  javac -d "$hw/classes" "$hw/Hello.java"
  jar --create --file "$hw/hello.jar" --main-class Hello -C "$hw/classes" .
fi
floor_flags=${java_flags% -DZstdNativePath=*}
# trained again when this script (and so, maybe, the flags in common.sh) changed: a cache is used with the flags it was made with
if [ ! -f "$hw/hello.aot" ] || [ "$hw/hello.aot" -ot "$0" ] || [ "$hw/hello.aot" -ot "$root/bench/common.sh" ]; then
  java $floor_flags -XX:AOTCacheOutput="$hw/hello.aot" -jar "$hw/hello.jar" >/dev/null 2>&1
fi
hello="java $floor_flags -jar $hw/hello.jar"

# the floor of inspect --long: the same JVM start, then zstd-jni decoding the initrd's (first) zstd
# frame to nowhere, with its own AOT cache. No listing can be faster than the work it cannot skip.
dec=$out/decode
if [ ! -f "$dec/decode.jar" ] || [ "$dec/decode.jar" -ot "$jar" ] || [ "$dec/decode.jar" -ot "$0" ] || [ "$dec/decode.jar" -ot "$root/bench/common.sh" ]; then
  mkdir -p "$dec/classes"
  cat >"$dec/Decode.java" <<'JAVA'
import com.github.luben.zstd.ZstdDecompressCtx;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

// The way inspect decodes (initramfs/ZstdSegmentInput): the file read into a direct buffer, decoded
// into another, no byte through the heap; here on one thread, and nothing done with the bytes.
public class Decode {
    public static void main(String[] args) throws Exception {
        long total = 0;
        try (FileChannel file = FileChannel.open(Path.of(args[0])); ZstdDecompressCtx zstd = new ZstdDecompressCtx()) {
            ByteBuffer head = ByteBuffer.allocate(1 << 20);
            int n = file.read(head, 0);
            int at = 0;
            while (at + 3 < n && !((head.get(at) & 0xff) == 0x28 && (head.get(at + 1) & 0xff) == 0xb5 && (head.get(at + 2) & 0xff) == 0x2f && (head.get(at + 3) & 0xff) == 0xfd)) {
                at++;
            }
            ByteBuffer source = ByteBuffer.allocateDirect(1 << 20).flip();
            ByteBuffer target = ByteBuffer.allocateDirect(1 << 20);
            long position = at;
            boolean done = false;
            boolean pending = false;
            while (!done) {
                if (!source.hasRemaining() && !pending) {
                    source.clear();
                    int k = file.read(source, position);
                    if (k <= 0) {
                        throw new IllegalStateException("the zstd frame is truncated");
                    }
                    position += k;
                    source.flip();
                }
                target.clear();
                done = zstd.decompressDirectByteBufferStream(target, source);
                pending = !target.hasRemaining();
                total += target.position();
            }
        }
        System.out.println(total);
        Runtime.getRuntime().halt(0);
    }
}
JAVA
  javac -cp "$jar" -d "$dec/classes" "$dec/Decode.java"
  jar --create --file "$dec/decode.jar" -C "$dec/classes" .
  rm -f "$dec/decode.aot"
fi
decode_cp="-cp $dec/decode.jar:$jar Decode"
[ -f "$dec/decode.aot" ] || java $java_flags -XX:AOTCacheOutput="$dec/decode.aot" $decode_cp "$img" >/dev/null

# a small initrd: the rendered files, packed (zstd)
small=$out/small.img
if [ ! -f "$small" ] || [ "$small" -ot "$jar" ]; then
  tree=$(mktemp -d)
  $ob_cold render --out "$tree/root" >/dev/null
  $ob_cold pack --tree "$tree/root" --out "$small" >/dev/null
  rm -rf "$tree"
fi
mounts=/proc/self/mounts
machine=$("$root/bench/status-machine.sh")

{
  echo "## start-up: $(java -version 2>&1 | head -n 1), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "small initrd: $(du -k "$small" | cut -f1) kB; Debian initrd: $(basename "$img"), $(du -m "$img" | cut -f1) MB"
  echo
} >"$out/startup.md"
# status exits 1 on a machine that is not protected: -i
hyperfine -N -i --warmup 2 --runs "${RUNS:-10}" --export-json "$out/startup.json" --export-markdown "$out/startup-times.md" \
  -n "floor: hello world (AOT cache)" "$hello -XX:AOTCache=$hw/hello.aot" \
  -n "hello world (no cache)" "$hello" \
  -n "overlayboot --version (AOT cache)" "$(ob version) --version" \
  -n "overlayboot --version (shared cache)" "$ob_shared --version" \
  -n "overlayboot --version (no cache)" "$ob_cold --version" \
  -n "./overlayboot --version (the script)" "$root/overlayboot --version" \
  -n "overlayboot status (AOT cache)" "$(ob status-text) status --mounts $mounts" \
  -n "overlayboot status (shared cache)" "$ob_shared status --mounts $mounts" \
  -n "overlayboot status (no cache)" "$ob_cold status --mounts $mounts" \
  -n "overlayboot status, machine with GRUB and 2 kernels (AOT cache)" "$(ob status-text) status --root $machine --mounts $machine.mounts" \
  -n "overlayboot settings (AOT cache)" "$(ob settings-text) settings" \
  -n "overlayboot settings --json (AOT cache)" "$(ob settings) settings --json" \
  -n "overlayboot settings (no cache)" "$ob_cold settings" \
  -n "overlayboot inspect small initrd (AOT cache)" "$(ob inspect) inspect $small" \
  -n "overlayboot inspect small initrd (no cache)" "$ob_cold inspect $small" \
  -n "overlayboot inspect --long Debian initrd (AOT cache)" "$(ob inspect) inspect --long $img" \
  -n "overlayboot inspect --long Debian initrd (shared cache)" "$ob_shared inspect --long $img" \
  -n "overlayboot inspect --long Debian initrd (no cache)" "$ob_cold inspect --long $img" \
  -n "lsinitramfs -l Debian initrd" "lsinitramfs -l $img" \
  -n "floor of inspect: JVM + zstd-jni decode of the Debian initrd (AOT cache)" "java $java_flags -XX:AOTCache=$dec/decode.aot $decode_cp $img" \
  -n "zstd -dc Debian initrd" "zstd -q -dc $img"
# the first status of a boot on that machine: nothing kept yet, both initrds read
hyperfine -N --runs "${FIRST_RUNS:-5}" --prepare "rm -rf $machine/run/overlayboot/initrds" \
  --export-json "$out/startup-first.json" --export-markdown "$out/startup-first.md" \
  -n "overlayboot status, machine with GRUB and 2 kernels, first of the boot (AOT cache)" \
  "$(ob status-text) status --root $machine --mounts $machine.mounts"
{ cat "$out/startup-times.md"; echo; cat "$out/startup-first.md"; } >>"$out/startup.md"

# The goals, from the means (wall clock) and CPU time (user + system, steadier on a shared machine);
# met only when both say so.
python3 - "$out/startup.json" "$out/startup-first.json" >>"$out/startup.md" <<'PY'
import json, sys
r = {x["command"]: x for f in sys.argv[1:] for x in json.load(open(f))["results"]}
wall = lambda n: r[n]["mean"] * 1000
cpu = lambda n: (r[n]["user"] + r[n]["system"]) * 1000
floor = "floor: hello world (AOT cache)"
print("\n| goal | wall clock | CPU (user+sys) | met |\n|---|---|---|---|")
for name in ("overlayboot --version (AOT cache)", "overlayboot status (AOT cache)",
             "overlayboot status, machine with GRUB and 2 kernels (AOT cache)"):
    w, c = wall(name) / wall(floor), cpu(name) / cpu(floor)
    what = name.removeprefix("overlayboot ").removesuffix(" (AOT cache)")
    print(f"| {what} within 1.5x of the floor | {wall(name):.0f} ms = {w:.2f}x | {cpu(name):.0f} ms = {c:.2f}x | {'met' if w <= 1.5 and c <= 1.5 else 'missed'} |")
first = "overlayboot status, machine with GRUB and 2 kernels, first of the boot (AOT cache)"
print(f"| (no goal) status, machine with GRUB and 2 kernels, first of the boot | {wall(first):.0f} ms = {wall(first) / wall(floor):.2f}x | {cpu(first):.0f} ms = {cpu(first) / cpu(floor):.2f}x | |")
ob, ls = "overlayboot inspect --long Debian initrd (AOT cache)", "lsinitramfs -l Debian initrd"
w, c = wall(ls) / wall(ob), cpu(ls) / cpu(ob)
print(f"| inspect --long 2x faster than lsinitramfs -l | {wall(ob):.0f} vs {wall(ls):.0f} ms = {w:.2f}x faster | {cpu(ob):.0f} vs {cpu(ls):.0f} ms = {c:.2f}x | {'met' if w >= 2 and c >= 2 else 'missed'} |")
fl = "floor of inspect: JVM + zstd-jni decode of the Debian initrd (AOT cache)"
print(f"| (the floor of any JVM listing: start + decode, vs lsinitramfs -l) | {wall(fl):.0f} ms = {wall(ls) / wall(fl):.2f}x faster | {cpu(fl):.0f} ms = {cpu(ls) / cpu(fl):.2f}x | - |")
print(f"| (inspect --long over that floor) | {wall(ob) / wall(fl):.2f}x | {cpu(ob) / cpu(fl):.2f}x | - |")
PY
cat "$out/startup.md"
