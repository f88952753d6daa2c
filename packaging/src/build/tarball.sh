#!/usr/bin/env bash
# Packs the distribution (target/signet, runtime included) as signet-<version>/ into
# target/signet-<version>-linux-x86_64.tar.gz: sorted names, root-owned, modes as built (bin/ and runtime/bin
# executable, nothing writable by group or others) and mtimes as built (the class-data sharing archives
# lib/*.jsa record the jars' mtimes and are ignored when they differ).
# Usage: tarball.sh <dist-dir> <version> <output.tar.gz>
set -euo pipefail
dist="$1"
version="$2"
output="$3"
top="signet-$version"
# lib/*.jsa and anything the training runs made under umask 027 must be readable by the service users.
chmod -R u+rwX,go+rX,go-w "$dist"
rm -f "$output"
tar --create --gzip --file "$output" --directory "$dist" \
  --sort=name --owner=0 --group=0 --numeric-owner \
  --exclude='./data' --transform "s,^\.,$top," .
echo "tarball: $output ($(du -h "$output" | cut -f1))"
