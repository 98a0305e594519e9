#!/bin/sh
# /usr/bin/overlayboot: overlayboot, with the runtime it carries and the AOT cache trained on this
# command's group. packaging/build-deb.sh fills in the two placeholders: the JVM flags the caches
# were trained with (the JVM ignores a cache made with other flags) and zstd-jni's library.
case "${1:-}" in
status | inspect) group=$1 ;;
*) group=all ;;
esac
# The JVM's environment variables are for the user's own Java programs, not for the runtime this
# package carries: a GC flag in them (JAVA_TOOL_OPTIONS=-XX:+UseG1GC) made the JVM refuse to start
# beside -XX:+UseSerialGC, with exit code 1, which is status's "not protected"; other flags could
# write to stdout or turn the AOT cache off. OVERLAYBOOT_JAVA_OPTIONS is the way to give this JVM
# flags: split on blanks, never globbed, after ours (so they win); a GC named there replaces the
# serial GC (README, "JVM options").
unset JAVA_TOOL_OPTIONS JDK_JAVA_OPTIONS _JAVA_OPTIONS
set -f
serial_off=
for opt in ${OVERLAYBOOT_JAVA_OPTIONS:-}; do
	case $opt in
	-XX:+Use*GC) serial_off=-XX:-UseSerialGC ;;
	esac
done
# The JVM's own messages go to stderr (its default is stdout, which would corrupt --json), and a
# cache it cannot use (more than 32 GiB of heap turns compressed oops off, another GC, a damaged
# file) is skipped silently.
# shellcheck disable=SC2086 # the flags are lists of words, split on blanks (and not globbed: set -f)
exec /usr/lib/overlayboot/runtime/bin/java -XX:AOTCache=/usr/lib/overlayboot/aot/$group.aot @JAVA_OPTS@ \
	'-Xlog:disable' '-Xlog:all=warning,aot*=off:stderr' \
	-DZstdNativePath=/usr/lib/overlayboot/native/@ZSTD_LIB@ $serial_off ${OVERLAYBOOT_JAVA_OPTIONS:-} \
	-jar /usr/lib/overlayboot/overlayboot.jar "$@"
