#!/usr/bin/env bash
# Verifies the signature of every signed jar in the distribution's lib/ (AWS-LC's ACCP, BouncyCastle, TSS.Java) and
# rewrites the jar without it (StripJarSignatures.java). A signed jar made each start slower: the JVM checks the
# signature file and the digest of every class it loads from it, the class-data sharing archive cannot hold its
# classes, and ACCP's 9.6 MB native library was hashed while being extracted (about a fifth of an agent restart's
# CPU, issue 16). The check is made once here instead, and a jar whose signature does not verify fails the build.
# Usage: unsign-jars.sh <lib directory>
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/build-jdk.sh"
exec "$jdk/bin/java" "$(dirname "${BASH_SOURCE[0]}")/StripJarSignatures.java" "$1"
