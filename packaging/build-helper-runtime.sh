#!/bin/sh
# Builds the JVM form of the boot helper, laid out as it is installed and put into the initramfs:
#   OUT/jvm/         a jlink'd java.base-only runtime (glibc is its only outside dependency)
#   OUT/helper.jar   the helper (target/overlayboot-helper.jar)
#   OUT/helper.aot   an AOT cache from a training run of 'plan' (JDK 25 -XX:AOTCacheOutput)
# OUT is normally /usr/lib/overlayboot, or CHROOT/usr/lib/overlayboot for a test image.
#
# usage: packaging/build-helper-runtime.sh [--jar JAR] [--no-aot] OUT
# needs: a JDK 25 (JAVA_HOME or the java on PATH) with jlink; run 'mvn package' first for the jar.
set -eu
# The training run uses the runtime with the helper's flags and nothing else, as the initramfs runs
# it: a cache made with the user's JVM variables' flags would be ignored at boot (or a GC flag there
# would stop the JVM); the launchers clear them too (README, "JVM options").
unset JAVA_TOOL_OPTIONS JDK_JAVA_OPTIONS _JAVA_OPTIONS

jar=""
aot=1
while [ $# -gt 1 ]; do
	case "$1" in
	--jar) jar=$2; shift 2 ;;
	--no-aot) aot=0; shift ;;
	*) break ;;
	esac
done
if [ $# -ne 1 ]; then
	echo "usage: $0 [--jar JAR] [--no-aot] OUT" >&2
	exit 2
fi
out=$1
here=$(cd "$(dirname "$0")/.." && pwd)
jar=${jar:-$here/target/overlayboot-helper.jar}
jdk=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
if [ ! -r "$jar" ]; then
	echo "build-helper-runtime: no helper jar at $jar (run 'mvn package' first)" >&2
	exit 3
fi
if [ ! -x "$jdk/bin/jlink" ]; then
	echo "build-helper-runtime: no jlink in $jdk (set JAVA_HOME to a JDK 25)" >&2
	exit 4
fi

mkdir -p "$out"
rm -rf "$out/jvm" "$out/helper.aot"
"$jdk/bin/jlink" --add-modules java.base --strip-debug --no-man-pages --no-header-files \
	--compress=zip-9 --output "$out/jvm"
cp "$jar" "$out/helper.jar"

# Only glibc may appear: initramfs-tools' copy_exec carries exactly what ldd lists.
bad=$(find "$out/jvm" -type f \( -name '*.so' -o -path '*/bin/java' \) -exec ldd {} + 2>/dev/null \
	| grep '=>' | grep -v -e 'libc\.so' -e 'libm\.so' -e 'libdl\.so' -e 'libpthread\.so' -e 'librt\.so' \
	-e 'ld-linux' -e 'linux-vdso' -e "$out/jvm" -e 'libjvm\.so => not found' -e 'libjli\.so => not found' || true)
if [ -n "$bad" ]; then
	echo "build-helper-runtime: the runtime needs libraries beyond glibc:" >&2
	echo "$bad" >&2
	exit 5
fi

if [ "$aot" = 1 ]; then
	# A training run of 'plan' (the settings parser, the plan, the console) records the classes
	# the helper loads and links; the cache stays valid when OUT moves (the runtime and the jar
	# are found relative to each other), so it is made here and used at /usr/lib/overlayboot.
	train=$(mktemp -d)
	printf 'quiet aufs=tmpfs overlayboot=tmpfs:size=25%%,swap=1,bogus=1\n' >"$train/cmdline"
	printf 'mode=device\ndev=LABEL=keep\ntimeout=bad\n' >"$train/conf"
	(cd "$out" && ./jvm/bin/java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData --enable-native-access=ALL-UNNAMED \
		-XX:AOTCacheOutput=helper.aot -cp helper.jar io.overlayboot.helper.HelperMain \
		plan --cmdline "$train/cmdline" --config "$train/conf" >/dev/null)
	rm -rf "$train"
fi
du -sh "$out" | sed 's/^/build-helper-runtime: /'
