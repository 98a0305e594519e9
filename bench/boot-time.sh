#!/usr/bin/env bash
# Time the protection step inside the initramfs (shell path vs Debian's overlayroot) over several
# QEMU boots of the boot-test guest; prints a Markdown table. Needs root and what the boot tests
# need (docs/boot-tests.md). Usage: bench/boot-time.sh [BOOTS_PER_VARIANT]   (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export PATH="$JAVA_HOME/bin:$PATH"
[ -f target/overlayboot.jar ] || mvn -q -B -ntp package -DskipTests
exec java --enable-native-access=ALL-UNNAMED -cp target/overlayboot.jar bench/BootTimeBench.java "${1:-5}"
