#!/usr/bin/env bash
# Writes THIRD-PARTY.txt: one line per bundled jar of lib/ (except Signet's own) with the licence names its
# Maven POM declares, looked up in the POM inside the jar, then in its parent POMs in the local repository
# (~/.m2, offline; a jar without an embedded POM is matched to its POM there by file name), then in the jar manifest's Bundle-License; "licence not declared" when none says.
# Usage: third-party.sh <lib-dir> <output-file> [<local-repository>]
set -euo pipefail
lib="$1"
output="$2"
repo="${3:-$HOME/.m2/repository}"

# licence names of a POM text on stdin
licences() { tr -d '\n' | grep -o '<licenses>.*</licenses>' | grep -o '<name>[^<]*</name>' | sed -e 's/<[^>]*>//g' -e 's/^ *//;s/ *$//' | paste -sd';' - | sed 's/;/; /g'; }
# the parent's groupId:artifactId:version of a POM text on stdin
parent() { tr -d '\n' | grep -o '<parent>.*</parent>' | sed -e 's/<relativePath[^>]*>[^<]*<\/relativePath>//' | awk '{
  g=$0; sub(/.*<groupId>[ ]*/, "", g); sub(/[ ]*<\/groupId>.*/, "", g)
  a=$0; sub(/.*<artifactId>[ ]*/, "", a); sub(/[ ]*<\/artifactId>.*/, "", a)
  v=$0; sub(/.*<version>[ ]*/, "", v); sub(/[ ]*<\/version>.*/, "", v)
  print g ":" a ":" v }'; }

# POMs of the local repository by file name, for jars without an embedded POM (Gradle and Bazel builds)
pom_index="$(mktemp)"
trap 'rm -f "$pom_index"' EXIT
find "$repo" -name '*.pom' > "$pom_index"
# the local POM of a jar file name (name-version[-classifier].jar), empty when none
local_pom() {
  local base="${1%.jar}"
  while [[ "$base" == *-* ]]; do
    local hit; hit="$(grep -F "/$base.pom" "$pom_index" | head -1 || true)"
    if [[ -n "$hit" ]]; then echo "$hit"; return; fi
    base="${base%-*}"
  done
}

{
  echo "Third-party software bundled in lib/ (generated at build time from each jar's Maven POM)."
  echo "Format: jar | licence(s) declared"
  echo
  for jar in "$lib"/*.jar; do
    name="$(basename "$jar")"
    [[ "$name" == signet-* ]] && continue
    pom="$(unzip -Z1 "$jar" 'META-INF/maven/*/pom.xml' 2>/dev/null | head -1 || true)"
    found=""
    text=""
    if [[ -n "$pom" ]]; then
      text="$(unzip -p "$jar" "$pom")"
    else
      file="$(local_pom "$name")"
      [[ -n "$file" ]] && text="$(cat "$file")"
    fi
    for _ in 1 2 3 4 5 6 7 8; do
      [[ -n "$text" ]] || break
      found="$(licences <<<"$text" || true)"
      [[ -n "$found" ]] && break
      coords="$(parent <<<"$text" || true)"
      [[ -n "$coords" && "$coords" != "::" ]] || break
      IFS=: read -r g a v <<<"$coords"
      file="$repo/${g//.//}/$a/$v/$a-$v.pom"
      [[ -r "$file" ]] || break
      text="$(cat "$file")"
    done
    if [[ -z "$found" ]]; then
      found="$(unzip -p "$jar" META-INF/MANIFEST.MF 2>/dev/null | tr -d '\r' | sed -n 's/^Bundle-License: //p' | head -1 || true)"
    fi
    echo "$name | ${found:-licence not declared in its POM or manifest (see META-INF in the jar)}"
  done
} > "$output"
echo "third-party: $(grep -c ' | ' "$output") jars listed in $output"
