#!/usr/bin/env bash
# Builds target/overlayboot_VERSION_amd64.deb: the CLI jar, its own jlink'd Java runtime (Debian 12
# and 13 ship no Java 25), AOT caches for fast start-up (status, inspect, and one for the rest:
# io.overlayboot.cli.AotTraining), zstd-jni's native library unpacked, and
# /usr/bin/overlayboot (packaging/launcher.sh), which picks the cache by the first argument. Installing the
# package changes nothing about how the machine boots; 'overlayboot enable' does that.
# Needs: target/overlayboot.jar and target/manual (man pages and bash completion generated from the
# picocli model by cli/ManualPages): both made by 'mvn -Pdeb package', which then runs this script.
# Temurin 25 (JAVA_HOME), dpkg-deb.
set -euo pipefail
# The training and render runs below use the runtime with the launcher's flags and nothing else, as
# /usr/bin/overlayboot runs it (packaging/launcher.sh clears these too): a cache made with other
# flags would be ignored, and a GC flag here would stop the JVM.
unset JAVA_TOOL_OPTIONS JDK_JAVA_OPTIONS _JAVA_OPTIONS
here=$(cd "$(dirname "$0")/.." && pwd)
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
jar="$here/target/overlayboot.jar"
manual="$here/target/manual"
[ -f "$jar" ] || { echo "build-deb: $jar is missing (hint: mvn -Pdeb package)" >&2; exit 4; }
if [ ! -f "$manual/man1/overlayboot.1" ] || [ ! -f "$manual/bash-completion/overlayboot" ]; then
	echo "build-deb: the generated man pages in $manual are missing (hint: mvn -Pdeb package)" >&2
	exit 4
fi
version=$(unzip -p "$jar" io/overlayboot/version.properties | sed -n 's/^version=//p')
stage="$here/target/deb/overlayboot_${version}_amd64"
out="$here/target/overlayboot_${version}_amd64.deb"
rm -rf "$stage"
mkdir -p "$stage/DEBIAN" "$stage/usr/bin" "$stage/usr/lib/overlayboot" "$stage/usr/share/doc/overlayboot"

echo "build-deb: jlink runtime" >&2
modules=$("$JAVA_HOME/bin/jdeps" --print-module-deps --ignore-missing-deps --multi-release 25 "$jar")
# jdk.unsupported: maintenance handles SIGTERM through sun.misc.Signal by reflection, which jdeps cannot see.
"$JAVA_HOME/bin/jlink" --add-modules "$modules,jdk.zipfs,jdk.unsupported" --strip-debug --no-man-pages --no-header-files \
	--compress=zip-6 --output "$stage/usr/lib/overlayboot/runtime"
find "$stage/usr/lib/overlayboot/runtime" -type f \( -name '*.so' -o -perm -u+x \) -exec strip --strip-unneeded {} +
install -m 0644 "$jar" "$stage/usr/lib/overlayboot/overlayboot.jar"

# zstd-jni's native library, unpacked once here instead of into /tmp at every start that reads zstd
mkdir -p "$stage/usr/lib/overlayboot/native"
unzip -q -j "$jar" 'linux/amd64/libzstd-jni-*.so' -d "$stage/usr/lib/overlayboot/native"
strip --strip-unneeded "$stage"/usr/lib/overlayboot/native/libzstd-jni-*.so
zstd_lib=$(cd "$stage/usr/lib/overlayboot/native" && ls libzstd-jni-*.so)
# the same flags as ./overlayboot (see there, also for -XX:-UsePerfData), in training and in use
java_opts="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData --enable-native-access=ALL-UNNAMED"
# An AOT cache for status (the login notice, scripts and fleets polling it) and inspect (a 30 MB
# initrd), each trained on itself alone (the JVM loads every class of a cache at start, so a cache
# trained on everything costs them more than it saves), and one for every other command. Each cache
# is 11-24 MB; --version and settings have their own in ./overlayboot (target/aot) but not here,
# where 27 MB more installed size for commands typed by hand is not worth ~90 ms each (README,
# "Measured"). The flags must be the ones the launcher uses, or the JVM ignores the cache.
mkdir -p "$stage/usr/lib/overlayboot/aot"
for group in status inspect all; do
	echo "build-deb: AOT cache $group (training run)" >&2
	log=$(mktemp)
	# shellcheck disable=SC2086
	"$stage/usr/lib/overlayboot/runtime/bin/java" $java_opts -DZstdNativePath="$stage/usr/lib/overlayboot/native/$zstd_lib" \
		-XX:AOTCacheOutput="$stage/usr/lib/overlayboot/aot/$group.aot" \
		-cp "$stage/usr/lib/overlayboot/overlayboot.jar" io.overlayboot.cli.AotTraining "$group" </dev/null >/dev/null 2>"$log" \
		|| { cat "$log" >&2; exit 5; }
	rm -f "$log"
	[ -s "$stage/usr/lib/overlayboot/aot/$group.aot" ] || { echo "build-deb: no AOT cache for $group" >&2; exit 5; }
done

# The boot files in the package's own places (render --layout package): the initramfs-tools hook
# and init-bottom script under /usr/share/initramfs-tools, the dracut module, and under /etc only
# the conffiles (the config with no mode=, the kernel and initramfs guards, the login notice). Every
# one is inert until 'overlayboot enable' (or 'install'): the boot script acts only on aufs=,
# overlayboot= or mode=, the guards only when a manifest exists.
boot=$(mktemp -d)
# shellcheck disable=SC2086
"$stage/usr/lib/overlayboot/runtime/bin/java" $java_opts -jar "$stage/usr/lib/overlayboot/overlayboot.jar" \
	render --layout package --out "$boot/root" >/dev/null
cp -a "$boot/root/." "$stage/"
rm -rf "$boot"

# The boot helper's initramfs runtime, when it was built (packaging/build-helper-runtime.sh).
if [ -d "$here/target/helper-runtime/usr/lib/overlayboot" ]; then
	cp -a "$here/target/helper-runtime/usr/lib/overlayboot/." "$stage/usr/lib/overlayboot/"
fi

# /usr/bin/overlayboot: packaging/launcher.sh with the flags the caches were trained with
sed -e "s|@JAVA_OPTS@|$java_opts|" -e "s|@ZSTD_LIB@|$zstd_lib|" "$here/packaging/launcher.sh" >"$stage/usr/bin/overlayboot"
if grep -q '@[A-Z_]*@' "$stage/usr/bin/overlayboot"; then
	echo "build-deb: a placeholder of packaging/launcher.sh was not filled in" >&2
	exit 5
fi
chmod 0755 "$stage/usr/bin/overlayboot"

mkdir -p "$stage/usr/share/man/man1" "$stage/usr/share/lintian/overrides" "$stage/usr/share/bash-completion/completions"
for page in "$manual"/man1/*.1; do
	name=$(basename "$page")
	gzip -9n <"$page" >"$stage/usr/share/man/man1/$name.gz"
done
install -m 0644 "$manual/bash-completion/overlayboot" "$stage/usr/share/bash-completion/completions/overlayboot"
install -m 0644 "$here/packaging/debian/lintian-overrides" "$stage/usr/share/lintian/overrides/overlayboot"
install -m 0644 "$here/packaging/debian/copyright" "$stage/usr/share/doc/overlayboot/copyright"
gzip -9n <"$here/packaging/debian/changelog" >"$stage/usr/share/doc/overlayboot/changelog.gz"
size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@SIZE@/$size/" "$here/packaging/debian/control" >"$stage/DEBIAN/control"
install -m 0755 "$here/packaging/debian/preinst" "$stage/DEBIAN/preinst"
install -m 0755 "$here/packaging/debian/prerm" "$stage/DEBIAN/prerm"
install -m 0755 "$here/packaging/debian/postrm" "$stage/DEBIAN/postrm"
# Every file under /etc is the admin's to edit: a conffile, kept across upgrades, removed on purge.
(cd "$stage" && find etc -type f | LC_ALL=C sort | sed 's|^|/|') >"$stage/DEBIAN/conffiles"
# The initrds are rebuilt through initramfs-tools' trigger (on install, upgrade and removal),
# never by calling update-initramfs; without initramfs-tools nobody is interested and nothing runs.
printf '%s\n' 'activate-noawait update-initramfs' >"$stage/DEBIAN/triggers"
find "$stage" -type d -exec chmod 0755 {} +
find "$stage" -type f -perm 0444 -exec chmod 0644 {} +
dpkg-deb --root-owner-group -Zgzip --build "$stage" "$out" >&2
echo "$out"
