#!/bin/sh
# Start-up of the boot helper's JVM form against the shell script, measured on what both do
# first at boot: resolve the settings and print the plan (nothing is mounted).
#   1. the boot script (dash), OVERLAYBOOT_PLAN=1
#   2. the helper on the jlink'd runtime, no AOT cache
#   3. the helper on the jlink'd runtime with the AOT cache (as the initramfs runs it)
# usage: [RUNS=N] [OUT=results.md] bench/helper-startup.sh [RUNTIME_DIR]   (default: build one into target/helper-runtime)
# needs: hyperfine, a JDK 25, 'mvn package' done (target/overlayboot.jar, target/overlayboot-helper.jar)
set -eu
cd "$(dirname "$0")/.."
rt=${1:-target/helper-runtime}
if [ ! -x "$rt/jvm/bin/java" ]; then
	packaging/build-helper-runtime.sh "$rt" 2>&1 | grep -v -e JAVA_TOOL_OPTIONS -e 'AOT configuration' || true
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
java -jar target/overlayboot.jar render --out "$work/out" >/dev/null
script=$work/out/etc/initramfs-tools/scripts/init-bottom/overlayboot
echo "quiet aufs=LABEL=data overlayboot=device:timeout=5,swap=1,bogus=1" >"$work/cmdline"
printf 'size=25%%\nonerror=panic\n' >"$work/conf"
flags="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData --enable-native-access=ALL-UNNAMED"
args="plan --cmdline $work/cmdline --config $work/conf --rootmnt /root"

# shellcheck disable=SC2086
hyperfine -N --warmup 3 --runs "${RUNS:-30}" ${OUT:+--export-markdown "$OUT"} \
	-n "shell script (dash)" "env OVERLAYBOOT_PLAN=1 OVERLAYBOOT_CMDLINE=$work/cmdline OVERLAYBOOT_CONF=$work/conf rootmnt=/root dash $script" \
	-n "helper, jlink'd JVM" "$rt/jvm/bin/java $flags -cp $rt/helper.jar io.overlayboot.helper.HelperMain $args" \
	-n "helper, jlink'd JVM + AOT cache" "$rt/jvm/bin/java -XX:AOTCache=$rt/helper.aot $flags -cp $rt/helper.jar io.overlayboot.helper.HelperMain $args"
