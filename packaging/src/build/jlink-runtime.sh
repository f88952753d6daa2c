#!/usr/bin/env bash
# Builds the Java runtime the distribution ships (packaging/target/signet-runtime): a jlink'ed image of the
# JDK 25 under /usr/lib/jvm holding only the modules of runtime-modules.txt, plus a class-data sharing base
# archive for -XX:+UseCompactObjectHeaders (the flag every launcher passes; the dynamic lib/*.jsa archives
# sit on top of it). Skipped when the image already exists for the same JDK, module list and script.
# Usage: jlink-runtime.sh <modules-file> <output-dir>
set -euo pipefail
modules_file="$1"
output="$2"

source "$(dirname "${BASH_SOURCE[0]}")/build-jdk.sh"

modules="$(grep -v '^[[:space:]]*#' "$modules_file" | awk '{print $1}' | grep -v '^$' | paste -sd, -)"
# the JDK, its exact version, the modules and this script: a change to any of them rebuilds the image
stamp="$jdk $(grep '^JAVA_RUNTIME_VERSION=' "$jdk/release" || true) $modules $(sha256sum "$0" | cut -c1-16)"
if [[ -x "$output/bin/java" && -f "$output/.signet-stamp" && "$(cat "$output/.signet-stamp")" == "$stamp" ]]; then
  echo "jlink-runtime: $output is up to date"
  exit 0
fi

rm -rf "$output"
"$jdk/bin/jlink" --add-modules "$modules" --output "$output" \
  --strip-debug --no-man-pages --no-header-files --compress=zip-6
# Native symbol tables are not needed to run (the JVM resolves through the dynamic symbols): stripped, as
# Debian ships binaries, when binutils' strip is installed; the JDK's debug information is never shipped.
if command -v strip >/dev/null 2>&1; then
  find "$output" -type f \( -name '*.so' -o -path '*/bin/*' -o -name jspawnhelper -o -name jexec \) \
    -exec strip --strip-unneeded {} +
else
  echo "jlink-runtime: strip not found (binutils); native symbol tables kept" >&2
fi
# java.security names the providers of the full JDK; those whose module the image lacks (XMLDSig, SunPCSC,
# SunPKCS11, ...) are dropped from the list. Left in, the first lookup that walks the whole list (Security.getProviders(),
# or any algorithm no earlier provider offers) looks for each missing one with a ServiceLoader scan of the class path,
# which instantiates every provider found there: BouncyCastle's alone loads ~1,000 classes, seconds of an agent's start
# on a busy host, for a provider the JVM then discards.
present="$("$output/bin/java" --list-modules | sed 's/@.*//')"
security="$output/conf/security/java.security"
n=0
while IFS= read -r line || [[ -n "$line" ]]; do
  if [[ "$line" =~ ^security\.provider\.[0-9]+=([A-Za-z0-9]+) ]]; then
    case "${BASH_REMATCH[1]}" in
      XMLDSig) module=java.xml.crypto ;; SunPCSC) module=java.smartcardio ;; SunPKCS11) module=jdk.crypto.cryptoki ;;
      JdkSASL) module=jdk.security.jgss ;; SunJGSS) module=java.security.jgss ;; SunSASL) module=java.security.sasl ;;
      JdkLDAP) module=java.naming ;; *) module=java.base ;;
    esac
    grep -qx "$module" <<<"$present" || continue
    n=$((n + 1))
    line="security.provider.$n=${BASH_REMATCH[1]}${line#*=${BASH_REMATCH[1]}}"
  fi
  printf '%s\n' "$line"
done < "$security" > "$security.new"
mv "$security.new" "$security"
# The base CDS archive for compact object headers (lib/server/classes_coh.jsa); without it the JVM runs with
# class-data sharing off and no dynamic archive can be made or used. --enable-native-access as the launcher
# passes it, else the archived module graph is not used ("optimized module handling" off).
"$output/bin/java" -XX:+UseCompactObjectHeaders --enable-native-access=ALL-UNNAMED -Xshare:dump -Xlog:cds=off -Xlog:cds+dynamic=off >/dev/null
chmod -R u+rwX,go+rX,go-w "$output"
echo "$stamp" > "$output/.signet-stamp"
echo "jlink-runtime: $output ($(du -sh "$output" | cut -f1)) from $jdk: $modules"
