# shellcheck shell=bash
# Shared by the initramfs benchmarks: the JVM flags, the jar and its AOT cache.
# Java 25 AOT cache: a training run writes it (-XX:AOTCacheOutput), later runs map it (-XX:AOTCache).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export PATH="$JAVA_HOME/bin:$PATH"
jar=$root/target/overlayboot.jar
out=$root/bench/out
mkdir -p "$out"
[ -f "$jar" ] || (cd "$root" && mvn -q -B -ntp package -DskipTests)
java_flags="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData --enable-native-access=ALL-UNNAMED"
# aot NAME TRAINING-ARGS...: make $out/NAME.aot from one run of the jar with those arguments.
aot() {
  local cache=$out/$1.aot; shift
  if [ ! -f "$cache" ] || [ "$cache" -ot "$jar" ]; then
    rm -f "$cache"
    # shellcheck disable=SC2086 # java_flags is a list of flags
    java $java_flags -XX:AOTCacheOutput="$cache" -jar "$jar" "$@" >/dev/null 2>&1
  fi
  echo "$cache"
}
rss() { # rss LABEL CMD...: peak resident memory of one run, in MB
  local kb
  kb=$(/usr/bin/time -f '%M' "${@:2}" 2>&1 >/dev/null | tail -n 1)
  printf '| %s | %d MB |\n' "$1" $((kb / 1024))
}
