# Sourced by the build scripts: sets $jdk to the JDK 25 under /usr/lib/jvm the build uses (SIGNET_BUILD_JDK wins), or
# exits with a message naming the script that needed it.
jdk=""
for candidate in "${SIGNET_BUILD_JDK:-}" /usr/lib/jvm/temurin-25* /usr/lib/jvm/*-25-*; do
  if [[ -n "$candidate" && -x "$candidate/bin/jlink" ]]; then jdk="$candidate"; break; fi
done
if [[ -z "$jdk" ]]; then
  echo "$(basename "$0"): no JDK 25 with jlink under /usr/lib/jvm (set SIGNET_BUILD_JDK)" >&2
  exit 1
fi
